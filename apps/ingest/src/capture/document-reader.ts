import type { EpcisIssue, JsonObject } from '@app/epcis';
import { ProblemException } from '@app/platform';

/** A capture body, parsed into EPCIS 2.0 JSON-LD events and checked against the schemas. */
export interface ReadDocument {
  format: string;
  context: unknown;
  events: JsonObject[];
  masterData: { vocabulary: string; id: string; attributes: Record<string, unknown> }[];
  /** Schema and GS1 rule violations; those without eventIndex concern the document as a whole. */
  issues: EpcisIssue[];
}

export function readCaptureBody(raw: Buffer | undefined, contentType: string | undefined, kind: 'document' | 'event'): ReadDocument {
  if (!/^application\/(ld\+)?json\b/.test(contentType ?? '')) throw new ProblemException(415, 'unsupported-media-type', 'send application/json or application/ld+json');
  if (!raw || raw.length === 0) throw new ProblemException(400, 'empty-body', 'the request has no body');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new ProblemException(400, 'malformed-json', (e as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProblemException(400, 'not-epcis', 'the body must be a JSON object');
  const body = value as JsonObject;
  if (kind === 'event') {
    if (body.type === 'EPCISDocument') throw new ProblemException(400, 'not-an-event', 'POST /events takes a single event; send documents to POST /capture');
    return { format: 'json', context: body['@context'], events: [body], masterData: [], issues: [] };
  }
  const list = ((body.epcisBody as JsonObject | undefined)?.eventList ?? undefined) as unknown;
  if (body.type !== 'EPCISDocument' || !Array.isArray(list)) throw new ProblemException(400, 'not-epcis', 'the body must be an EPCISDocument with epcisBody.eventList');
  return { format: 'json', context: body['@context'], events: list as JsonObject[], masterData: [], issues: [] };
}
