import { type AiMap, epcUriFromAis, normalizeGtin, parseDigitalLink, parseEpcUri, percentDecode, type EpcIdentity } from '@app/gs1';
import { T3Error } from './model';

/** The digits a GS1 company prefix begins: a GTIN's and an SSCC's after their leading digit, a GLN's from the start. */
function prefixedDigits(key: { gtin?: string; sscc?: string; gln?: string }): string {
  if (key.gtin !== undefined) return normalizeGtin(key.gtin).slice(1);
  return key.sscc !== undefined ? key.sscc.slice(1) : key.gln ?? '';
}

const identityDigits = (id: EpcIdentity): string =>
  prefixedDigits(id.scheme === 'sgtin' || id.scheme === 'lgtin' ? { gtin: id.gtin } : id.scheme === 'sscc' ? { sscc: id.sscc } : { gln: id.gln });

/**
 * Known GS1 company prefixes. An EPC URN splits the key at the company prefix, which a Digital Link or a bare GLN
 * does not record; prefixes are allocated so that none begins another, so at most one matches a key.
 */
export class CompanyPrefixes {
  private readonly prefixes = new Set<string>();

  constructor(prefixes: Iterable<string> = []) {
    for (const prefix of prefixes) this.prefixes.add(prefix);
  }

  /** Learns the prefixes the EPC URNs anywhere in `value` (an event, say) spell out. */
  learnFrom(value: unknown): void {
    if (typeof value === 'string') {
      if (!value.startsWith('urn:epc:id:') && !value.startsWith('urn:epc:class:')) return;
      try {
        const id = parseEpcUri(value);
        this.prefixes.add(identityDigits(id).slice(0, id.companyPrefixLength));
      } catch {
        // not a TDS URN this library reads (a GRAI, say): it teaches nothing
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const member of Object.values(value)) this.learnFrom(member);
    }
  }

  /** The length of the known prefix that begins the key, if any. */
  find(key: { gtin?: string; sscc?: string; gln?: string }): number | undefined {
    const digits = prefixedDigits(key);
    for (const prefix of this.prefixes) if (digits.startsWith(prefix)) return prefix.length;
    return undefined;
  }

  lengthFor(key: { gtin?: string; sscc?: string; gln?: string }, what: string): number {
    const length = this.find(key);
    if (length === undefined) throw new T3Error(`no GS1 company prefix known for ${what}: pass it in companyPrefixes`);
    return length;
  }
}

/** `urn:epc:idpat:sgtin:…*`: a GTIN as a product class, as EPCIS 1.2 quantity lists and EPCClass master data name it. */
export function gtinPatternUrn(gtin: string, prefixes: CompanyPrefixes): string {
  const gtin14 = normalizeGtin(gtin);
  const length = prefixes.lengthFor({ gtin: gtin14 }, `GTIN ${gtin14}`);
  return `urn:epc:idpat:sgtin:${gtin14.slice(1, 1 + length)}.${gtin14[0]}${gtin14.slice(1 + length, 13)}.*`;
}

const EPC_KEYS = ['01', '00', '414', '417'];

/**
 * An identifier in EPCIS 1.2 form: a GS1 Digital Link (any domain) of an EPC becomes its EPC URN; URNs and private
 * URIs stay as they are. PGLNs stay PGLNs (not SGLN …0), so the event keeps its hash ID.
 */
export function epcUrn(uri: string, prefixes: CompanyPrefixes): string {
  if (!/^https?:\/\//i.test(uri)) return uri;
  let ais: AiMap;
  try {
    ais = parseDigitalLink(uri).ais;
  } catch {
    return uri; // a web address that is no Digital Link names a private identifier
  }
  if (!EPC_KEYS.some((ai) => ais[ai] !== undefined)) return uri; // GDTI, GRAI…: not an EPC this binding needs
  const { '01': gtin, '21': serial, '10': lot, '00': sscc } = ais;
  if (gtin !== undefined && serial === undefined && lot === undefined) return gtinPatternUrn(gtin, prefixes);
  if (gtin === undefined && sscc === undefined) {
    // A party or place whose GLN has no known prefix stays a Digital Link: EPCIS 1.2 takes any URI there.
    const length = prefixes.find({ gln: ais['414'] ?? ais['417'] });
    return length === undefined ? uri : withEscapesOf(uri, epcUriFromAis(ais, length));
  }
  return withEscapesOf(uri, epcUriFromAis(ais, prefixes.lengthFor({ gtin, sscc }, uri)));
}

/** The AI of each URN scheme's last, alphanumeric component, and the characters a TDS URN component allows. */
const TEXT_AI: Record<string, string> = { sgtin: '21', lgtin: '10', sgln: '254' };
const URN_COMPONENT = /^(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2})+$/;

/**
 * The URN with the serial, lot or extension escaped as the Digital Link escaped it (`%27` stays `%27`, not `'`):
 * the event hash compares identifiers with their escapes as written (event-hash-gs1.ts), so the event keeps its ID.
 */
function withEscapesOf(link: string, urn: string): string {
  const ai = TEXT_AI[urn.split(':')[3]];
  const segments = link.split(/[?#]/)[0].split('/');
  const index = ai === undefined ? -1 : segments.lastIndexOf(ai);
  const raw = index < 0 ? undefined : segments[index + 1];
  const dot = urn.lastIndexOf('.');
  const same = raw !== undefined && URN_COMPONENT.test(raw) && percentDecode(raw) === percentDecode(urn.slice(dot + 1));
  return same ? urn.slice(0, dot + 1) + raw : urn;
}

/** CBV 1.2 URN namespaces and the CBV 2.0 term prefixes of the same vocabularies. */
const CBV_VOCABULARIES = {
  bizStep: ['urn:epcglobal:cbv:bizstep:', 'BizStep-'],
  disposition: ['urn:epcglobal:cbv:disp:', 'Disp-'],
  bizTransactionType: ['urn:epcglobal:cbv:btt:', 'BTT-'],
  sourceDestType: ['urn:epcglobal:cbv:sdt:', 'SDT-'],
  errorReason: ['urn:epcglobal:cbv:er:', 'ER-'],
} as const;
export type CbvVocabularyName = keyof typeof CBV_VOCABULARIES;

/**
 * A CBV value in its 1.2 URN form: EPCIS 2.0 JSON-LD writes the bare word (`shipping`), CURIE or web URI
 * (`https://ref.gs1.org/cbv/BizStep-shipping`); 1.2 only knows `urn:epcglobal:cbv:bizstep:shipping`. Private URIs pass.
 */
export function cbvUrn(value: string, vocabulary: CbvVocabularyName): string {
  const [urn, term] = CBV_VOCABULARIES[vocabulary];
  if (/^\w+$/.test(value)) return urn + value;
  for (const base of ['https://ref.gs1.org/cbv/', 'cbv:']) {
    if (value.startsWith(base + term)) return urn + value.slice(base.length + term.length);
  }
  return value;
}

/**
 * The 11-digit NDC (5-4-2) the GS1 US FDA_NDC_11 code asks for. A hyphenated 10-digit NDC pads the short segment;
 * an unhyphenated 10-digit NDC is refused, since nothing says which segment is short.
 */
export function ndc11(ndc: string): string {
  const digits = ndc.replace(/-/g, '');
  if (/^\d{11}$/.test(digits)) return digits;
  const segments = /^(\d{4,5})-(\d{3,4})-(\d{1,2})$/.exec(ndc);
  if (segments && digits.length === 10) {
    return segments[1].padStart(5, '0') + segments[2].padStart(4, '0') + segments[3].padStart(2, '0');
  }
  throw new T3Error(`NDC ${JSON.stringify(ndc)} is neither 11 digits nor a hyphenated 10-digit NDC`);
}
