/** Scalar canonicalisation rules of the CBV 2.0 event hash (§8.9): timestamps, numbers and CBV vocabulary URNs. */

export const CBV_NAMESPACE = 'https://ref.gs1.org/cbv/';
export const GS1_VOC_NAMESPACE = 'https://ref.gs1.org/voc/';

const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The same instant in UTC with exactly three fraction digits, e.g. `2023-02-02T12:04:03.1415+01:00` →
 * `2023-02-02T11:04:03.142Z`. Extra digits round half-up on the fourth digit (as the upstream vectors do), carrying
 * into the seconds. Text that is not an ISO 8601 date-time with a zone is returned unchanged: it cannot be placed in
 * UTC, and hashing it as written still yields a stable ID.
 */
export function canonicalTimestamp(text: string): string {
  const match = TIMESTAMP.exec(text);
  if (!match) return text;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const fraction = (match[7] ?? '').padEnd(4, '0');
  const millis = Number(fraction.slice(0, 3)) + (fraction[3] >= '5' ? 1 : 0);
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second);
  // Date silently rolls 2023-02-30 over into March; such text is not a date-time, so keep it as written.
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return text;
  }
  const zone = match[8].toUpperCase();
  const offsetMinutes =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(local.getTime() + millis - offsetMinutes * 60_000).toISOString();
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this exponent a "number" would expand to megabytes of zeros; such text is hashed as written. */
const MAX_EXPONENT = 1000;

/**
 * Plain decimal notation without sign `+`, exponent, leading or trailing zeros: `+0012.50` → `12.5`, `452.0` →
 * `452`, `1.5e-3` → `0.0015`. Text that is not a decimal number is returned unchanged.
 */
export function canonicalNumber(text: string): string {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && !match[3])) return text;
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return text;
  const significand = whole + fraction;
  const point = whole.length + exponent; // position of the decimal point within `significand`
  const integerPart = point <= 0 ? '0' : significand.slice(0, point).padEnd(point, '0');
  const fractionPart = point <= 0 ? '0'.repeat(-point) + significand : significand.slice(point);
  const integer = integerPart.replace(/^0+(?=\d)/, '');
  const decimals = fractionPart.replace(/0+$/, '');
  const magnitude = decimals ? `${integer}.${decimals}` : integer;
  return sign === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

const CBV_URN_PREFIXES: [string, string][] = [
  ['urn:epcglobal:cbv:bizstep:', 'BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'Disp-'],
  ['urn:epcglobal:cbv:btt:', 'BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'SDT-'],
  ['urn:epcglobal:cbv:er:', 'ER-'],
];

/** EPCIS 1.x CBV URNs (`urn:epcglobal:cbv:bizstep:shipping`) in their CBV 2.0 web URI form. */
export function cbvWebUri(text: string): string {
  for (const [urn, term] of CBV_URN_PREFIXES) {
    if (text.startsWith(urn)) return CBV_NAMESPACE + term + text.slice(urn.length);
  }
  return text;
}
