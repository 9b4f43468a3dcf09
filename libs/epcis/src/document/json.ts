import { EVENT_TYPES } from '../event-summary';
import type { JsonObject } from '../signature';
import { headerModel } from './header';
import { Limits, checkDepth, checkEventCount } from './limits';
import { addVocabularyElement, emptyMasterData } from './master-data';
import { checkKey, contextArray, defined, isObject } from './members';
import type { EpcisDocumentModel, EpcisEventModel, MasterData } from './model';
import { EpcisParseError } from './parse-error';

const DOCUMENT_TYPES = new Set(['EPCISDocument', 'EPCISQueryDocument']);
/** EPCISDocument members of the JSON binding; any other top-level member is a document extension. */
const DOCUMENT_MEMBERS = new Set([
  ...['@context', 'id', 'type', 'schemaVersion', 'creationDate'],
  ...['instanceIdentifier', 'sender', 'receiver', 'epcisHeader', 'epcisBody'],
]);

/** An EPCIS 2.0 JSON / JSON-LD EPCISDocument or EPCISQueryDocument. */
export function jsonDocument(text: string, limits: Limits): EpcisDocumentModel {
  const document = readJson(text, limits);
  if (!isObject(document) || !DOCUMENT_TYPES.has(document.type as string)) {
    throw looksLikeEvent(document)
      ? new EpcisParseError('not-a-document', 'payload is a single event, not an EPCIS document')
      : new EpcisParseError('not-epcis', 'payload is not an EPCISDocument or EPCISQueryDocument', 'type');
  }
  const context = contextArray(document['@context']);
  const epcisHeader = isObject(document.epcisHeader) ? document.epcisHeader : {};
  const { epcisMasterData, ...headerExtensions } = epcisHeader;
  const { events, resultsBody } = eventListOf(document, limits);
  const masterData = emptyMasterData();
  const headerVocabularies = isObject(epcisMasterData) ? epcisMasterData.vocabularyList : undefined;
  addVocabularies(masterData, headerVocabularies, 'epcisHeader/epcisMasterData');
  addVocabularies(masterData, resultsBody?.vocabularyList, 'epcisBody/queryResults/resultsBody');
  const sbdh = defined({
    sender: stringOrUndefined(document.sender),
    receiver: stringOrUndefined(document.receiver),
    instanceIdentifier: stringOrUndefined(document.instanceIdentifier),
  });
  const extensions = Object.fromEntries(Object.entries(document).filter(([key]) => !DOCUMENT_MEMBERS.has(key)));
  const version = document.schemaVersion;
  return defined({
    format: 'json' as const,
    schemaVersion: typeof version === 'number' ? String(version) : stringOrUndefined(version) ?? '2.0',
    creationDate: stringOrUndefined(document.creationDate),
    context,
    header: headerModel(sbdh, headerExtensions, context),
    masterData,
    events,
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  });
}

/** A bare EPCIS 2.0 JSON-LD event with its own `@context`, which becomes the model's context. */
export function jsonEvent(text: string, limits: Limits): EpcisEventModel {
  const value = readJson(text, limits);
  if (!looksLikeEvent(value)) {
    throw isObject(value) && DOCUMENT_TYPES.has(value.type as string)
      ? new EpcisParseError('not-an-event', 'payload is an EPCIS document, not a single event')
      : new EpcisParseError('not-epcis', 'payload is not an EPCIS event', 'type');
  }
  const { '@context': context, ...event } = value;
  return { format: 'json', context: contextArray(context), event };
}

/**
 * JSON.parse with the safety checks done first or alongside: nesting is measured on the raw text before parsing
 * (the reviver below recurses per level), and member names that could pollute prototypes are refused wherever they
 * appear. JSON.parse itself only creates own properties, so `__proto__` in a payload never reaches a prototype here;
 * refusing it protects code that later merges these objects.
 */
function readJson(text: string, limits: Limits): unknown {
  checkDepth(jsonDepth(text), limits);
  try {
    return JSON.parse(text, (key, value) => {
      checkKey(key, key);
      return value;
    });
  } catch (error) {
    if (error instanceof EpcisParseError) throw error;
    throw new EpcisParseError('malformed-json', (error as Error).message);
  }
}

/** The deepest nesting of objects and arrays, ignoring brackets inside strings; malformed text is JSON.parse's job. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

const looksLikeEvent = (value: unknown): value is JsonObject =>
  isObject(value) &&
  typeof value.type === 'string' &&
  ((EVENT_TYPES as readonly string[]).includes(value.type) || 'eventTime' in value);

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function eventListOf(document: JsonObject, limits: Limits): { events: JsonObject[]; resultsBody?: JsonObject } {
  const body = optionalObject(document.epcisBody, 'epcisBody');
  const queryResults =
    document.type === 'EPCISQueryDocument' ? optionalObject(body?.queryResults, 'epcisBody/queryResults') : undefined;
  const resultsBody = optionalObject(queryResults?.resultsBody, 'epcisBody/queryResults/resultsBody');
  const [list, path] = queryResults
    ? [resultsBody?.eventList, 'epcisBody/queryResults/resultsBody/eventList']
    : [body?.eventList, 'epcisBody/eventList'];
  if (list === undefined) return { events: [], resultsBody };
  if (!Array.isArray(list)) throw new EpcisParseError('invalid-structure', 'the event list must be an array', path);
  checkEventCount(list.length, limits);
  list.forEach((event, i) => {
    if (!isObject(event)) {
      throw new EpcisParseError('invalid-structure', 'an event must be a JSON object', `${path}/${i}`);
    }
  });
  return { events: list as JsonObject[], resultsBody };
}

function optionalObject(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || isObject(value)) return value;
  throw new EpcisParseError('invalid-structure', `${path} must be an object`, path);
}

/** The JSON binding's `vocabularyList`; entries without the required `type` or `id` carry nothing to file. */
function addVocabularies(masterData: MasterData, vocabularyList: unknown, path: string): void {
  if (!Array.isArray(vocabularyList)) return;
  for (const vocabulary of vocabularyList.filter(isObject)) {
    if (typeof vocabulary.type !== 'string' || !Array.isArray(vocabulary.vocabularyElementList)) continue;
    for (const element of vocabulary.vocabularyElementList.filter(isObject)) {
      if (typeof element.id !== 'string') continue;
      const attributes = (Array.isArray(element.attributes) ? element.attributes : [])
        .filter((a): a is JsonObject => isObject(a) && typeof a.id === 'string')
        .map((a): [string, unknown] => [a.id as string, a.attribute]);
      addVocabularyElement(masterData, vocabulary.type, element.id, attributes, `${path}/vocabularyList`);
    }
  }
}
