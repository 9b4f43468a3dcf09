/**
 * EPCIS 1.2 / 2.0 XML → EPCIS 2.0 JSON-LD, following the correspondence of the standard's XML and JSON bindings:
 * `<epc>` lists become string arrays, quantity elements `{epcClass, quantity, uom}` with a numeric quantity,
 * `<readPoint><id>` `{id}`, `<bizTransaction type>` `{type, bizTransaction}`, sensor attributes typed members, and
 * the EPCIS 1.2 `<extension>` / `<baseExtension>` wrappers are flattened into the 2.0 shape. Elements in other
 * namespaces become `prefix:localName` members: text when they are simple, objects when they have children or
 * attributes (a repeated name becomes an array). Extension values stay text, as in the event-hash reference: an
 * `xsi:type` is dropped, not applied, and the hash canonicalises numbers and URIs either way.
 *
 * Mapping is tolerant: element order and unknown EPCIS elements are the XSD validator's concern, not this one's.
 */
import { canonicalNumber } from '../event-hash-values';
import { EVENT_TYPES } from '../event-summary';
import type { JsonObject } from '../signature';
import { headerModel } from './header';
import { Limits, checkEventCount } from './limits';
import { addVocabularyElement, emptyMasterData } from './master-data';
import { addMember, defined } from './members';
import type { EpcisDocumentModel, EpcisEventModel, EpcisFormat, MasterData, SbdhSummary } from './model';
import { EpcisParseError } from './parse-error';
import { XSI_NAMESPACE, XmlAttribute, XmlDocument, XmlElement } from './xml';
import { PrefixRegistry, isStandardNamespace, isVersion1Namespace } from './xml-namespaces';

type MapFn = (element: XmlElement, names: PrefixRegistry, path: string) => unknown;
/** How a standard child element maps; `repeated` members always hold an array. */
interface Member {
  map: MapFn;
  repeated?: true;
}

// ---- Values ----

const text: Member = { map: (el) => el.text.trim() };
const textList: Member = { map: (el) => el.children.map((child) => child.text.trim()) };
const structure =
  (members: Record<string, Member>): MapFn =>
  (el, names, path) =>
    mapStructure(el, members, names, path);
const listOf = (item: MapFn): Member => ({
  map: (el, names, path) => el.children.map((child, i) => item(child, names, `${path}/${i}`)),
});

/** A JSON number where it reads back as the same decimal; otherwise (INF, 1e400, 20 digits) the text is kept. */
function jsonNumber(value: string): number | string {
  const text = value.trim();
  const number = Number(text);
  const exact = text !== '' && Number.isFinite(number) && canonicalNumber(String(number)) === canonicalNumber(text);
  return exact ? number : text;
}

function jsonBoolean(value: string): boolean | string {
  const text = value.trim();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
}

const attributeValue = (el: XmlElement, name: string) =>
  el.attributes.find((a) => a.ns === '' && a.local === name)?.value;

/** bizTransaction, source, destination: the text is the value, the `type` attribute its type. */
const party = (member: string): Member =>
  listOf((el) => defined({ type: attributeValue(el, 'type'), [member]: el.text.trim() }));

const quantities = listOf(structure({ epcClass: text, quantity: { map: (el) => jsonNumber(el.text) }, uom: text }));

/** sensorMetadata / sensorReport carry their data in attributes; the JSON binding types some of them. */
const SENSOR_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue']);
function sensorValue({ ns, local, value }: XmlAttribute): unknown {
  if (ns !== '') return value;
  return SENSOR_NUMBERS.has(local) ? jsonNumber(value) : local === 'booleanValue' ? jsonBoolean(value) : value;
}
const sensorAttributes: MapFn = (el, names, path) => {
  const result: JsonObject = {};
  for (const a of dataAttributes(el)) addMember(result, memberName(a, names), sensorValue(a), path);
  for (const child of el.children) addExtension(result, child, names, path);
  return result;
};

// ---- Standard structures ----

const location = { map: structure({ id: text }) };

const each = (names: string[], member: Member) => Object.fromEntries(names.map((name) => [name, member]));

const EVENT_MEMBERS: Record<string, Member> = {
  ...each(['eventTime', 'recordTime', 'eventTimeZoneOffset', 'eventID', 'certificationInfo'], text),
  ...each(['parentID', 'action', 'transformationID', 'bizStep', 'disposition'], text),
  ...each(['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'], textList),
  ...each(['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'], quantities),
  readPoint: location,
  bizLocation: location,
  bizTransactionList: party('bizTransaction'),
  sourceList: party('source'),
  destinationList: party('destination'),
  persistentDisposition: { map: structure(each(['set', 'unset'], { ...text, repeated: true })) },
  errorDeclaration: { map: structure({ declarationTime: text, reason: text, correctiveEventIDs: textList }) },
  sensorElementList: listOf(
    structure({ sensorMetadata: { map: sensorAttributes }, sensorReport: { map: sensorAttributes, repeated: true } }),
  ),
  ilmd: { map: structure({}) },
};

/** EPCIS 1.2 wrappers around newer members; their content belongs to the enclosing element. */
const WRAPPERS = new Set(['extension', 'baseExtension']);

const isStandard = (el: XmlElement) => isStandardNamespace(el.ns);

/** Standard children of `el` with the 1.2 wrappers opened up, in document order. */
function* unwrapped(el: XmlElement): Generator<XmlElement> {
  for (const child of el.children) {
    if (isStandard(child) && WRAPPERS.has(child.local)) yield* unwrapped(child);
    else yield child;
  }
}

function mapStructure(
  el: XmlElement,
  members: Record<string, Member>,
  names: PrefixRegistry,
  path: string,
): JsonObject {
  const result: JsonObject = {};
  for (const a of dataAttributes(el)) addMember(result, memberName(a, names), a.value, path);
  for (const child of unwrapped(el)) {
    const member = isStandard(child) && Object.hasOwn(members, child.local) ? members[child.local] : undefined;
    if (!member) {
      addExtension(result, child, names, path);
      continue;
    }
    const value = member.map(child, names, `${path}/${child.local}`);
    if (!member.repeated) result[child.local] = value;
    else ((result[child.local] ??= []) as unknown[]).push(value);
  }
  return result;
}

// ---- Extensions ----

/** Attributes that carry data: not `xsi:type`, `xsi:schemaLocation` and the like (namespace declarations are gone). */
const dataAttributes = (el: XmlElement) => el.attributes.filter((a) => a.ns !== XSI_NAMESPACE);

/** Standard (unqualified) names as they are; others `prefix:localName` with the prefix the context declares. */
const memberName = (node: XmlElement | XmlAttribute, names: PrefixRegistry) =>
  isStandardNamespace(node.ns) ? node.local : `${names.prefixFor(node.ns, node.prefix)}:${node.local}`;

function addExtension(target: JsonObject, el: XmlElement, names: PrefixRegistry, path: string): void {
  const name = memberName(el, names);
  addMember(target, name, extensionValue(el, names, `${path}/${name}`), path);
}

/**
 * Text for a simple element; an object of its attributes and children otherwise. Text mixed with attributes or
 * children has no JSON-LD member of its own and is kept as `#text`.
 */
function extensionValue(el: XmlElement, names: PrefixRegistry, path: string): unknown {
  const attributes = dataAttributes(el);
  const text = el.text.trim();
  if (attributes.length === 0 && el.children.length === 0) return text;
  const result: JsonObject = {};
  for (const a of attributes) addMember(result, memberName(a, names), a.value, path);
  for (const child of el.children) addExtension(result, child, names, path);
  if (text !== '') addMember(result, '#text', text, path);
  return result;
}

// ---- Events ----

function mapEvent(el: XmlElement, names: PrefixRegistry, path: string): JsonObject {
  return { type: isStandard(el) ? el.local : memberName(el, names), ...mapStructure(el, EVENT_MEMBERS, names, path) };
}

/** The events of an EventList, 1.2 `<extension>` wrappers (TransformationEvent, AssociationEvent) opened up. */
function mapEvents(eventList: XmlElement, names: PrefixRegistry, limits: Limits): JsonObject[] {
  const events: JsonObject[] = [];
  for (const el of unwrapped(eventList)) {
    checkEventCount(events.length + 1, limits);
    events.push(mapEvent(el, names, `epcisBody/eventList/${events.length}`));
  }
  return events;
}

const DOCUMENT_ELEMENTS = new Set(['EPCISDocument', 'EPCISQueryDocument']);

const looksLikeEvent = (el: XmlElement) =>
  (EVENT_TYPES as readonly string[]).includes(el.local) || el.children.some((c) => c.local === 'eventTime');

/** By namespace, else by schemaVersion, else (a bare event) by the 1.2 wrappers it uses. */
function formatOf(root: XmlElement): EpcisFormat {
  if (root.ns !== '') return isVersion1Namespace(root.ns) ? 'xml-1.2' : 'xml-2.0';
  const version = attributeValue(root, 'schemaVersion')?.trim();
  const isVersion1 = version === undefined ? root.children.some((c) => WRAPPERS.has(c.local)) : version.startsWith('1');
  return isVersion1 ? 'xml-1.2' : 'xml-2.0';
}

/** What a bare event's root carries in place of a document (as OpenEPCIS writes them): not event data. */
const DOCUMENT_ATTRIBUTES = new Set(['schemaVersion', 'creationDate']);

export function xmlEvent({ root, declarations }: XmlDocument): EpcisEventModel {
  if (!isStandard(root) || !looksLikeEvent(root)) {
    throw DOCUMENT_ELEMENTS.has(root.local)
      ? new EpcisParseError('not-an-event', `<${root.local}> is a document, not a single event`)
      : new EpcisParseError('not-epcis', `<${root.local}> is not an EPCIS event`);
  }
  const names = new PrefixRegistry(declarations);
  const attributes = root.attributes.filter((a) => a.ns !== '' || !DOCUMENT_ATTRIBUTES.has(a.local));
  const event = mapEvent({ ...root, attributes }, names, '');
  return { format: formatOf(root), context: names.context(), event };
}

// ---- Documents ----

/** Elements between the body and its EventList: EPCISBody, then for query results QueryResults and resultsBody. */
const BODY_CONTAINERS = new Set(['EPCISBody', 'QueryResults', 'resultsBody']);

export function xmlDocument({ root, declarations }: XmlDocument, limits: Limits): EpcisDocumentModel {
  if (!isStandard(root) || !DOCUMENT_ELEMENTS.has(root.local)) {
    throw isStandard(root) && looksLikeEvent(root)
      ? new EpcisParseError('not-a-document', `<${root.local}> is a single event, not an EPCIS document`)
      : new EpcisParseError('not-epcis', `<${root.local}> is not an EPCISDocument or EPCISQueryDocument`);
  }
  const names = new PrefixRegistry(declarations);
  const format = formatOf(root);
  const masterData = emptyMasterData();
  const sbdh: SbdhSummary = {};
  const headerExtensions: JsonObject = {};
  const documentExtensions: JsonObject = {};
  let events: JsonObject[] = [];
  for (const child of root.children) {
    if (!isStandard(child)) addExtension(documentExtensions, child, names, '');
    else if (child.local === 'EPCISHeader') readHeader(child, names, masterData, sbdh, headerExtensions);
    else if (BODY_CONTAINERS.has(child.local)) {
      const eventList = findEventList(child);
      if (eventList) events = mapEvents(eventList, names, limits);
    }
  }
  const context = names.context();
  return defined({
    format,
    schemaVersion: attributeValue(root, 'schemaVersion')?.trim() || (format === 'xml-1.2' ? '1.2' : '2.0'),
    creationDate: attributeValue(root, 'creationDate')?.trim(),
    context,
    header: headerModel(sbdh, headerExtensions, context),
    masterData,
    events,
    extensions: Object.keys(documentExtensions).length > 0 ? documentExtensions : undefined,
  });
}

function findEventList(container: XmlElement): XmlElement | undefined {
  if (container.local === 'EventList') return container;
  for (const child of container.children) {
    const container = isStandard(child) && (child.local === 'EventList' || BODY_CONTAINERS.has(child.local));
    const found = container ? findEventList(child) : undefined;
    if (found) return found;
  }
  return undefined;
}

const SBDH_NAMESPACE = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';

/** EPCISHeader: the SBDH, the master data (1.2 inside `<extension>`), and extension members such as gs1ushc's. */
function readHeader(
  header: XmlElement,
  names: PrefixRegistry,
  masterData: MasterData,
  sbdh: SbdhSummary,
  extensions: JsonObject,
): void {
  for (const child of unwrapped(header)) {
    const isSbdh = child.ns === SBDH_NAMESPACE && child.local === 'StandardBusinessDocumentHeader';
    if (isSbdh) Object.assign(sbdh, sbdhSummary(child));
    else if (isStandard(child) && child.local === 'EPCISMasterData') readMasterData(child, names, masterData);
    else addExtension(extensions, child, names, 'epcisHeader');
  }
}

function sbdhSummary(sbdh: XmlElement): SbdhSummary {
  const find = (parent: XmlElement | undefined, local: string) => parent?.children.find((c) => c.local === local);
  const textOf = (parent: XmlElement | undefined, local: string) => find(parent, local)?.text.trim();
  const identification = find(sbdh, 'DocumentIdentification');
  return defined({
    headerVersion: textOf(sbdh, 'HeaderVersion'),
    sender: textOf(find(sbdh, 'Sender'), 'Identifier'),
    receiver: textOf(find(sbdh, 'Receiver'), 'Identifier'),
    standard: textOf(identification, 'Standard'),
    typeVersion: textOf(identification, 'TypeVersion'),
    instanceIdentifier: textOf(identification, 'InstanceIdentifier'),
    type: textOf(identification, 'Type'),
    creationDateAndTime: textOf(identification, 'CreationDateAndTime'),
  });
}

/** VocabularyList/Vocabulary[@type]/VocabularyElementList/VocabularyElement[@id]/attribute[@id]. */
function readMasterData(el: XmlElement, names: PrefixRegistry, masterData: MasterData): void {
  const path = 'epcisHeader/epcisMasterData';
  for (const vocabulary of descendants(el, 'VocabularyList', 'Vocabulary')) {
    const vtype = attributeValue(vocabulary, 'type')?.trim() ?? '';
    for (const element of descendants(vocabulary, 'VocabularyElementList', 'VocabularyElement')) {
      const id = attributeValue(element, 'id')?.trim();
      if (id === undefined) continue;
      const attributes: [string, unknown][] = [];
      for (const attribute of unwrapped(element)) {
        const attributeId = attribute.local === 'attribute' ? attributeValue(attribute, 'id')?.trim() : undefined;
        if (attributeId !== undefined) attributes.push([attributeId, vocabularyAttributeValue(attribute, names, path)]);
      }
      addVocabularyElement(masterData, vtype, id, attributes, path);
    }
  }
}

/** An attribute's text, or, when it has child elements (an address, say), an object of them. */
function vocabularyAttributeValue(el: XmlElement, names: PrefixRegistry, path: string): unknown {
  if (el.children.length === 0) return el.text.trim();
  const result: JsonObject = {};
  for (const child of el.children) addExtension(result, child, names, path);
  return result;
}

/** Grandchildren named `leaf` under children named `list`, e.g. the Vocabulary elements of each VocabularyList. */
function* descendants(el: XmlElement, list: string, leaf: string): Generator<XmlElement> {
  for (const child of el.children) {
    if (child.local !== list) continue;
    for (const grandchild of child.children) if (grandchild.local === leaf) yield grandchild;
  }
}
