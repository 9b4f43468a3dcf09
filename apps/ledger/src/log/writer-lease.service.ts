import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from 'pg';
import { hostname } from 'node:os';
import { EntityManager } from 'typeorm';

/** Advisory-lock key of the ledger writer; any constant shared by all ledger processes. */
const LEASE_LOCK = 'dscsa-ledger-writer';

export class LeaseLost extends Error {}

/**
 * Only one ledger process appends. The lease is a PostgreSQL session advisory lock held on a dedicated
 * connection; taking it bumps `epoch`, the fencing token every append transaction checks. A process
 * whose connection dropped (and so lost the lock) can no longer commit, even before it notices.
 */
@Injectable()
export class WriterLease implements OnApplicationShutdown {
  private readonly logger = new Logger(WriterLease.name);
  private client?: Client;
  private epoch?: number;
  private stopped = false;
  private readonly holder = `${hostname()}:${process.pid}`;

  constructor(private readonly config: ConfigService) {}

  /** Resolves once this process holds the lease; polls while another process does. */
  async acquire(): Promise<void> {
    let waiting = false;
    while (!this.stopped) {
      try {
        if (await this.tryAcquire()) return;
        if (!waiting) this.logger.warn('another ledger process holds the writer lease; waiting');
        waiting = true;
      } catch (e) {
        this.logger.warn(`writer lease: ${(e as Error).message}; retrying`);
        await this.release();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new LeaseLost('shutting down');
  }

  /** Inside an append transaction: fails unless this process still holds the current epoch. */
  async assertHeld(tx: EntityManager): Promise<void> {
    const [row] = (await tx.query('SELECT epoch FROM ledger.writer_lease WHERE id = 1 FOR SHARE')) as { epoch: string }[];
    if (this.epoch === undefined || Number(row.epoch) !== this.epoch) throw new LeaseLost(`writer lease epoch ${row.epoch} is not ours (${this.epoch})`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.release();
  }

  private async tryAcquire(): Promise<boolean> {
    if (!this.client) {
      const client = new Client({ connectionString: this.config.getOrThrow('DATABASE_URL'), application_name: 'dscsa-ledger-lease' });
      client.on('error', (e) => {
        this.logger.error(`writer lease connection lost: ${e.message}`);
        this.epoch = undefined;
        this.client = undefined;
      });
      await client.connect();
      this.client = client;
    }
    const [{ locked }] = (await this.client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LEASE_LOCK])).rows as { locked: boolean }[];
    if (!locked) return false;
    const { rows } = await this.client.query('UPDATE ledger.writer_lease SET epoch = epoch + 1, holder = $1, acquired_at = now() WHERE id = 1 RETURNING epoch', [this.holder]);
    this.epoch = Number((rows[0] as { epoch: string }).epoch);
    this.logger.log(`holding the writer lease, epoch ${this.epoch}`);
    return true;
  }

  private async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.epoch = undefined;
    await client?.end().catch(() => undefined);
  }

  isHeld(): boolean {
    return this.epoch !== undefined;
  }
}
