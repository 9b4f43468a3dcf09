import type { JsonObject } from './signature';
import type { EventSummary } from './event-summary';
import type { BatchPosition } from './batch-signature';

/**
 * What ingest publishes to Kafka for every accepted event: the event exactly as the partner signed it
 * (signature member included) plus what the platform established when it accepted it.
 */
export interface CapturedEvent {
  v: 1;
  /** CBV 2.0 event hash ID: the event's identity for duplicate detection. */
  eventId: string;
  event: JsonObject;
  /** The capture document's JSON-LD @context, which the event hash ID and extension prefixes depend on. */
  context?: unknown;
  signer: { gln: string; kid: string };
  /** When ingest accepted the event; the signing key had to be valid at this instant. */
  recordTime: string;
  /** Present when a whole document was signed at once; otherwise the event carries its own dscsa:signature. */
  batchSignature?: { jws: string; position: BatchPosition };
}

export function encodeCapturedEvent(c: CapturedEvent): Buffer {
  return Buffer.from(JSON.stringify(c));
}

/** Parses a Kafka message value; anything malformed is reported, never half-read. */
export function decodeCapturedEvent(value: Buffer | null): CapturedEvent {
  if (!value) throw new Error('empty message');
  const c = JSON.parse(value.toString('utf8')) as Partial<CapturedEvent>;
  if (containsNul(c)) throw new Error('message holds U+0000, which the log cannot store');
  if (
    c.v !== 1 ||
    typeof c.eventId !== 'string' ||
    typeof c.event !== 'object' ||
    c.event === null ||
    typeof c.signer?.gln !== 'string' ||
    typeof c.signer?.kid !== 'string' ||
    typeof c.recordTime !== 'string' ||
    (c.batchSignature !== undefined && (typeof c.batchSignature?.jws !== 'string' || typeof c.batchSignature?.position?.index !== 'number'))
  )
    throw new Error('message is not a v1 captured event');
  return c as CapturedEvent;
}

/**
 * Kafka message key. Events about one serialized item must stay in order, so the key is the event's
 * anchor EPC: the single EPC of an object event, the parent of an aggregation, the first input of a
 * transformation. Custody rules order a path by eventTime, so events that share no anchor may
 * interleave across partitions without changing any verdict.
 */
export function partitionKey(summary: EventSummary, eventId: string): string {
  const anchor = summary.epcs.find((e) => e.role === 'parent') ?? summary.epcs[0];
  return anchor?.epc ?? eventId;
}

/** PostgreSQL's jsonb cannot store U+0000 in a string or a member name: such an event could never be logged. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  return false;
}
