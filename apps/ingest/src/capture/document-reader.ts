import { EpcisIssue, EpcisParseError, parseEpcisDocument, parseEpcisEvent, type EpcisFormat, type JsonObject, type MasterData } from '@app/epcis';
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
  try {
    if (kind === 'event') {
      const { format, context, event } = parseEpcisEvent(raw, { contentType });
      // A JSON event is stored exactly as its partner signed it, its own @context included.
      const signed = format === 'json' ? (JSON.parse(raw.toString('utf8')) as JsonObject) : event;
      return { format, context, events: [signed], masterData: [], issues: [] };
    }
    const doc = parseEpcisDocument(raw, { contentType });
    return { format: doc.format, context: doc.context, events: doc.events, masterData: masterDataRows(doc.masterData), issues: [] };
  } catch (e) {
    if (!(e instanceof EpcisParseError)) throw e;
    const status = e.rule === 'too-large' ? 413 : e.rule === 'unsupported-media-type' ? 415 : 400;
    throw new ProblemException(status, e.rule, e.message, { errors: e.issues });
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
