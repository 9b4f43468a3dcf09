import { AiMap, checkAi } from './ai';
import { percentDecode, percentEncode } from './charset';
import { gs1CheckDigit, normalizeGtin } from './check-digit';
import { encodeDigitalLinkValue, GS1_RESOLVER } from './digital-link';
import { Gs1Error } from './errors';

export type EpcIdentity =
  | { scheme: 'sgtin'; gtin: string; serial: string; companyPrefixLength: number }
  | { scheme: 'lgtin'; gtin: string; lot: string; companyPrefixLength: number }
  | { scheme: 'sscc'; sscc: string; companyPrefixLength: number }
  | { scheme: 'sgln'; gln: string; extension: string; companyPrefixLength: number }
  | { scheme: 'pgln'; gln: string; companyPrefixLength: number };
export type EpcScheme = EpcIdentity['scheme'];

// Per scheme: URN class, AI of its GS1 key, AI of its trailing alphanumeric component.
const SCHEMES: Record<EpcScheme, { urnClass: 'id' | 'class'; keyAi: string; textAi?: string }> = {
  sgtin: { urnClass: 'id', keyAi: '01', textAi: '21' },
  lgtin: { urnClass: 'class', keyAi: '01', textAi: '10' },
  sscc: { urnClass: 'id', keyAi: '00' },
  sgln: { urnClass: 'id', keyAi: '414', textAi: '254' },
  pgln: { urnClass: 'id', keyAi: '417' },
};
// Digits before the check digit, and how many lead them before the company prefix
// (a GTIN's indicator, an SSCC's extension digit); TDS moves those into the reference.
const KEY_LAYOUT: Record<string, { body: number; lead: number }> = {
  '01': { body: 13, lead: 1 },
  '00': { body: 17, lead: 1 },
  '414': { body: 12, lead: 0 },
  '417': { body: 12, lead: 0 },
};
const EPC_URI = /^urn:epc:(id|class):(\w+):(\d*)\.(\d*)(?:\.(.*))?$/;
// TDS URI form of a character-set-82 component: these seven must be %HH-escaped, the rest appear as-is.
const TDS_COMPONENT = /^(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2})+$/;
const TDS_ESCAPED = /["%&/<>?]/g;
// The SGLN extension TDS uses when the location has none (there is then no AI 254).
const NO_EXTENSION = '0';

const isScheme = (name: string): name is EpcScheme => Object.hasOwn(SCHEMES, name);

function decode(uri: string): { scheme: EpcScheme; key: string; text: string; companyPrefixLength: number } {
  const m = EPC_URI.exec(uri);
  if (!m || !isScheme(m[2]) || SCHEMES[m[2]].urnClass !== m[1]) {
    throw new Gs1Error('BAD_URI', 'not a supported EPC pure-identity URI');
  }
  const [, , scheme, prefix, reference, rawText] = m;
  const { keyAi, textAi } = SCHEMES[scheme];
  if ((rawText === undefined) !== (textAi === undefined)) throw new Gs1Error('BAD_URI', `wrong number of components for ${scheme}`);
  if (prefix.length < 6 || prefix.length > 12) throw new Gs1Error('BAD_LENGTH', 'company prefix must be 6-12 digits', 'companyPrefixLength');
  const { body, lead } = KEY_LAYOUT[keyAi];
  if (prefix.length + reference.length !== body) {
    throw new Gs1Error('BAD_LENGTH', `company prefix and reference must total ${body} digits`, keyAi);
  }
  const digits = reference.slice(0, lead) + prefix + reference.slice(lead);
  if (rawText !== undefined && !TDS_COMPONENT.test(rawText)) throw new Gs1Error('BAD_URI', 'unescaped or invalid character', textAi);
  const text = textAi ? checkAi(textAi, percentDecode(rawText ?? '')) : '';
  return { scheme, key: digits + gs1CheckDigit(digits), text, companyPrefixLength: prefix.length };
}

/** Parses `urn:epc:id:{sgtin|sscc|sgln|pgln}:...` and `urn:epc:class:lgtin:...` into GS1 keys. */
export function parseEpcUri(uri: string): EpcIdentity {
  const { scheme, key, text, companyPrefixLength } = decode(uri);
  switch (scheme) {
    case 'sgtin':
      return { scheme, gtin: key, serial: text, companyPrefixLength };
    case 'lgtin':
      return { scheme, gtin: key, lot: text, companyPrefixLength };
    case 'sscc':
      return { scheme, sscc: key, companyPrefixLength };
    case 'sgln':
      return { scheme, gln: key, extension: text, companyPrefixLength };
    case 'pgln':
      return { scheme, gln: key, companyPrefixLength };
  }
}

/** The element-string AIs an EPC URI stands for, e.g. { '01': gtin, '21': serial }. */
export function epcUriToAis(uri: string): AiMap {
  const { scheme, key, text } = decode(uri);
  const { keyAi, textAi } = SCHEMES[scheme];
  return textAi && !(scheme === 'sgln' && text === NO_EXTENSION) ? { [keyAi]: key, [textAi]: text } : { [keyAi]: key };
}

/**
 * The canonical id.gs1.org Digital Link of an EPC URI: toDigitalLink(epcUriToAis(uri)), built straight from the
 * decoded key (every EPC has at most one qualifier, so there is no ordering to do). Ingest, ledger, verify and the
 * audit turn every EPC of every event into this, so it avoids the generic path.
 */
export function epcUriToDigitalLink(uri: string): string {
  const { scheme, key, text } = decode(uri);
  const { keyAi, textAi } = SCHEMES[scheme];
  const qualifier = textAi && !(scheme === 'sgln' && text === NO_EXTENSION) ? `/${textAi}/${encodeDigitalLinkValue(text)}` : '';
  return `${GS1_RESOLVER}/${keyAi}/${key}${qualifier}`;
}

function encode(scheme: EpcScheme, key: string, companyPrefixLength: number, text = ''): string {
  const { urnClass, keyAi, textAi } = SCHEMES[scheme];
  if (!Number.isInteger(companyPrefixLength) || companyPrefixLength < 6 || companyPrefixLength > 12) {
    throw new Gs1Error('BAD_LENGTH', 'company prefix length must be an integer 6-12', 'companyPrefixLength');
  }
  const { lead } = KEY_LAYOUT[keyAi];
  const digits = checkAi(keyAi, key).slice(0, -1);
  const prefix = digits.slice(lead, lead + companyPrefixLength);
  const reference = digits.slice(0, lead) + digits.slice(lead + companyPrefixLength);
  const tail = textAi ? `.${percentEncode(checkAi(textAi, text), TDS_ESCAPED)}` : '';
  return `urn:epc:${urnClass}:${scheme}:${prefix}.${reference}${tail}`;
}

export const sgtinUri = (gtin: string, serial: string, companyPrefixLength: number): string =>
  encode('sgtin', normalizeGtin(gtin), companyPrefixLength, serial);
export const lgtinUri = (gtin: string, lot: string, companyPrefixLength: number): string =>
  encode('lgtin', normalizeGtin(gtin), companyPrefixLength, lot);
export const ssccUri = (sscc: string, companyPrefixLength: number): string => encode('sscc', sscc, companyPrefixLength);
/** `extension` '0' means the location has no GLN extension (no AI 254). */
export const sglnUri = (gln: string, extension: string, companyPrefixLength: number): string =>
  encode('sgln', gln, companyPrefixLength, extension);
export const pglnUri = (gln: string, companyPrefixLength: number): string => encode('pgln', gln, companyPrefixLength);

/**
 * The EPC URI for an AI map: SGTIN when it has (01)+(21), LGTIN for (01)+(10), else SSCC, SGLN
 * or PGLN by key. AIs the URI cannot carry, such as (17), are left out.
 */
export function epcUriFromAis(ais: AiMap, companyPrefixLength: number): string {
  const { '01': gtin, '21': serial, '10': lot, '00': sscc, '414': gln, '254': extension, '417': pgln } = ais;
  if (gtin !== undefined && serial !== undefined) return sgtinUri(gtin, serial, companyPrefixLength);
  if (gtin !== undefined && lot !== undefined) return lgtinUri(gtin, lot, companyPrefixLength);
  if (sscc !== undefined) return ssccUri(sscc, companyPrefixLength);
  if (gln !== undefined) return sglnUri(gln, extension ?? NO_EXTENSION, companyPrefixLength);
  if (pgln !== undefined) return pglnUri(pgln, companyPrefixLength);
  throw new Gs1Error('MISSING_AI', 'no (01)+(21), (01)+(10), (00), (414) or (417) to build an EPC URI from');
}
