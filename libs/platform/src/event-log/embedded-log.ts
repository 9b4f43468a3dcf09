import { EventEmitter } from 'node:events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs one SQL statement (TypeORM's DataSource.query fits); `transaction` runs a function in one transaction. */
export interface LogDatabase {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  transaction<T>(run: (tx: { query(sql: string, params?: unknown[]): Promise<unknown> }) => Promise<T>): Promise<T>;
}

export interface LogMessage {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/** A message as read back, shaped like a kafkajs KafkaMessage so consumers handle both alike. */
export interface StoredMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: string;
}

/** The embedded log has one partition per topic: order is total, which a single process can afford. */
export const EMBEDDED_PARTITION = 0;

/** Wakes in-process readers when messages land, so the embedded log is read without polling delay. */
const appended = new EventEmitter().setMaxListeners(100);

/**
 * Kafka's model (topic, partition, offset, key, value, headers) in PostgreSQL, for the single-process embedded
 * mode: an append is one transaction, so it is all-or-nothing and durable once it commits, like an acks=all send
 * or a committed Kafka transaction; offsets are dense per partition and readers resume from the offsets they store.
 */
export class EmbeddedLog {
  constructor(private readonly db: LogDatabase) {}

  async append(topic: string, messages: LogMessage[]): Promise<void> {
    if (!messages.length) return;
    await this.db.transaction(async (tx) => {
      // The head row serialises writers of the partition and hands out offsets with no gaps.
      const [head] = (await tx.query(
        `INSERT INTO embedded_log.head (topic, kafka_partition, next_offset) VALUES ($1, $2, $3)
         ON CONFLICT (topic, kafka_partition) DO UPDATE SET next_offset = embedded_log.head.next_offset + $3
         RETURNING next_offset - $3 AS first`,
        [topic, EMBEDDED_PARTITION, messages.length],
      )) as { first: string }[];
      await tx.query(
        `INSERT INTO embedded_log.message (topic, kafka_partition, kafka_offset, key, value, headers)
         SELECT $1, $2, $3::bigint + m.i - 1, m.key, m.value, m.headers
         FROM unnest($4::bytea[], $5::bytea[], $6::jsonb[]) WITH ORDINALITY AS m(key, value, headers, i)`,
        [
          topic,
          EMBEDDED_PARTITION,
          head.first,
          messages.map((m) => (m.key === null ? null : Buffer.from(m.key))),
          messages.map((m) => Buffer.from(m.value)),
          messages.map((m) => JSON.stringify(m.headers ?? {})),
        ],
      );
    });
    appended.emit(topic);
  }

  /** Messages from `offset` on, at most `max` of them. */
  async read(topic: string, offset: string, max: number): Promise<StoredMessage[]> {
    const rows = (await this.db.query(
      `SELECT kafka_offset, key, value, headers, appended_at FROM embedded_log.message
       WHERE topic = $1 AND kafka_partition = $2 AND kafka_offset >= $3 ORDER BY kafka_offset LIMIT $4`,
      [topic, EMBEDDED_PARTITION, offset, max],
    )) as { kafka_offset: string; key: Buffer | null; value: Buffer; headers: Record<string, string>; appended_at: Date }[];
    return rows.map((r) => ({
      offset: String(r.kafka_offset),
      key: r.key,
      value: r.value,
      headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v)])),
      timestamp: String(r.appended_at.getTime()),
    }));
  }

  /** Resolves when a message lands on `topic` in this process, or after `ms`. */
  static waitForAppend(topic: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        appended.off(topic, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      appended.on(topic, done);
    });
  }
}

/** The embedded log's tables; every app runs this migration in embedded mode (it is idempotent across apps). */
export class EmbeddedLog1763781700000 implements MigrationInterface {
  name = 'EmbeddedLog1763781700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS embedded_log`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS embedded_log.head (
        topic text NOT NULL,
        kafka_partition int NOT NULL,
        next_offset bigint NOT NULL,
        PRIMARY KEY (topic, kafka_partition)
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS embedded_log.message (
        topic text NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        key bytea,
        value bytea NOT NULL,
        headers jsonb NOT NULL,
        appended_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, kafka_partition, kafka_offset)
      )`);
  }

  async down(): Promise<void> {
    // shared by the apps: left in place
  }
}
