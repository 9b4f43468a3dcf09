import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { CryptoError } from './errors';
import { canonicalize } from './jcs';

// Vectors are read in place (never copied): CONFORMANCE_DIR, else ../shared/conformance beside the repository.
const VECTORS = join(process.env.CONFORMANCE_DIR ?? resolve(__dirname, '../../../../shared/conformance'), 'jcs');

describe('canonicalize', () => {
  const names = readdirSync(join(VECTORS, 'input')).filter((name) => name.endsWith('.json'));

  it('finds the RFC 8785 vectors', () => expect(names.length).toBeGreaterThanOrEqual(6));

  it.each(names)('produces the exact output bytes for %s', (name) => {
    const input = JSON.parse(readFileSync(join(VECTORS, 'input', name), 'utf8'));
    const output = Buffer.from(canonicalize(input), 'utf8');
    expect(output.equals(readFileSync(join(VECTORS, 'output', name)))).toBe(true);
    const hex = readFileSync(join(VECTORS, 'outhex', name.replace(/\.json$/, '.txt')), 'utf8').replace(/\s+/g, '');
    expect(output.toString('hex')).toBe(hex);
  });

  it('sorts members by UTF-16 code units and writes numbers in ECMAScript form', () => {
    expect(canonicalize({ '\u{1F600}': 1, '\uFFFF': 2, b: [1e21, 1e-7, -0, 0.1 + 0.2], a: 'é\n' })).toBe(
      '{"a":"é\\n","b":[1e+21,1e-7,0,0.30000000000000004],"\u{1F600}":1,"\uFFFF":2}',
    );
  });

  it('sorts an object with a "toJSON" member (json-canonicalize emits it unsorted)', () => {
    expect(canonicalize(JSON.parse('{"toJSON":"x","b":1,"a":2}'))).toBe('{"a":2,"b":1,"toJSON":"x"}');
  });

  it('keeps a "__proto__" member that JSON.parse created', () => {
    expect(canonicalize(JSON.parse('{"__proto__":{"z":1},"a":2}'))).toBe('{"__proto__":{"z":1},"a":2}');
  });

  it('omits undefined object members, as JSON.stringify does', () => {
    expect(canonicalize({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['NaN', { a: [NaN] }],
    ['Infinity', { a: -Infinity }],
    ['a bigint', { a: 1n }],
    ['a function', { a: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['an undefined array element', [1, undefined]],
    ["an array hole", [1, , 2]],
    ['a lone surrogate in a string', JSON.parse('["\\ud800"]')],
    ['a lone surrogate in a member name', JSON.parse('{"\\udc00x":1}')],
    ['a Date', { a: new Date(0) }],
    ['a Map', new Map([['a', 1]])],
    ['a class instance', new (class Point { x = 1 })()],
    ['a circular reference', circular],
  ])('rejects %s with CryptoError JCS_UNREPRESENTABLE', (_, value) => {
    expect(() => canonicalize(value)).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'JCS_UNREPRESENTABLE' }));
  });

  it('names the path of the offending value', () => {
    expect(() => canonicalize({ a: [0, { 'b c': NaN }] })).toThrow('$["a"][1]["b c"]: NaN is not a JSON number');
  });

  it('accepts a shared (non-circular) sub-object twice', () => {
    const shared = { z: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"z":1},"b":[{"z":1}]}');
  });

  it('is a fixed point of parse, independent of member order, and preserves the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        const parsed = JSON.parse(text);
        expect(canonicalize(parsed)).toBe(text);
        expect(canonicalize(reverseMembers(parsed))).toBe(text);
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('throws only CryptoError', () => {
    expect(() => canonicalize(NaN)).toThrow(CryptoError);
  });
});

function reverseMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseMembers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseMembers(v)]));
}
