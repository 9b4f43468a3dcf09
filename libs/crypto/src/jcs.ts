import serialize from 'canonicalize';
import { CryptoError } from './errors';
import { hasLoneSurrogate } from './utf8';

/**
 * RFC 8785 JSON Canonicalization Scheme.
 *
 * Serialisation is delegated to the `canonicalize` package (erdtman; co-authored by the RFC's author), which passes
 * every vector in shared/conformance/jcs. `json-canonicalize` passes them too but serialises any object that has a
 * "toJSON" member (legal JSON data) verbatim, unsorted, so it is not used.
 *
 * Both packages follow JSON.stringify and silently coerce values JSON has no form for, which would sign something
 * other than what the caller holds. So input is first restricted to the I-JSON data model (RFC 7493): null,
 * booleans, finite numbers, strings without lone surrogates, arrays without holes or undefined elements, and plain
 * objects. Object members whose value is undefined are omitted, as JSON.stringify omits them when the value is sent.
 */
export function canonicalize(value: unknown): string {
  assertJson(value, '$', new Set());
  return serialize(value) as string;
}

function assertJson(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      return fail(path, `${value} is not a JSON number`);
    case 'string':
      if (!hasLoneSurrogate(value)) return;
      return fail(path, 'string contains a lone UTF-16 surrogate');
    case 'object':
      if (value === null) return;
      if (ancestors.has(value)) return fail(path, 'circular reference');
      ancestors.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined) fail(`${path}[${i}]`, 'undefined array element');
          assertJson(value[i], `${path}[${i}]`, ancestors);
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        // Date, Map, Buffer, class instances...: JSON.stringify would call toJSON or drop state.
        if (proto !== Object.prototype && proto !== null) {
          fail(path, `${Object.prototype.toString.call(value)} is not a plain object`);
        }
        for (const [key, member] of Object.entries(value)) {
          const memberPath = `${path}[${JSON.stringify(key)}]`;
          if (hasLoneSurrogate(key)) fail(memberPath, 'member name contains a lone UTF-16 surrogate');
          if (member !== undefined) assertJson(member, memberPath, ancestors);
        }
      }
      ancestors.delete(value);
      return;
    default:
      return fail(path, `${typeof value} is not representable in JSON`);
  }
}

function fail(path: string, reason: string): never {
  throw new CryptoError('JCS_UNREPRESENTABLE', `${path}: ${reason}`);
}
