/**
 * GS1 CBV event hash ID (CBV 2.0 §8.9, "Event Hash ID"): a name for an EPCIS event that every party computes alike
 * from the event's content, whatever serialisation, member order, identifier syntax or time zone it arrived in.
 *
 * The pre-hash string is `eventType=…` followed by the standard fields in the canonical CBV order, written as
 * `name=value` (containers as their bare name), then user extensions as `{namespace}localName=value`. Lists are
 * sorted. The hash ID is the RFC 6920 `ni` URI of its SHA-256. Conformance: the RalphTro/epcis-event-hash-generator
 * vectors (see event-hash.spec.ts), whose pre-hash strings settle what the standard's prose leaves open.
 */
import { createHash } from 'node:crypto';

import { canonicalGs1Uri } from './event-hash-gs1';
import { CBV_NAMESPACE, GS1_VOC_NAMESPACE, canonicalNumber, canonicalTimestamp, cbvWebUri } from './event-hash-values';
import { DSCSA_NAMESPACE, SIGNATURE_MEMBER } from './signature';

export type CbvVersion = '2.0' | '2.1';

export interface EventHashOptions {
  /** The enclosing document's `@context`; its inline objects define the prefixes of extension members. */
  context?: unknown;
  /** Expanded IRIs of extension members (at any depth) to leave out, besides the standard exclusions. */
  exclude?: readonly string[];
  /** CBV edition whose rules apply; it also names the hash (`?ver=CBV2.0`). Default 2.0. */
  cbvVersion?: CbvVersion;
  /**
   * Code lists that remote JSON-LD contexts define, which this module never fetches: member name (as written or as
   * expanded IRI) → IRI prefix for its bare-word values,
   * e.g. `{ locationRoleType: 'https://ref.gs1.org/voc/LocationRoleType-' }`.
   */
  codeLists?: Readonly<Record<string, string>>;
}

/** The event's hash ID, `ni:///sha-256;<hex>?ver=CBV2.0`. */
export function eventHashId(event: Record<string, unknown>, options: EventHashOptions = {}): string {
  const digest = createHash('sha256').update(preHashString(event, options), 'utf8').digest('hex');
  return `ni:///sha-256;${digest}?ver=CBV${options.cbvVersion ?? '2.0'}`;
}

/** The canonical string the hash ID digests; exported to compare against conformance vectors and to debug. */
export function preHashString(event: Record<string, unknown>, options: EventHashOptions = {}): string {
  if (typeof event?.type !== 'string') throw new TypeError('an EPCIS event needs a string "type"');
  const prefixes = new Map(Object.entries(DEFAULT_PREFIXES));
  collectPrefixes(options.context, prefixes);
  collectPrefixes(event['@context'], prefixes);
  for (const [prefix, namespace] of Object.entries(FIXED_PREFIXES)) prefixes.set(prefix, namespace);
  const rendering: Rendering = {
    version: options.cbvVersion ?? '2.0',
    prefixes,
    excluded: new Set([...ALWAYS_EXCLUDED, ...(options.exclude ?? [])]),
    codeLists: new Map(Object.entries(options.codeLists ?? {})),
  };
  const { standard, nested, extensions } = renderObject(event, EVENT_FIELDS, rendering, NOT_HASHED);
  return `eventType=${event.type}${standard}${nested}${extensions}`;
}

// ---- Namespaces ----

/**
 * Prefixes the EPCIS context defines, so documents need not repeat them. `cbvmda` is the XML namespace
 * (no trailing colon, unlike the JSON-LD context) so that XML and JSON documents hash alike, as the vectors require.
 */
const DEFAULT_PREFIXES: Record<string, string> = {
  cbv: CBV_NAMESPACE,
  cbvmda: 'urn:epcglobal:cbv:mda',
  epcis: 'https://ref.gs1.org/epcis/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
};

/**
 * Prefixes a document cannot redefine: `gs1` moved from https://gs1.org/voc/ and older contexts still say so; and our
 * signature member must be recognised whatever a partner's context says, or attaching it would change the hash.
 */
const FIXED_PREFIXES: Record<string, string> = { gs1: GS1_VOC_NAMESPACE, dscsa: DSCSA_NAMESPACE };

/** Event members that are not part of the hash: identity and bookkeeping, and the signature added after hashing. */
const NOT_HASHED = new Set(['type', '@context', 'eventID', 'recordTime', 'errorDeclaration', 'certificationInfo']);
const ALWAYS_EXCLUDED = [
  'http://www.w3.org/2000/01/rdf-schema#comment',
  DSCSA_NAMESPACE + SIGNATURE_MEMBER.split(':')[1], // `dscsa:signature`, expanded
];

/** Remote contexts (URL strings) are not fetched; inline objects map prefixes to namespace IRIs. */
function collectPrefixes(context: unknown, into: Map<string, string>): void {
  if (Array.isArray(context)) {
    for (const entry of context) collectPrefixes(entry, into);
    return;
  }
  if (!isObject(context)) return;
  for (const [term, definition] of Object.entries(context)) {
    const iri = isObject(definition) ? definition['@id'] : definition;
    if (!term.startsWith('@') && typeof iri === 'string') into.set(term, iri);
  }
}

// ---- Canonical field order (CBV 2.0 §8.9.2) ----

type Leaf = 'time' | 'text' | 'number' | 'identifier' | { vocabulary: string };

interface Field {
  key: string;
  /** Scalar values and how to canonicalise them; absent for objects. */
  leaf?: Leaf;
  /** Members of an object value, in canonical order. */
  fields?: Field[];
  /** Content that is all user data (ilmd): written like extensions, in place. */
  extensionContent?: true;
  /** Name written before each value or object; defaults to `key`. */
  entry?: string;
  /** Write `key` once before the entries (lists); '2.1' where CBV 2.0 leaves the list name out. */
  listName?: true | '2.1';
}

const list = (key: string, entry: string, leaf: Leaf): Field => ({ key, entry, leaf, listName: true });
const QUANTITY_ELEMENT: Field[] = [
  { key: 'epcClass', leaf: 'identifier' },
  { key: 'quantity', leaf: 'number' },
  { key: 'uom', leaf: 'text' },
];
const quantities = (key: string): Field => ({
  key,
  entry: 'quantityElement',
  fields: QUANTITY_ELEMENT,
  listName: true,
});
/** bizTransaction, source and destination entries are written without an entry name: `type=…source=…`. */
const party = (key: string, member: string, vocabulary: string): Field => ({
  key,
  entry: '',
  listName: true,
  fields: [
    { key: 'type', leaf: { vocabulary } },
    { key: member, leaf: 'identifier' },
  ],
});
const location = (key: string): Field => ({ key, fields: [{ key: 'id', leaf: 'identifier' }] });
const SENSOR_DEVICE: Field[] = ['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod'].map((key) => ({
  key,
  leaf: 'identifier',
}));
const numbers = (...keys: string[]): Field[] => keys.map((key) => ({ key, leaf: 'number' }));

const EVENT_FIELDS: Field[] = [
  { key: 'eventTime', leaf: 'time' },
  { key: 'eventTimeZoneOffset', leaf: 'text' },
  list('epcList', 'epc', 'identifier'),
  { key: 'parentID', leaf: 'identifier' },
  list('inputEPCList', 'epc', 'identifier'),
  list('childEPCs', 'epc', 'identifier'),
  quantities('quantityList'),
  quantities('childQuantityList'),
  quantities('inputQuantityList'),
  list('outputEPCList', 'epc', 'identifier'),
  quantities('outputQuantityList'),
  { key: 'action', leaf: 'text' },
  { key: 'transformationID', leaf: 'identifier' },
  { key: 'bizStep', leaf: { vocabulary: `${CBV_NAMESPACE}BizStep-` } },
  { key: 'disposition', leaf: { vocabulary: `${CBV_NAMESPACE}Disp-` } },
  {
    key: 'persistentDisposition',
    fields: [
      { key: 'set', leaf: { vocabulary: `${CBV_NAMESPACE}Disp-` } },
      { key: 'unset', leaf: { vocabulary: `${CBV_NAMESPACE}Disp-` } },
    ],
  },
  location('readPoint'),
  location('bizLocation'),
  party('bizTransactionList', 'bizTransaction', `${CBV_NAMESPACE}BTT-`),
  party('sourceList', 'source', `${CBV_NAMESPACE}SDT-`),
  party('destinationList', 'destination', `${CBV_NAMESPACE}SDT-`),
  {
    key: 'sensorElementList',
    entry: 'sensorElement',
    listName: '2.1',
    fields: [
      {
        key: 'sensorMetadata',
        fields: [
          ...['time', 'startTime', 'endTime'].map((key): Field => ({ key, leaf: 'time' })),
          ...SENSOR_DEVICE,
          { key: 'bizRules', leaf: 'identifier' },
        ],
      },
      {
        key: 'sensorReport',
        fields: [
          { key: 'type', leaf: { vocabulary: GS1_VOC_NAMESPACE } },
          { key: 'exception', leaf: { vocabulary: GS1_VOC_NAMESPACE } },
          ...SENSOR_DEVICE,
          { key: 'time', leaf: 'time' },
          { key: 'microorganism', leaf: 'identifier' },
          { key: 'chemicalSubstance', leaf: 'identifier' },
          { key: 'value', leaf: 'number' },
          { key: 'component', leaf: { vocabulary: `${CBV_NAMESPACE}Comp-` } },
          { key: 'stringValue', leaf: 'text' },
          { key: 'booleanValue', leaf: 'text' },
          { key: 'hexBinaryValue', leaf: 'text' },
          { key: 'uriValue', leaf: 'identifier' },
          ...numbers('minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue'),
          { key: 'uom', leaf: 'text' },
          { key: 'coordinateReferenceSystem', leaf: 'identifier' },
        ],
      },
    ],
  },
  { key: 'ilmd', extensionContent: true },
];

// ---- Rendering ----

interface Rendering {
  version: CbvVersion;
  prefixes: Map<string, string>;
  excluded: Set<string>;
  codeLists: Map<string, string>;
}

/**
 * An object's standard content; `nested`, the extensions found inside its standard fields, which CBV 2.0 writes
 * after all standard fields, each behind the names of the fields that contain it (CBV 2.1 writes them in place);
 * and `extensions`, its own extension members.
 */
interface Parts {
  standard: string;
  nested: string;
  extensions: string;
}

function renderObject(object: Record<string, unknown>, fields: Field[], r: Rendering, skip?: Set<string>): Parts {
  let standard = '';
  let nested = '';
  for (const field of fields) {
    const rendered = renderField(object[field.key], field, r);
    standard += rendered.standard;
    nested += rendered.nested;
  }
  const known = new Set(fields.map((f) => f.key));
  const members = Object.entries(object).filter(([key]) => !known.has(key) && !skip?.has(key));
  const extensions = sortedJoin(members.flatMap(([key, value]) => renderExtension(key, value, r)));
  return r.version === '2.1'
    ? { standard: standard + extensions, nested, extensions: '' }
    : { standard, nested, extensions };
}

function renderField(value: unknown, field: Field, r: Rendering): { standard: string; nested: string } {
  const values = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  if (field.extensionContent) {
    return { standard: sortedJoin(values.flatMap((v) => renderExtension(field.key, v, r))), nested: '' };
  }
  const entry = field.entry ?? field.key;
  const withListName = (entries: string[]) => {
    const present = entries.filter((e) => e !== '').map((e) => entry + e);
    const listName = field.listName === true || (field.listName === '2.1' && r.version === '2.1');
    return present.length === 0 ? '' : (listName ? field.key : '') + sortedJoin(present);
  };
  // A value of the wrong shape must not silently drop out of the hash: two different events would share an ID.
  if (field.leaf) {
    const leaf = field.leaf;
    const texts = values.map((v) => canonicalLeaf(String(scalar(v, field.key)).trim(), leaf, r));
    return { standard: withListName(texts.map((t) => (t === '' ? '' : `=${t}`))), nested: '' };
  }
  const parts = values.map((v) => renderObject(object(v, field.key), field.fields ?? [], r));
  return {
    standard: withListName(parts.map((p) => p.standard)),
    nested: withListName(parts.map((p) => p.nested + p.extensions)),
  };
}

/** One entry per value: arrays repeat the member name; objects list their members, sorted. */
function renderExtension(key: string, value: unknown, r: Rendering): string[] {
  const { name, iri } = expandKey(key, r.prefixes);
  if (r.excluded.has(iri) || key === '@context' || value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => renderExtension(key, v, r));
  if (isObject(value)) return [name + sortedJoin(Object.entries(value).flatMap(([k, v]) => renderExtension(k, v, r)))];
  const text = canonicalExtensionValue(String(value).trim(), r.codeLists.get(key) ?? r.codeLists.get(iri), r);
  return [text === '' ? name : `${name}=${text}`];
}

function expandKey(key: string, prefixes: Map<string, string>): { name: string; iri: string } {
  const colon = key.indexOf(':');
  const namespace = colon > 0 ? prefixes.get(key.slice(0, colon)) : undefined;
  if (namespace === undefined) return { name: key, iri: key };
  const localName = key.slice(colon + 1);
  return { name: `{${namespace}}${localName}`, iri: namespace + localName };
}

// ---- Values ----

function canonicalLeaf(text: string, leaf: Leaf, r: Rendering): string {
  if (leaf === 'time') return canonicalTimestamp(text);
  if (leaf === 'number') return canonicalNumber(text);
  if (leaf === 'text') return text;
  // A bare word in a vocabulary-valued field is a standard term (EPCIS 2.0 JSON-LD context: `"bizStep": "shipping"`).
  if (leaf !== 'identifier' && isBareWord(text)) return leaf.vocabulary + text;
  return canonicalUri(text, r);
}

/** Extension values are untyped: whatever reads as a GS1 URI, CBV URN or number takes that canonical form. */
function canonicalExtensionValue(text: string, codeList: string | undefined, r: Rendering): string {
  if (codeList !== undefined && isBareWord(text)) return codeList + text;
  const uri = canonicalUri(text, r);
  return uri === text ? canonicalNumber(text) : uri;
}

/**
 * GS1 vocabulary CURIEs (`gs1:Temperature`, `cbv:BizStep-shipping`) expanded, CBV URNs in web form, GS1 keys as
 * canonical Digital Link URIs. CURIEs of other vocabularies stay as written, as in the upstream vectors
 * (`component=example:x`): their expansion would depend on contexts that the XML binding does not share.
 */
function canonicalUri(text: string, r: Rendering): string {
  const colon = text.indexOf(':');
  const namespace = colon > 0 ? r.prefixes.get(text.slice(0, colon)) : undefined;
  const expanded = namespace && isGs1Namespace(namespace) ? namespace + text.slice(colon + 1) : text;
  const web = cbvWebUri(expanded);
  return canonicalGs1Uri(web) ?? web;
}

const isGs1Namespace = (iri: string) => iri.startsWith('https://ref.gs1.org/') || iri.startsWith('https://gs1.org/');
const isBareWord = (text: string) => text !== '' && !text.includes(':');

function scalar(value: unknown, key: string): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(`EPCIS event member "${key}" must hold text, a number or a boolean`);
}

function object(value: unknown, key: string): Record<string, unknown> {
  if (isObject(value)) return value;
  throw new TypeError(`EPCIS event member "${key}" must hold an object`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorted by code point (UTF-8 byte order), as the reference sorts; UTF-16 order differs above U+FFFF. */
function sortedJoin(entries: string[]): string {
  return entries
    .map((e) => Buffer.from(e, 'utf8'))
    .sort(Buffer.compare)
    .map((b) => b.toString('utf8'))
    .join('');
}
