/**
 * GS1 keys reach EPCIS events as EPC URNs (pure identity, class and pattern URIs) or as GS1 Digital Link URIs on
 * any host. The event hash compares them in one form (CBV 2.0 §8.9): the Digital Link URI on https://id.gs1.org with
 * AI numbers instead of short names, no query string, and only the finest identification level (a serial drops the
 * lot; the CPV always goes).
 *
 * Escaped characters pass through as written: URN escapes are valid in Digital Link paths, and the conformance
 * vectors keep RFC 3986 sub-delimiters such as `!()*` unencoded.
 */

const DIGITAL_LINK_ROOT = 'https://id.gs1.org';

type Part = string | undefined;

/** GS1 mod-10 check digit (GS1 General Specifications §7.9.1): weights 3,1,3,… from the rightmost digit. */
export function gs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * ((digits.length - i) % 2 === 1 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
}

/** The canonical Digital Link URI for an EPC URN or Digital Link URI; undefined when `uri` carries no GS1 key. */
export function canonicalGs1Uri(uri: string): string | undefined {
  return uri.startsWith('urn:epc:') ? fromEpcUrn(uri) : fromDigitalLink(uri);
}

// ---- EPC URNs (GS1 EPC Tag Data Standard §6) ----

const COMPANY_PREFIX = /^\d{6,12}$/;
const URN_CHARACTERS = /^(?:[\w!'()*+,\-.:;=]|%[0-9A-Fa-f]{2})+$/;

const text = (value: string): Part => (URN_CHARACTERS.test(value) ? value : undefined);
const digits = (value: string, length?: number): Part =>
  /^\d+$/.test(value) && (length === undefined || value.length === length) ? value : undefined;
const joined = (...parts: Part[]): Part => (parts.every((p) => p !== undefined) ? parts.join('') : undefined);

/** Company prefix + reference of a fixed total length; a 12-digit prefix may leave the reference empty. */
function companyKey(prefix: string, reference: string, length: number): Part {
  return COMPANY_PREFIX.test(prefix) && /^\d*$/.test(reference) && prefix.length + reference.length === length
    ? prefix + reference
    : undefined;
}

const withCheckDigit = (key: Part): Part => key && key + gs1CheckDigit(key);
const checked = (prefix: string, reference: string, length: number) =>
  withCheckDigit(companyKey(prefix, reference, length));
/** The item reference's first digit is the GTIN indicator digit, which leads the GTIN. */
const gtin = (prefix: string, itemRef: string) =>
  companyKey(prefix, itemRef, 13) && withCheckDigit(itemRef[0] + prefix + itemRef.slice(1));
const companyText = (prefix: string, reference: string) =>
  COMPANY_PREFIX.test(prefix) ? joined(prefix, text(reference)) : undefined;

/** A Digital Link path from alternating AI / value arguments; undefined if any value is invalid. */
function path(...aiValuePairs: Part[]): Part {
  if (aiValuePairs.some((p) => p === undefined)) return undefined;
  let result = '';
  for (let i = 0; i < aiValuePairs.length; i += 2) result += `/${aiValuePairs[i]}/${aiValuePairs[i + 1]}`;
  return result;
}

/** Patterns end in `*` where the serial would be; they identify the class, i.e. the key without serial. */
const pattern =
  (toPath: (parts: string[]) => Part) =>
  (parts: string[]): Part =>
    parts[parts.length - 1] === '*' ? toPath(parts) : undefined;

/** GRAI-96 drops the GRAI's leading filler zero; the Digital Link writes it. */
const grai = (prefix: string, assetType: string) =>
  companyKey(prefix, assetType, 12) && withCheckDigit(`0${prefix}${assetType}`);
/** The serial reference's first digit is the SSCC extension digit, which leads the SSCC. */
const sscc = (prefix: string, serialRef: string) =>
  companyKey(prefix, serialRef, 17) && withCheckDigit(serialRef[0] + prefix + serialRef.slice(1));
const itip = (prefix: string, itemRef: string, piece: string, total: string) =>
  joined(gtin(prefix, itemRef), digits(piece, 2), digits(total, 2));

/** `family:scheme` → [number of dot-separated components, Digital Link path builder]. */
const EPC_SCHEMES = new Map<string, [number, (parts: string[]) => Part]>(
  Object.entries({
    'id:sgtin': [3, ([cp, ir, serial]) => path('01', gtin(cp, ir), '21', text(serial))],
    'id:sscc': [2, ([cp, sr]) => path('00', sscc(cp, sr))],
    'id:sgln': [3, ([cp, lr, ext]) => path('414', checked(cp, lr, 12), ...(ext === '0' ? [] : ['254', text(ext)]))],
    'id:grai': [3, ([cp, at, serial]) => path('8003', joined(grai(cp, at), text(serial)))],
    'id:giai': [2, ([cp, ref]) => path('8004', companyText(cp, ref))],
    'id:gsrn': [2, ([cp, sr]) => path('8018', checked(cp, sr, 17))],
    'id:gsrnp': [2, ([cp, sr]) => path('8017', checked(cp, sr, 17))],
    'id:gdti': [3, ([cp, dt, serial]) => path('253', joined(checked(cp, dt, 12), text(serial)))],
    'id:cpi': [3, ([cp, ref, serial]) => path('8010', companyText(cp, ref), '8011', digits(serial))],
    'id:sgcn': [3, ([cp, cr, serial]) => path('255', joined(checked(cp, cr, 12), digits(serial)))],
    'id:ginc': [2, ([cp, ref]) => path('401', companyText(cp, ref))],
    'id:gsin': [2, ([cp, sr]) => path('402', checked(cp, sr, 16))],
    'id:itip': [5, ([cp, ir, piece, total, serial]) => path('8006', itip(cp, ir, piece, total), '21', text(serial))],
    'id:upui': [3, ([cp, ir, tpx]) => path('01', gtin(cp, ir), '235', text(tpx))],
    'id:pgln': [2, ([cp, pr]) => path('417', checked(cp, pr, 12))],
    'class:lgtin': [3, ([cp, ir, lot]) => path('01', gtin(cp, ir), '10', text(lot))],
    'idpat:sgtin': [3, pattern(([cp, ir]) => path('01', gtin(cp, ir)))],
    'idpat:grai': [3, pattern(([cp, at]) => path('8003', grai(cp, at)))],
    'idpat:gdti': [3, pattern(([cp, dt]) => path('253', checked(cp, dt, 12)))],
    'idpat:sgcn': [3, pattern(([cp, cr]) => path('255', checked(cp, cr, 12)))],
    'idpat:cpi': [3, pattern(([cp, ref]) => path('8010', companyText(cp, ref)))],
    'idpat:itip': [5, pattern(([cp, ir, piece, total]) => path('8006', itip(cp, ir, piece, total)))],
    'idpat:upui': [3, pattern(([cp, ir]) => path('01', gtin(cp, ir)))],
  }),
);

function fromEpcUrn(urn: string): string | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(urn);
  const scheme = match && EPC_SCHEMES.get(`${match[1]}:${match[2]}`);
  if (!match || !scheme) return undefined;
  const [count, toPath] = scheme;
  const components = match[3].split('.');
  if (components.length < count) return undefined;
  // Serials may contain dots, so everything after the fixed components belongs to the last one.
  const parts = [...components.slice(0, count - 1), components.slice(count - 1).join('.')];
  const digitalLinkPath = toPath(parts);
  return digitalLinkPath && DIGITAL_LINK_ROOT + digitalLinkPath;
}

// ---- GS1 Digital Link URIs (GS1 Digital Link Standard 1.x) ----

const SHORT_NAMES = new Map(
  Object.entries({
    gtin: '01', itip: '8006', cpid: '8010', gln: '414', party: '417', gsrnp: '8017', gsrn: '8018', gcn: '255',
    sscc: '00', gdti: '253', ginc: '401', gsin: '402', grai: '8003', giai: '8004',
    cpv: '22', lot: '10', ser: '21', cpsn: '8011', glnx: '254', srin: '8019',
  }),
);
const aiOf = (segment: string) => SHORT_NAMES.get(segment) ?? segment;

/** Primary keys: value syntax and the qualifier AIs a Digital Link path may add to them. */
const PRIMARY_KEYS = new Map<string, { value: RegExp; qualifiers: string[] }>(
  Object.entries({
    '01': { value: /^(?:\d{8}|\d{12,14})$/, qualifiers: ['22', '10', '21', '235'] },
    '8006': { value: /^\d{18}$/, qualifiers: ['22', '10', '21'] },
    '00': { value: /^\d{18}$/, qualifiers: [] },
    '414': { value: /^\d{13}$/, qualifiers: ['254'] },
    '417': { value: /^\d{13}$/, qualifiers: [] },
    '8017': { value: /^\d{18}$/, qualifiers: [] },
    '8018': { value: /^\d{18}$/, qualifiers: ['8019'] },
    '402': { value: /^\d{17}$/, qualifiers: [] },
    '253': { value: /^\d{13}/, qualifiers: [] },
    '255': { value: /^\d{13,25}$/, qualifiers: [] },
    '8003': { value: /^\d{14}/, qualifiers: [] },
    '8004': { value: /^\d{4}/, qualifiers: [] },
    '401': { value: /^\d{4}/, qualifiers: [] },
    '8010': { value: /^\d{4}/, qualifiers: ['8011'] },
  }),
);

/** GTIN-based keys keep only their finest qualifier: a serial (or TPX) over a lot; a CPV never stays. */
const FINEST_FIRST = ['21', '235', '10'];

function fromDigitalLink(uri: string): string | undefined {
  const match = /^https?:\/\/[^/?#]+(\/[^?#]*)/.exec(uri);
  if (!match) return undefined;
  const segments = match[1].split('/').slice(1);
  if (segments[segments.length - 1] === '') segments.pop();
  // Anything before the primary key is the resolver's own path prefix. No key takes more than three qualifiers,
  // so only the last eight segments can start a key path.
  for (let start = Math.max(0, segments.length - 8); start < segments.length; start += 1) {
    const canonical = canonicalKeyPath(segments.slice(start));
    if (canonical) return DIGITAL_LINK_ROOT + canonical;
  }
  return undefined;
}

function canonicalKeyPath([keySegment, keyValue, ...rest]: string[]): string | undefined {
  const ai = aiOf(keySegment);
  const key = PRIMARY_KEYS.get(ai);
  if (!key || keyValue === undefined || !key.value.test(keyValue) || rest.length % 2 !== 0) return undefined;
  const qualifiers = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const qualifier = aiOf(rest[i]);
    if (!key.qualifiers.includes(qualifier) || rest[i + 1] === '') return undefined;
    qualifiers.set(qualifier, rest[i + 1]);
  }
  const kept =
    ai === '01' || ai === '8006'
      ? FINEST_FIRST.filter((q) => qualifiers.has(q)).slice(0, 1)
      : key.qualifiers.filter((q) => qualifiers.has(q));
  const value = ai === '01' ? keyValue.padStart(14, '0') : keyValue;
  return `/${ai}/${value}${kept.map((q) => `/${q}/${qualifiers.get(q)}`).join('')}`;
}
