import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Request } from 'express';
import { AccessEntry, AccessMessage } from '@app/ledger-store';
import { createLogProducer, GroupCommit, kafkaSettings, LogProducer } from '@app/platform';

export type AccessRecord = Omit<AccessEntry, 'at' | 'detail'> & { detail?: Record<string, unknown> };

/** The actor of reads that need no credential (public proof lookups). */
export const ANONYMOUS = 'anonymous';

/** An access_log row's inserted columns, in INSERT order. */
type AccessRow = [actor: string, action: string, subject: string, gtin: string | null, outcome: string, detail: string, clientIp: string | null];

const INSERT_COLUMNS = '(actor, action, subject, gtin, outcome, detail, client_ip)';

/**
 * Every read of custody data leaves a row here before it is answered: who asked what, and what they were told.
 * Concurrent reads share one INSERT (group commit), so a busy verify commits a few times per round trip instead of
 * once per scan. AccessLogRelay then appends each row to the verifiable log.
 */
@Injectable()
export class AccessLog {
  private readonly inserts = new GroupCommit((rows: AccessRow[]) => this.insert(rows), { maxItems: 500, concurrency: 2 });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `client` is the request (its address is kept in PostgreSQL only). */
  async record(e: AccessRecord, client?: Pick<Request, 'ip'>): Promise<void> {
    const row: AccessRow = [e.actor, e.action, e.subject.slice(0, 2048), e.gtin ?? null, e.outcome, JSON.stringify(e.detail ?? {}), client?.ip ?? null];
    const failure = await this.inserts.submit(row);
    if (failure) throw failure;
  }

  /** One statement for the group; if it fails, row by row, so that a row PostgreSQL refuses fails only its own read. */
  private async insert(rows: AccessRow[]): Promise<(Error | undefined)[]> {
    const columns = rows[0].map((_, c) => rows.map((r) => r[c]));
    try {
      await this.db.query(
        `INSERT INTO verify.access_log ${INSERT_COLUMNS}
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[])`,
        columns,
      );
      return rows.map(() => undefined);
    } catch (e) {
      if (rows.length === 1) return [e as Error];
      return Promise.all(
        rows.map((r) =>
          this.db.query(`INSERT INTO verify.access_log ${INSERT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7)`, r).then(
            () => undefined,
            (err: Error) => err,
          ),
        ),
      );
    }
  }
}

/** A verify.access_log row as read back. */
export interface AccessLogRow {
  id: string;
  entry_id: string;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  gtin: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  published_at?: Date | null;
}

/** Entries sent to Kafka per round. */
const BATCH = 500;

/**
 * An outbox relay: access-log rows go to the ledger through the access topic, oldest first, and are marked
 * published once Kafka has them from all in-sync replicas. Reads never wait for Kafka, and entries written while
 * Kafka is down are sent when it is back. An entry sent twice (a crash between send and mark, or two verify
 * instances sending the same rows) is logged once, by its entry ID; no transaction is held open across the send.
 * The client address stays in PostgreSQL: the permanent log holds no personal data beyond the GLN.
 */
@Injectable()
export class AccessLogRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessLogRelay');
  private readonly producer: LogProducer;
  private readonly topic: string;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private connected = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService,
  ) {
    this.topic = config.getOrThrow('KAFKA_TOPIC_ACCESS');
    this.intervalMs = config.getOrThrow<number>('ACCESS_LOG_RELAY_INTERVAL_MS');
    this.producer = createLogProducer({
      kind: config.getOrThrow('EVENT_LOG'),
      kafka: kafkaSettings(config),
      clientId: `${config.getOrThrow('KAFKA_CLIENT_ID')}-verify`,
      db,
    });
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.producer.disconnect();
  }

  /** Sends everything pending now; resolves with how many entries were published. */
  async flush(): Promise<number> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    let published = 0;
    for (let sent = BATCH; sent === BATCH; published += sent) sent = await this.publishBatch();
    return published;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.flush()
        .then(() => undefined)
        .catch((e: Error) => this.logger.warn(`access entries wait for Kafka: ${e.message}`))
        .finally(() => this.timer && this.schedule());
    }, this.intervalMs);
  }

  private async publishBatch(): Promise<number> {
    const rows = (await this.db.query(
      `SELECT id, entry_id, at, actor, action, subject, gtin, outcome, detail FROM verify.access_log
       WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [BATCH],
    )) as AccessLogRow[];
    if (!rows.length) return 0;
    await this.producer.send(
      this.topic,
      rows.map((r) => ({ key: r.entry_id, value: JSON.stringify(accessMessage(r)) })),
    );
    await this.db.query('UPDATE verify.access_log SET published_at = now() WHERE id = ANY($1)', [rows.map((r) => r.id)]);
    return rows.length;
  }
}

function accessMessage(r: AccessLogRow): AccessMessage {
  const entry: AccessEntry = { at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, outcome: r.outcome, detail: r.detail };
  if (r.gtin) entry.gtin = r.gtin;
  return { v: 1, entryId: r.entry_id, entry };
}
