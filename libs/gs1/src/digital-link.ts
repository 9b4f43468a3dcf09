import { AiMap, checkAis, KEY_QUALIFIERS } from './ai';
import { percentDecode, percentEncode } from './charset';
import { decompressAis } from './digital-link-compression-codec';
import { validateAis } from './element-string';
import { Gs1Error } from './errors';

export interface DigitalLink {
  /** Scheme, host and any path prefix before the primary key: pass it back to toDigitalLink. */
  domain: string;
  /** Primary key, key qualifiers and data attributes, as in an element string. */
  ais: AiMap;
  /** Non-AI query parameters, e.g. the VRS request's linkType, context, reqGLN, corrUUID. */
  params: Record<string, string>;
}

const DOMAIN = String.raw`https?://[A-Za-z0-9.-]+(?::\d+)?`;
const DIGITAL_LINK = new RegExp(String.raw`^(${DOMAIN})(/[^?#]*)(?:\?([^#]*))?(?:#.*)?$`, 'i');
const DOMAIN_ONLY = new RegExp(String.raw`^${DOMAIN}(?:/[^/?#]+)*$`, 'i');
// GS1 Digital Link 1.1 short names, dropped from later versions; refused rather than silently
// returned as params, so `?exp=` cannot make a verification skip the expiry.
const SHORT_NAMES = new Set(['gtin', 'cpv', 'lot', 'ser', 'exp', 'sscc', 'gln', 'glnx', 'party']);

const badUri = (message: string): Gs1Error => new Gs1Error('BAD_URI', message);

/**
 * Parses a GS1 Digital Link URI (any domain, optional path prefix). A path without AI/value pairs
 * whose last segment is base 64 is read as compressed (GS1 Digital Link: Compression).
 */
export function parseDigitalLink(uri: string): DigitalLink {
  const m = DIGITAL_LINK.exec(uri);
  if (!m) throw badUri('not an http(s) URI');
  const segments = m[2].slice(1).split('/');
  // Walk (AI, value) pairs back from the end: what precedes the primary key is a path prefix,
  // and a prefix may itself contain something that looks like an AI.
  let start = segments.length - 2;
  while (start >= 0 && !KEY_QUALIFIERS.has(segments[start])) start -= 2;
  // Taking the AI data off the path leaves the prefix in `segments`.
  const { ais, params: compressedParams } =
    start < 0 ? readCompressed(segments.pop() ?? '') : { ais: readAiPath(segments.splice(start)), params: [] };

  const query = (m[3] ?? '').split('&').filter(Boolean).map((pair): [string, string] => {
    const eq = pair.includes('=') ? pair.indexOf('=') : pair.length;
    return [percentDecode(pair.slice(0, eq)), percentDecode(pair.slice(eq + 1))];
  });
  const params: [string, string][] = [];
  for (const [name, value] of [...compressedParams, ...query]) {
    if (SHORT_NAMES.has(name)) throw badUri(`short name ${JSON.stringify(name)} is not supported; use the numeric AI`);
    if (!/^\d+$/.test(name)) params.push([name, value]);
    else if (KEY_QUALIFIERS.has(name)) throw badUri(`primary key (${name}) belongs in the path`);
    else if (Object.hasOwn(ais, name)) throw new Gs1Error('DUPLICATE_AI', `AI (${name}) given twice`, name);
    else ais[name] = value;
  }
  const domain = [m[1], ...segments].join('/');
  // fromEntries defines own properties, so a parameter named __proto__ cannot alter the prototype.
  return { domain, ais: validateAis(ais), params: Object.fromEntries(params) };
}

// The canonical SGTIN link (what canonicalEpc makes of every serialized package): the commonest link by far.
const SGTIN_LINK = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/([^/?#]+)$/;

/** parseDigitalLink(uri).ais, with the same checks and errors, read directly when `uri` is a canonical SGTIN link. */
export function digitalLinkAis(uri: string): AiMap {
  const sgtin = SGTIN_LINK.exec(uri);
  return sgtin ? checkAis({ '01': sgtin[1], '21': percentDecode(sgtin[2]) }) : parseDigitalLink(uri).ais;
}

/** The primary key, then its qualifiers in the standard's order, each at most once. */
function readAiPath([key, value, ...rest]: string[]): AiMap {
  const qualifiers = KEY_QUALIFIERS.get(key) ?? [];
  const ais: AiMap = { [key]: percentDecode(value) };
  let next = 0;
  for (let i = 0; i < rest.length; i += 2) {
    const position = qualifiers.indexOf(rest[i], next);
    if (position < 0) throw badUri(`path segment ${JSON.stringify(rest[i])} is not a qualifier of (${key}) here`);
    next = position + 1;
    ais[rest[i]] = percentDecode(rest[i + 1]);
  }
  return ais;
}

/** A compressed path segment: the primary key with all other AIs, and maybe non-GS1 parameters. */
function readCompressed(segment: string): { ais: AiMap; params: [string, string][] } {
  if (!/^[\w-]+$/.test(segment)) throw badUri('no GS1 primary key (01, 00, 414, 417) followed by its value in the path');
  const data = decompressAis(segment);
  const keys = Object.keys(data.ais).filter((ai) => KEY_QUALIFIERS.has(ai));
  if (keys.length !== 1) throw badUri(`compressed Digital Link needs one GS1 primary key (01, 00, 414, 417), has ${keys.length}`);
  return data;
}

// Digital Link escapes every character-set-82 character outside RFC 3986 "unreserved".
// A value of only dots would be a dot-segment that clients collapse, so its dots are escaped too.
export const encodeDigitalLinkValue = (value: string): string =>
  /^\.{1,2}$/.test(value) ? value.replace(/\./g, '%2E') : percentEncode(value, /[^A-Za-z0-9._-]/g);

/** The id.gs1.org domain, where canonical Digital Links of this platform live. */
export const GS1_RESOLVER = 'https://id.gs1.org';

/**
 * Canonical GS1 Digital Link URI: the primary key, its qualifiers in standard order in the
 * path, every other AI as a query parameter in AI order.
 */
export function toDigitalLink(ais: AiMap, domain = GS1_RESOLVER): string {
  const base = domain.replace(/\/+$/, '');
  if (!DOMAIN_ONLY.test(base)) throw badUri(`${JSON.stringify(domain)} is not an http(s) domain`);
  const keys = Object.keys(ais).filter((ai) => KEY_QUALIFIERS.has(ai));
  if (keys.length !== 1) {
    throw keys.length
      ? new Gs1Error('UNKNOWN_FORMAT', `more than one primary key: ${keys.join(', ')}`)
      : new Gs1Error('MISSING_AI', 'no primary key (01, 00, 414, 417)');
  }
  validateAis(ais);
  const path = [keys[0], ...(KEY_QUALIFIERS.get(keys[0]) ?? []).filter((ai) => Object.hasOwn(ais, ai))];
  const query = Object.keys(ais)
    .filter((ai) => !path.includes(ai))
    .sort();
  return (
    base +
    path.map((ai) => `/${ai}/${encodeDigitalLinkValue(ais[ai])}`).join('') +
    (query.length ? `?${query.map((ai) => `${ai}=${encodeDigitalLinkValue(ais[ai])}`).join('&')}` : '')
  );
}
