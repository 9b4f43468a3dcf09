import {
  checkEvents,
  containsNul,
  EpcisInputError,
  EpcisIssue,
  EpcisParseError,
  EpcisSchemaUnavailableError,
  parseEpcisDocument,
  parseEpcisEvent,
  validateEpcisInput,
  type EpcisFormat,
  type JsonObject,
  type MasterData,
} from '@app/epcis';
import { ProblemException } from '@app/platform';

/** A capture body, read into EPCIS 2.0 JSON-LD events whatever its format. */
export interface ReadDocument {
  format: EpcisFormat;
  context: unknown;
  events: JsonObject[];
  masterData: { vocabulary: string; id: string; attributes: Record<string, unknown> }[];
  /** Schema and GS1 rule violations; those without eventIndex concern the document as a whole. */
  issues: EpcisIssue[];
}

const MEDIA_TYPES = /^(application\/(ld\+)?json|application\/xml|text\/xml)\b/;

/** Reads POST /capture (a document) or POST /events (one bare event): EPCIS 2.0 JSON-LD, 2.0 XML or 1.2 XML. */
export function readCaptureBody(raw: Buffer | undefined, contentType: string | undefined, kind: 'document' | 'event'): ReadDocument {
  if (!MEDIA_TYPES.test(contentType ?? ''))
    throw new ProblemException(415, 'unsupported-media-type', 'send application/json, application/ld+json, application/xml or text/xml');
  if (!raw || raw.length === 0) throw new ProblemException(400, 'empty-body', 'the request has no body');
  let read: Omit<ReadDocument, 'issues'>;
  try {
    if (kind === 'event') {
      const { format, context, event } = parseEpcisEvent(raw, { contentType });
      // A JSON event is stored exactly as its partner signed it, its own @context included.
      const signed = format === 'json' ? (JSON.parse(raw.toString('utf8')) as JsonObject) : event;
      read = { format, context, events: [signed], masterData: [] };
    } else {
      const doc = parseEpcisDocument(raw, { contentType });
      read = { format: doc.format, context: doc.context, events: doc.events, masterData: masterDataRows(doc.masterData) };
    }
  } catch (e) {
    if (!(e instanceof EpcisParseError)) throw e;
    const status = e.rule === 'too-large' ? 413 : e.rule === 'unsupported-media-type' ? 415 : 400;
    throw new ProblemException(status, e.rule, e.message, { errors: e.issues });
  }
  if (containsNul(read.events)) throw new ProblemException(400, 'nul-character', 'EPCIS values must not contain U+0000');
  const issues = [...schemaIssues(raw, read.format, kind), ...checkEvents(read.events, { '@context': read.context })];
  // Only per-event faults can be set aside by GS1-Capture-Error-Behaviour: proceed; the rest is the document's.
  const documentIssues = issues.filter((i) => i.eventIndex === undefined);
  if (documentIssues.length || (kind === 'event' && issues.length))
    throw new ProblemException(400, 'invalid-epcis', issues.map((i) => `${i.path}: ${i.message}`).slice(0, 5).join('; '), { errors: issues });
  return { ...read, issues };
}

/** The EPCIS 2.0 JSON schema or the 2.0 / 1.2 XSD, whichever governs the format. */
function schemaIssues(raw: Buffer, format: EpcisFormat, kind: 'document' | 'event'): EpcisIssue[] {
  try {
    return validateEpcisInput(raw, format, kind);
  } catch (e) {
    if (e instanceof EpcisInputError) throw new ProblemException(400, 'unreadable', e.message);
    if (e instanceof EpcisSchemaUnavailableError)
      throw new ProblemException(503, 'schemas-unavailable', 'the EPCIS XML schemas are not installed on this server (scripts/fetch-schemas.sh)');
    throw e;
  }
}

function masterDataRows(m: MasterData): ReadDocument['masterData'] {
  const rows = (vocabulary: string, elements: Record<string, Record<string, unknown>>) =>
    Object.entries(elements).map(([id, attributes]) => ({ vocabulary, id, attributes }));
  return [
    ...rows('EPCClass', m.epcClass),
    ...rows('Location', m.location),
    ...Object.entries(m.other ?? {}).flatMap(([vocabulary, elements]) => rows(vocabulary, elements)),
  ];
}
