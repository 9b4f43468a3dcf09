import { canonicalize, parseJwsHeader, sha256, utf8Encode, verifyDetached, type JwkInput } from '@app/crypto';
import { batchPayloadFor, eventHashId, splitSignature, type CapturedEvent, type JsonObject } from '@app/epcis';

/** One accepted event as the log commits to it (docs/ledger-formats.md). */
export interface LeafRecord {
  eventId: string;
  event: JsonObject;
  context?: unknown;
  signer: { gln: string; kid: string };
  recordTime: string;
  batchSignature?: CapturedEvent['batchSignature'];
  kafka: { topic: string; partition: number; offset: string };
}

/** Leaf data: RFC 8785 canonical JSON of the record; the Merkle leaf hash is SHA-256(0x00 || this). */
export function leafBytes(r: LeafRecord): Buffer {
  return Buffer.from(
    canonicalize({
      v: 1,
      eventId: r.eventId,
      event: r.event,
      // null and absent are the same to the database the record is rebuilt from, so both are left out
      context: r.context ?? undefined,
      signer: r.signer,
      recordTime: r.recordTime,
      batchSignature: r.batchSignature ?? undefined,
      kafka: r.kafka,
    }),
    'utf8',
  );
}

export interface BlockHeader {
  height: number;
  firstSeq: number;
  leafCount: number;
  treeSize: number;
  rootHash: Buffer;
  prevHash: Buffer;
  createdAt: string;
}

/** A ledger.block row as PostgreSQL returns it. */
export interface BlockRow {
  height: string;
  first_seq: string;
  leaf_count: number;
  tree_size: string;
  root_hash: Buffer;
  prev_hash: Buffer;
  block_hash: Buffer;
  frontier: Buffer[];
  created_at: Date;
}

export const GENESIS_PREV_HASH = Buffer.alloc(32);

/** A block's hash chains it to its predecessor and commits to the whole log's root at its end. */
export function blockHash(h: BlockHeader): Buffer {
  return Buffer.from(
    sha256(
      canonicalize({
        v: 1,
        height: h.height,
        firstSeq: h.firstSeq,
        leafCount: h.leafCount,
        treeSize: h.treeSize,
        rootHash: h.rootHash.toString('hex'),
        prevHash: h.prevHash.toString('hex'),
        createdAt: h.createdAt,
      }),
    ),
  );
}

/** The columns a leaf record is rebuilt from; the audit recomputes every leaf hash from exactly these. */
export const RECORD_COLUMNS =
  'seq, event_id, event, context, signer_gln, kid, record_time, batch_signature, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height';

export interface RecordRow {
  seq: string;
  event_id: string;
  event: JsonObject;
  context: unknown;
  signer_gln: string;
  kid: string;
  record_time: Date;
  batch_signature: CapturedEvent['batchSignature'] | null;
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: string;
  leaf_hash: Buffer;
  block_height: string;
}

export function leafRecordOf(row: RecordRow): LeafRecord {
  return {
    eventId: row.event_id,
    event: row.event,
    context: row.context ?? undefined,
    signer: { gln: row.signer_gln, kid: row.kid },
    recordTime: row.record_time.toISOString(),
    batchSignature: row.batch_signature ?? undefined,
    kafka: { topic: row.kafka_topic, partition: row.kafka_partition, offset: String(row.kafka_offset) },
  };
}

/** Whether a detached JWS over `payload` verifies with the key. */
export type DetachedCheck = (jws: string, payload: Uint8Array, publicJwk: JwkInput) => boolean;

export const verifiesDetached: DetachedCheck = (jws, payload, publicJwk) => verifyDetached(jws, payload, publicJwk).ok;

/**
 * Whether a record's partner signature holds: its event hash ID matches the event, and the event's own
 * JWS, or the document JWS over the batch the record's position proves the event was part of, verifies.
 * `checkBatch` checks document signatures only: the audit passes one that verifies each document once (audit/signatures.ts).
 */
export function recordSignatureProblem(r: LeafRecord, signerPublicJwk: JwkInput, checkBatch: DetachedCheck = verifiesDetached): string | undefined {
  try {
    const { unsigned, jws: own } = splitSignature(r.event);
    const eventId = eventHashId(unsigned, { context: r.context });
    if (eventId !== r.eventId) return 'event hash ID does not match the event';
    const jws = r.batchSignature?.jws ?? own;
    if (!jws) return 'the record carries no signature';
    if (parseJwsHeader(jws).kid !== r.signer.kid) return `the signature names another key than ${r.signer.kid}`;
    const holds = r.batchSignature
      ? checkBatch(jws, batchPayloadFor(eventId, r.batchSignature.position), signerPublicJwk)
      : verifiesDetached(jws, utf8Encode(canonicalize(unsigned)), signerPublicJwk);
    return holds ? undefined : `signature by ${r.signer.kid} does not verify`;
  } catch (e) {
    // a record altered into something malformed (bad proof, bad JWS) is a finding, not a crash
    return `signature cannot be checked: ${(e as Error).message}`;
  }
}
