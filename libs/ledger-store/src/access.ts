import { canonicalize } from '@app/crypto';
import { containsNul } from '@app/epcis';

/**
 * A read of custody data, as the verify app records it and the log commits to it (docs/ledger-formats.md):
 * who (the partner's GLN, or "anonymous" for public proof lookups), what, about which item, and with what answer.
 */
export interface AccessEntry {
  /** When the read was answered (ISO 8601, UTC). */
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** The GTIN the read concerned, when it named one: its owner may read the entry. */
  gtin?: string;
  outcome: string;
  detail: Record<string, unknown>;
}

/** Kafka message of an access entry, on the access topic. */
export interface AccessMessage {
  v: 1;
  /** UUID given by the verify app: a redelivered message is logged once. */
  entryId: string;
  entry: AccessEntry;
}


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TEXT_MAX = 4096;

export function decodeAccessMessage(value: Buffer | null): AccessMessage {
  if (!value) throw new Error('empty message');
  const m = JSON.parse(value.toString('utf8')) as Partial<AccessMessage>;
  const e = m.entry;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= TEXT_MAX;
  if (
    m.v !== 1 ||
    typeof m.entryId !== 'string' ||
    !UUID.test(m.entryId) ||
    typeof e !== 'object' ||
    e === null ||
    !text(e.at) ||
    Number.isNaN(Date.parse(e.at)) ||
    ![e.actor, e.action, e.subject, e.outcome].every(text) ||
    (e.gtin !== undefined && !/^\d{14}$/.test(e.gtin)) ||
    typeof e.detail !== 'object' ||
    e.detail === null ||
    Array.isArray(e.detail)
  )
    throw new Error('message is not a v1 access entry');
  if (containsNul(m)) throw new Error('message holds U+0000, which the log cannot store');
  return m as AccessMessage;
}

/** Where an access entry sits in the log, as a leaf: its message and the Kafka position it was read from. */
export interface AccessLeaf {
  entryId: string;
  entry: AccessEntry;
  kafka: { topic: string; partition: number; offset: string };
}

/** Leaf data of an access entry: RFC 8785 JSON, told apart from an event leaf by `kind` (event leaves have none). */
export function accessLeafBytes(a: AccessLeaf): Buffer {
  return Buffer.from(canonicalize({ v: 1, kind: 'access', entryId: a.entryId, entry: a.entry, kafka: a.kafka }), 'utf8');
}

export const ACCESS_COLUMNS = 'seq, entry_id, entry, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height';

export interface AccessRow {
  seq: string;
  entry_id: string;
  entry: AccessEntry;
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: string;
  leaf_hash: Buffer;
  block_height: string;
}

export function accessLeafOf(row: AccessRow): AccessLeaf {
  return { entryId: row.entry_id, entry: row.entry, kafka: { topic: row.kafka_topic, partition: row.kafka_partition, offset: String(row.kafka_offset) } };
}
