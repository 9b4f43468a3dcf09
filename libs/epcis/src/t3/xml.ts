/**
 * The T3 as an EPCIS 1.2 XML document in the GS1 US DSCSA layout: SBDH, master data in the header extension, the
 * `gs1ushc:dscsaTransactionStatement`, and the events in their 1.2 form. It is the inverse of xml-to-jsonld.ts:
 * members EPCIS 1.2 did not have yet go into the `extension` wrappers that reader opens up, so reading the output
 * back gives the same events and the same event hash IDs.
 */
import { EPC_CLASS_VTYPE } from '../document/master-data';
import { contextArray, isObject } from '../document/members';
import type { MasterData, VocabularyAttributes } from '../document/model';
import { CBV_NAMESPACE, GS1_VOC_NAMESPACE } from '../event-hash-values';
import { DSCSA_NAMESPACE, type JsonObject } from '../signature';
import { CompanyPrefixes, cbvUrn, epcUrn, type CbvVocabularyName } from './identifiers';
import { T3Error, type T3Input } from './model';
import { prepareT3 } from './prepare';
import { element, isNcName, renderXml, textElement, type XmlNode } from './xml-writer';

const EPCIS_1_2 = 'urn:epcglobal:epcis:xsd:1';
const SBDH = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';
export const GS1US_HEALTHCARE_NAMESPACE = 'http://epcis.gs1us.org/hc/ns';
const LOCATION_VTYPE = 'urn:epcglobal:epcis:vtype:Location'; // the GS1 US guideline's name for party locations

/**
 * Prefixes the layout fixes whatever the events' context says. `cbvmda` is the XML namespace, without the trailing
 * colon of the JSON-LD context, as 1.2 documents and the event hash (event-hash.ts) use it.
 */
const FIXED_PREFIXES: Record<string, string> = {
  epcis: EPCIS_1_2,
  sbdh: SBDH,
  cbvmda: 'urn:epcglobal:cbv:mda',
  gs1ushc: GS1US_HEALTHCARE_NAMESPACE,
  cbv: CBV_NAMESPACE,
  gs1: GS1_VOC_NAMESPACE,
  dscsa: DSCSA_NAMESPACE,
};
const ALWAYS_DECLARED = ['epcis', 'sbdh', 'cbvmda', 'gs1ushc'];
/** The document's own structure: an extension member there would read back as a standard member, or not at all. */
const STRUCTURAL = new Set(['epcis', 'sbdh']);

/** Extension member names (`prefix:local`) → XML names, remembering which namespaces the document must declare. */
class Namespaces {
  private readonly known = new Map<string, string>();
  private readonly used = new Set(ALWAYS_DECLARED);

  constructor(context: unknown[]) {
    for (const entry of context.filter(isObject)) {
      for (const [prefix, definition] of Object.entries(entry)) {
        const iri = isObject(definition) ? definition['@id'] : definition;
        if (typeof iri !== 'string' || !isNcName(prefix)) continue;
        if (this.known.has(prefix) && this.known.get(prefix) !== iri && !Object.hasOwn(FIXED_PREFIXES, prefix)) {
          throw new T3Error(`prefix ${prefix} names two namespaces in the events' contexts`);
        }
        this.known.set(prefix, iri);
      }
    }
    for (const [prefix, namespace] of Object.entries(FIXED_PREFIXES)) this.known.set(prefix, namespace);
  }

  qualified(member: string): string {
    const [prefix, local, ...rest] = member.split(':');
    if (local === undefined || rest.length > 0 || !this.known.has(prefix) || STRUCTURAL.has(prefix) || !isNcName(local)) {
      throw new T3Error(`member ${JSON.stringify(member)} has no namespace prefix the context defines; EPCIS 1.2 XML cannot carry it`);
    }
    this.used.add(prefix);
    return member;
  }

  declarations(): Record<string, string> {
    return Object.fromEntries([...this.used].map((prefix) => [`xmlns:${prefix}`, this.known.get(prefix)!]));
  }
}

// ---- Events ----

interface Writer {
  prefixes: CompanyPrefixes;
  names: Namespaces;
}
type MemberWriter = (name: string, value: unknown, w: Writer) => XmlNode[];

const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const objectOf = (value: unknown): JsonObject => (isObject(value) ? value : {});

const text: MemberWriter = (name, value) => textElement(name, str(value));
const identifier: MemberWriter = (name, value, w) => textElement(name, epcUrn(str(value), w.prefixes));
const cbv =
  (vocabulary: CbvVocabularyName): MemberWriter =>
  (name, value) =>
    textElement(name, cbvUrn(str(value), vocabulary));
const epcs: MemberWriter = (name, value, w) => [element(name, undefined, ...arrayOf(value).flatMap((epc) => identifier('epc', epc, w)))];
const quantities: MemberWriter = (name, value, w) => [
  element(
    name,
    undefined,
    ...arrayOf(value).map((q) => {
      const { epcClass, quantity, uom } = objectOf(q);
      return element('quantityElement', undefined, ...identifier('epcClass', epcClass, w), ...textElement('quantity', quantity), ...textElement('uom', uom));
    }),
  ),
];
/** readPoint, bizLocation: the id, then any extension members. */
const location: MemberWriter = (name, value, w) => {
  const { id, ...rest } = objectOf(value);
  return [element(name, undefined, ...identifier('id', id, w), ...extensions(rest, w))];
};
/** bizTransaction, source, destination: the value as text, its type as an attribute. */
const typedList =
  (entry: string, vocabulary: CbvVocabularyName, isEpc: boolean): MemberWriter =>
  (name, value, w) => [
    element(
      name,
      undefined,
      ...arrayOf(value).map((item) => {
        const { type, [entry]: id } = objectOf(item);
        const type12 = type === undefined ? undefined : cbvUrn(str(type), vocabulary);
        return element(entry, { type: type12 }, isEpc ? epcUrn(str(id), w.prefixes) : str(id));
      }),
    ),
  ];
const errorDeclaration: MemberWriter = (name, value, w) => {
  const { declarationTime, reason, correctiveEventIDs, ...rest } = objectOf(value);
  const corrective = correctiveEventIDs === undefined ? [] : [element('correctiveEventIDs', undefined, ...arrayOf(correctiveEventIDs).flatMap((id) => text('correctiveEventID', id, w)))];
  return [element(name, undefined, ...text('declarationTime', declarationTime, w), ...(reason === undefined ? [] : cbv('errorReason')('reason', reason, w)), ...corrective, ...extensions(rest, w))];
};
/** Sensor data lives in attributes (EPCIS 2.0 XML binding); nested members become child elements. */
const sensorPart = (name: string, value: unknown, w: Writer): XmlNode => {
  const attributes: Record<string, string> = {};
  const nested: JsonObject = {};
  for (const [key, member] of Object.entries(objectOf(value))) {
    if (isObject(member) || Array.isArray(member)) nested[key] = member;
    else attributes[key.includes(':') ? w.names.qualified(key) : key] = str(member);
  }
  return element(name, attributes, ...extensions(nested, w));
};
const sensorElements: MemberWriter = (name, value, w) => [
  element(
    name,
    undefined,
    ...arrayOf(value).map((item) => {
      const { sensorMetadata, sensorReport, ...rest } = objectOf(item);
      const metadata = sensorMetadata === undefined ? [] : [sensorPart('sensorMetadata', sensorMetadata, w)];
      const reports = sensorReport === undefined ? [] : arrayOf(sensorReport).map((r) => sensorPart('sensorReport', r, w));
      return element('sensorElement', undefined, ...metadata, ...reports, ...extensions(rest, w));
    }),
  ),
];
const persistentDisposition: MemberWriter = (name, value, w) => {
  const { set, unset } = objectOf(value);
  const terms = (key: string, list: unknown) => (list === undefined ? [] : arrayOf(list).flatMap((d) => cbv('disposition')(key, d, w)));
  return [element(name, undefined, ...terms('set', set), ...terms('unset', unset))];
};

const MEMBERS: Record<string, MemberWriter> = {
  ...Object.fromEntries(['eventTime', 'recordTime', 'eventTimeZoneOffset', 'eventID', 'action', 'transformationID', 'certificationInfo'].map((m) => [m, text])),
  parentID: identifier,
  bizStep: cbv('bizStep'),
  disposition: cbv('disposition'),
  ...Object.fromEntries(['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'].map((m) => [m, epcs])),
  ...Object.fromEntries(['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'].map((m) => [m, quantities])),
  readPoint: location,
  bizLocation: location,
  bizTransactionList: typedList('bizTransaction', 'bizTransactionType', false),
  sourceList: typedList('source', 'sourceDestType', true),
  destinationList: typedList('destination', 'sourceDestType', true),
  ilmd: (name, value, w) => [element(name, undefined, ...extensions(objectOf(value), w))],
  errorDeclaration,
  sensorElementList: sensorElements,
  persistentDisposition,
};

/** User extension members as elements in their namespaces; arrays repeat the element, objects nest. */
function extensions(members: JsonObject, w: Writer): (XmlNode | string)[] {
  return Object.entries(members).flatMap(([key, value]): (XmlNode | string)[] =>
    key === '#text' ? [str(value)] : arrayOf(value).map((item) => extensionElement(w.names.qualified(key), item, w)),
  );
}

const extensionElement = (name: string, value: unknown, w: Writer): XmlNode =>
  isObject(value) ? element(name, undefined, ...extensions(value, w)) : element(name, undefined, str(value));

/** Where each member goes in the 1.2 XSD: a member name, or an `extension`/`baseExtension` wrapper of more. */
type Slot = string | { wrapper: string; slots: Slot[] };
const extension = (...slots: Slot[]): Slot => ({ wrapper: 'extension', slots });
const HEAD: Slot[] = ['eventTime', 'recordTime', 'eventTimeZoneOffset', { wrapper: 'baseExtension', slots: ['eventID', 'errorDeclaration', extension('certificationInfo')] }];
/** Members added in EPCIS 2.0 go where 1.2 leaves room for later versions: the innermost `extension`. */
const SINCE_2_0 = ['sensorElementList', 'persistentDisposition'];
const WHERE = ['readPoint', 'bizLocation'];
const PARTIES = ['sourceList', 'destinationList'];
const LAYOUTS: Record<string, Slot[]> = {
  ObjectEvent: [...HEAD, 'epcList', 'action', 'bizStep', 'disposition', ...WHERE, 'bizTransactionList', extension('quantityList', ...PARTIES, 'ilmd', extension(...SINCE_2_0))],
  AggregationEvent: [...HEAD, 'parentID', 'childEPCs', 'action', 'bizStep', 'disposition', ...WHERE, 'bizTransactionList', extension('childQuantityList', ...PARTIES, extension(...SINCE_2_0))],
  TransactionEvent: [...HEAD, 'bizTransactionList', 'parentID', 'epcList', 'action', 'bizStep', 'disposition', ...WHERE, extension('quantityList', ...PARTIES, extension(...SINCE_2_0))],
  TransformationEvent: [
    ...HEAD,
    ...['inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'transformationID', 'bizStep', 'disposition'],
    ...[...WHERE, 'bizTransactionList', ...PARTIES, 'ilmd', extension(...SINCE_2_0)],
  ],
  // Not in 1.2 at all: carried in the event list's innermost extension (see eventListEntry), laid out as aggregation.
  AssociationEvent: [...HEAD, 'parentID', 'childEPCs', 'action', 'bizStep', 'disposition', ...WHERE, 'bizTransactionList', extension('childQuantityList', ...PARTIES, extension(...SINCE_2_0))],
};
/** EPC lists the 1.2 XSD requires even when EPCIS 2.0 leaves them out (quantity-only events). */
const REQUIRED_LISTS: Record<string, string[]> = { ObjectEvent: ['epcList'], AggregationEvent: ['childEPCs'], TransactionEvent: ['epcList'] };
const NOT_WRITTEN = new Set(['type', '@context']);

function eventElement(event: JsonObject, w: Writer): XmlNode {
  const type = str(event.type);
  const layout = LAYOUTS[type];
  if (!layout) throw new T3Error(`${type} events have no EPCIS 1.2 form`);
  const placed = new Set<string>();
  const fill = (slots: Slot[]): XmlNode[] =>
    slots.flatMap((slot) => {
      if (typeof slot !== 'string') {
        const content = fill(slot.slots);
        return content.length > 0 ? [element(slot.wrapper, undefined, ...content)] : []; // an empty wrapper is invalid
      }
      placed.add(slot);
      if (event[slot] !== undefined) return MEMBERS[slot](slot, event[slot], w);
      return REQUIRED_LISTS[type]?.includes(slot) ? [element(slot, undefined)] : [];
    });
  const standard = fill(layout);
  const userMembers = Object.fromEntries(Object.entries(event).filter(([key]) => !placed.has(key) && !NOT_WRITTEN.has(key)));
  return element(type, undefined, ...standard, ...extensions(userMembers, w));
}

/** TransformationEvent sits in the event list's `extension`, AssociationEvent (EPCIS 2.0) one `extension` deeper. */
function eventListEntry(event: JsonObject, w: Writer): XmlNode {
  const node = eventElement(event, w);
  if (node.name === 'TransformationEvent') return element('extension', undefined, node);
  if (node.name === 'AssociationEvent') return element('extension', undefined, element('extension', undefined, node));
  return node;
}

// ---- Header ----

function vocabulary(type: string, elements: Record<string, VocabularyAttributes>): XmlNode[] {
  const list = Object.entries(elements).map(([id, attributes]) =>
    element(
      'VocabularyElement',
      { id },
      ...Object.entries(attributes).flatMap(([attributeId, value]) => arrayOf(value).map((v) => element('attribute', { id: attributeId }, str(v)))),
    ),
  );
  return list.length > 0 ? [element('Vocabulary', { type }, element('VocabularyElementList', undefined, ...list))] : [];
}

function masterDataElements(masterData: MasterData): XmlNode[] {
  const vocabularies = [...vocabulary(EPC_CLASS_VTYPE, masterData.epcClass), ...vocabulary(LOCATION_VTYPE, masterData.location)];
  if (vocabularies.length === 0) return [];
  return [element('extension', undefined, element('EPCISMasterData', undefined, element('VocabularyList', undefined, ...vocabularies)))];
}

const partner = (role: 'Sender' | 'Receiver', gln: string) => element(`sbdh:${role}`, undefined, element('sbdh:Identifier', { Authority: 'GS1' }, gln));

/** The T3 as a GS1 US DSCSA EPCIS 1.2 XML document. Throws T3Error, Gs1Error or EpcisValidationError on bad input. */
export function t3Xml(input: T3Input): string {
  const t3 = prepareT3(input);
  // One set of prefixes for the document: XML declares them once, at the root.
  const names = new Namespaces([...contextArray(input.context), ...input.events.flatMap((e) => contextArray(e['@context']))]);
  const eventList = input.events.map((event) => eventListEntry(event, { prefixes: t3.prefixes, names }));
  const statement = element(
    'gs1ushc:dscsaTransactionStatement',
    undefined,
    ...textElement('gs1ushc:affirmTransactionStatement', t3.statement.affirmTransactionStatement),
    ...textElement('gs1ushc:legalNotice', t3.statement.legalNotice),
  );
  const sbdh = element(
    'sbdh:StandardBusinessDocumentHeader',
    undefined,
    ...textElement('sbdh:HeaderVersion', '1.0'),
    partner('Sender', input.sender),
    partner('Receiver', input.receiver),
    element(
      'sbdh:DocumentIdentification',
      undefined,
      ...textElement('sbdh:Standard', 'EPCglobal'),
      ...textElement('sbdh:TypeVersion', '1.0'),
      ...textElement('sbdh:InstanceIdentifier', t3.instanceIdentifier),
      ...textElement('sbdh:Type', 'Events'),
      ...textElement('sbdh:CreationDateAndTime', input.creationDate),
    ),
  );
  return renderXml(
    element(
      'epcis:EPCISDocument',
      { ...names.declarations(), schemaVersion: '1.2', creationDate: input.creationDate },
      element('EPCISHeader', undefined, sbdh, ...masterDataElements(t3.masterData), statement),
      element('EPCISBody', undefined, element('EventList', undefined, ...eventList)),
    ),
  );
}
