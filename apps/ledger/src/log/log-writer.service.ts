import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CompactRange, hashLeaf } from '@app/merkle';
import { CapturedEvent, EventSummary } from '@app/epcis';
import {
  accessLeafBytes,
  AccessMessage,
  blockHash,
  epcLinksOf,
  foldItemStates,
  GENESIS_PREV_HASH,
  ItemState,
  leafBytes,
  LeafRecord,
  partyLinksOf,
  QUERY_COLUMN_TYPES,
  queryColumnsOf,
  recallsOf,
} from '@app/ledger-store';
import { WriterLease } from './writer-lease.service';
import { CheckpointSigner } from './checkpoint-signer.service';

export interface ConsumedEvent {
  captured: CapturedEvent;
  summary: EventSummary;
  topic: string;
  partition: number;
  offset: string;
}

/** A read of custody data the verify app recorded, to be logged beside the events. */
export interface ConsumedAccess {
  access: AccessMessage;
  topic: string;
  partition: number;
  offset: string;
}

export type Consumed = ConsumedEvent | ConsumedAccess;

const isAccess = (c: Consumed): c is ConsumedAccess => 'access' in c;

export interface NextOffset {
  topic: string;
  partition: number;
  /** The offset consumption resumes from: the chunk's last offset + 1. */
  offset: string;
}

/** Consecutive messages of one partition, decoded, and where that partition resumes after them. */
export interface Chunk {
  consumed: Consumed[];
  next: NextOffset;
}

/** Per chunk: the block its fresh messages went into, how many went in and how many were already logged. */
export interface AppendResult {
  height: number | null;
  appended: number;
  duplicates: number;
}


interface Head {
  height: number;
  tree_size: string;
  frontier: Buffer[];
  block_hash: Buffer;
}

@Injectable()
export class LogWriter {
  private readonly logger = new Logger(LogWriter.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lease: WriterLease,
    private readonly checkpoints: CheckpointSigner,
  ) {}

  /**
   * Appends one block in one transaction: leaves, Merkle nodes, block header, projections and the
   * Kafka offsets consumed. The block holds the chunks in order, possibly from several partitions and
   * topics. Events already in the log (same event hash ID) and access entries already in it (same entry
   * ID) are skipped, so a redelivered message never appears twice.
   */
  async append(chunks: Chunk[]): Promise<AppendResult[]> {
    return this.db.transaction(async (tx) => {
      await this.lease.assertHeld(tx);
      const [head] = (await tx.query('SELECT height, tree_size, frontier, block_hash FROM ledger.block ORDER BY height DESC LIMIT 1')) as Head[];
      const fresh = await this.withoutDuplicates(tx, chunks.flatMap((c) => c.consumed));
      const height = fresh.length > 0 ? await this.appendBlock(tx, head, fresh) : null;
      await this.storeOffsets(tx, chunks, height ?? (head ? Number(head.height) : -1));
      const kept = new Set(fresh);
      return chunks.map((c) => {
        const appended = c.consumed.filter((x) => kept.has(x)).length;
        return { height: appended ? height : null, appended, duplicates: c.consumed.length - appended };
      });
    });
  }

  /** Where each partition resumes, stored with the block that consumed it (the furthest offset per partition). */
  private async storeOffsets(tx: EntityManager, chunks: Chunk[], height: number): Promise<void> {
    const furthest = new Map<string, NextOffset>();
    for (const { next } of chunks) {
      const id = `${next.topic}\u0000${next.partition}`;
      const seen = furthest.get(id);
      if (!seen || BigInt(next.offset) > BigInt(seen.offset)) furthest.set(id, next);
    }
    await tx.query(
      `INSERT INTO ledger.consumer_offset (topic, kafka_partition, next_offset, block_height)
       SELECT o.topic, o.partition, o.offset, $2 FROM jsonb_to_recordset($1::jsonb) AS o(topic text, partition int, "offset" bigint)
       ON CONFLICT (topic, kafka_partition) DO UPDATE SET next_offset = GREATEST(ledger.consumer_offset.next_offset, EXCLUDED.next_offset), block_height = EXCLUDED.block_height`,
      [JSON.stringify([...furthest.values()]), height],
    );
  }

  /** A message that cannot enter the log is kept here with its reason (the text only if it is valid UTF-8 without U+0000). */
  async recordDeadLetter(m: { topic: string; partition: number; offset: string; reason: string; value: Buffer | null }): Promise<void> {
    const text = m.value?.toString('utf8');
    const storable = text !== undefined && !text.includes('\u0000') && Buffer.from(text, 'utf8').equals(m.value!) ? text.slice(0, 65536) : null;
    await this.db.query(
      `INSERT INTO ledger.dead_letter (topic, kafka_partition, kafka_offset, reason, message) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [m.topic, m.partition, m.offset, m.reason.slice(0, 2000), storable],
    );
  }

  /** Where consumption of each partition resumes: the offsets stored with the last block, not Kafka's. */
  async storedOffsets(topic: string): Promise<Map<number, string>> {
    const rows = (await this.db.query('SELECT kafka_partition, next_offset FROM ledger.consumer_offset WHERE topic = $1', [topic])) as {
      kafka_partition: number;
      next_offset: string;
    }[];
    return new Map(rows.map((r) => [r.kafka_partition, String(r.next_offset)]));
  }

  private async withoutDuplicates(tx: EntityManager, batch: Consumed[]): Promise<Consumed[]> {
    const idOf = (c: Consumed) => (isAccess(c) ? c.access.entryId : c.captured.eventId);
    const [events, entries] = [batch.filter((c) => !isAccess(c)), batch.filter(isAccess)].map((part) => part.map(idOf));
    const known = new Set<string>(
      (
        (await tx.query(
          'SELECT event_id AS id FROM ledger.event_record WHERE event_id = ANY($1) UNION ALL SELECT entry_id::text FROM ledger.access_record WHERE entry_id = ANY($2::uuid[])',
          [events, entries],
        )) as { id: string }[]
      ).map((r) => r.id),
    );
    return batch.filter((c) => !known.has(idOf(c)) && (known.add(idOf(c)), true));
  }

  private async appendBlock(tx: EntityManager, head: Head | undefined, batch: Consumed[]): Promise<number> {
    const height = head ? Number(head.height) + 1 : 0;
    const firstSeq = head ? Number(head.tree_size) : 0;
    const range = head ? CompactRange.fromHashes(firstSeq, head.frontier) : CompactRange.empty();
    const nodes: { level: number; index: number; hash: Uint8Array }[] = [];
    const leaves = batch.map((c, i) => {
      const kafka = { topic: c.topic, partition: c.partition, offset: c.offset };
      const leaf = isAccess(c)
        ? { access: { entryId: c.access.entryId, entry: c.access.entry, kafka } }
        : {
            record: {
              eventId: c.captured.eventId,
              event: c.captured.event,
              context: c.captured.context,
              signer: c.captured.signer,
              recordTime: c.captured.recordTime,
              batchSignature: c.captured.batchSignature,
              kafka,
            } satisfies LeafRecord,
            summary: c.summary,
          };
      const leafHash = Buffer.from(hashLeaf(leaf.access ? accessLeafBytes(leaf.access) : leafBytes(leaf.record!)));
      nodes.push(...range.append(leafHash).filter((n) => n.level > 0));
      return { seq: firstSeq + i, leafHash, ...leaf };
    });
    const rows = leaves.flatMap((l) => (l.record ? [{ ...l, record: l.record, summary: l.summary }] : []));
    const accesses = leaves.flatMap((l) => (l.access ? [{ ...l, access: l.access }] : []));
    const createdAt = new Date().toISOString();
    const rootHash = Buffer.from(range.root());
    const prevHash = head ? head.block_hash : GENESIS_PREV_HASH;
    const hash = blockHash({ height, firstSeq, leafCount: leaves.length, treeSize: range.size, rootHash, prevHash, createdAt });
    await tx.query(
      `INSERT INTO ledger.block (height, first_seq, leaf_count, tree_size, root_hash, prev_hash, block_hash, frontier, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [height, firstSeq, leaves.length, range.size, rootHash, prevHash, hash, range.hashes.map((h) => Buffer.from(h)), createdAt],
    );
    await tx.query(
      `INSERT INTO ledger.event_record (seq, event_id, event, event_type, event_time, biz_step, disposition, biz_location, read_point,
         batch_signature, context, signer_gln, kid, record_time, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height)
       SELECT r.seq, r.event_id, r.event, r.event_type, r.event_time, r.biz_step, r.disposition, r.biz_location, r.read_point,
         r.batch_signature, r.context, r.signer_gln, r.kid, r.record_time, r.kafka_topic, r.kafka_partition, r.kafka_offset, decode(r.leaf_hash, 'hex'), $2
       FROM jsonb_to_recordset($1::jsonb) AS r(${QUERY_COLUMN_TYPES}, event_id text, event jsonb,
         batch_signature jsonb, context jsonb, signer_gln text, kid text, record_time timestamptz, kafka_topic text, kafka_partition int, kafka_offset bigint, leaf_hash text)`,
      [
        JSON.stringify(
          rows.map(({ seq, record, leafHash, summary }) => ({
            ...queryColumnsOf({ seq, summary, signerGln: record.signer.gln }),
            event_id: record.eventId,
            event: record.event,
            batch_signature: record.batchSignature ?? null,
            context: record.context ?? null,
            signer_gln: record.signer.gln,
            kid: record.signer.kid,
            record_time: record.recordTime,
            kafka_topic: record.kafka.topic,
            kafka_partition: record.kafka.partition,
            kafka_offset: record.kafka.offset,
            leaf_hash: leafHash.toString('hex'),
          })),
        ),
        height,
      ],
    );
    // The new tree is the previous block's frontier extended by this block's leaves, inside the
    // transaction that holds the writer lease: every checkpoint extends the one before it.
    await tx.query(`INSERT INTO ledger.checkpoint (tree_size, block_height, root_hash, note, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      range.size,
      height,
      rootHash,
      this.checkpoints.sign(range.size, rootHash),
      createdAt,
    ]);
    if (nodes.length)
      await tx.query(
        `INSERT INTO ledger.tree_node (level, idx, hash) SELECT level, idx, decode(hash, 'hex')
         FROM jsonb_to_recordset($1::jsonb) AS n(level smallint, idx bigint, hash text)`,
        [JSON.stringify(nodes.map((n) => ({ level: n.level, idx: n.index, hash: Buffer.from(n.hash).toString('hex') })))],
      );
    if (accesses.length)
      await tx.query(
        `INSERT INTO ledger.access_record (seq, entry_id, entry, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height)
         SELECT a.seq, a.entry_id, a.entry, a.kafka_topic, a.kafka_partition, a.kafka_offset, decode(a.leaf_hash, 'hex'), $2
         FROM jsonb_to_recordset($1::jsonb) AS a(seq bigint, entry_id uuid, entry jsonb, kafka_topic text, kafka_partition int, kafka_offset bigint, leaf_hash text)`,
        [
          JSON.stringify(
            accesses.map(({ seq, access, leafHash }) => ({
              seq,
              entry_id: access.entryId,
              entry: access.entry,
              kafka_topic: access.kafka.topic,
              kafka_partition: access.kafka.partition,
              kafka_offset: access.kafka.offset,
              leaf_hash: leafHash.toString('hex'),
            })),
          ),
          height,
        ],
      );
    await this.project(tx, rows);
    this.logger.debug(`block ${height}: ${rows.length} events, ${accesses.length} access entries, tree size ${range.size}`);
    return height;
  }

  /** Keeps the per-EPC and per-party indexes, recalls, and each serialized item's commissioning state (projections.ts). */
  private async project(tx: EntityManager, rows: { seq: number; summary: EventSummary; record: LeafRecord }[]): Promise<void> {
    const events = rows.map(({ seq, summary, record }) => ({ seq, summary, signerGln: record.signer.gln }));
    const insert = async (table: string, columns: string, types: string, values: unknown[], conflict = '') => {
      if (values.length)
        await tx.query(`INSERT INTO ledger.${table} (${columns}) SELECT ${columns} FROM jsonb_to_recordset($1::jsonb) AS r(${types}) ${conflict}`, [JSON.stringify(values)]);
    };
    await insert('event_party', 'gln, seq', 'gln text, seq bigint', events.flatMap(partyLinksOf));
    await insert('epc_event', 'epc, seq, role', 'epc text, seq bigint, role text', events.flatMap(epcLinksOf), 'ON CONFLICT DO NOTHING');
    await insert('recall', 'gtin, lot, seq', 'gtin text, lot text, seq bigint', events.flatMap(recallsOf), 'ON CONFLICT DO NOTHING');
    // One row per item even when a block commissions the same serial twice (a clone stays visible in the count).
    const items = new Map<string, ItemState>();
    for (const e of events) foldItemStates(items, e);
    if (items.size)
      await tx.query(
        `INSERT INTO ledger.item_state AS s (epc, gtin, serial, lot, expiry, commissioned_seq, commission_count, last_seq)
         SELECT epc, gtin, serial, lot, expiry, "commissionedSeq", "commissionCount", "lastSeq"
         FROM jsonb_to_recordset($1::jsonb) AS c(epc text, gtin text, serial text, lot text, expiry date, "commissionedSeq" bigint, "commissionCount" int, "lastSeq" bigint)
         ON CONFLICT (epc) DO UPDATE SET commission_count = s.commission_count + EXCLUDED.commission_count, last_seq = EXCLUDED.last_seq`,
        [JSON.stringify([...items.values()])],
      );
  }
}
