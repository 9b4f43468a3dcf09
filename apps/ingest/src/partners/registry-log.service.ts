import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { generateKeyPair, publicJwkFromPrivate, type PrivateJwk, type PublicJwk } from '@app/crypto';
import { configuredOrDevSecret } from '@app/platform';
import { REGISTRY_GENESIS, signRegistryChange, type RegistryChange } from '@app/registry';

/** Appends every registry change to a hash chain signed with the registry key, in the change's own transaction. */
@Injectable()
export class RegistryLog implements OnModuleInit {
  private privateJwk!: PrivateJwk;
  publicJwk!: PublicJwk;

  constructor(
    private readonly config: ConfigService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const jwk = await configuredOrDevSecret({
      name: 'REGISTRY_SIGNING_KEY',
      value: this.config.get<string>('REGISTRY_SIGNING_KEY'),
      file: this.config.getOrThrow<string>('REGISTRY_SIGNING_KEY_FILE'),
      production: this.config.get('NODE_ENV') === 'production',
      create: () => JSON.stringify(generateKeyPair('EdDSA').privateJwk),
    });
    this.privateJwk = JSON.parse(jwk) as PrivateJwk;
    this.publicJwk = publicJwkFromPrivate(this.privateJwk);
  }

  async append(tx: EntityManager, actor: string, action: string, change: unknown): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('dscsa-registry-change'))`);
    const [last] = (await tx.query('SELECT seq, hash FROM ingest.registry_change ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: Buffer }[];
    const entry: RegistryChange = {
      seq: last ? Number(last.seq) + 1 : 0,
      at: new Date().toISOString(),
      actor,
      action,
      change: JSON.parse(JSON.stringify(change)),
      prevHash: last ? last.hash.toString('hex') : REGISTRY_GENESIS,
    };
    const { hash, signature } = signRegistryChange(entry, this.privateJwk);
    await tx.query(
      `INSERT INTO ingest.registry_change (seq, at, actor, action, change, prev_hash, hash, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.seq, entry.at, actor, action, JSON.stringify(entry.change), Buffer.from(entry.prevHash, 'hex'), Buffer.from(hash, 'hex'), signature],
    );
  }

  async entries(after: number, limit: number) {
    const rows = (await this.db.query(
      'SELECT seq, at, actor, action, change, prev_hash, hash, signature FROM ingest.registry_change WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, limit],
    )) as { seq: string; at: Date; actor: string; action: string; change: unknown; prev_hash: Buffer; hash: Buffer; signature: string }[];
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      change: r.change,
      prevHash: r.prev_hash.toString('hex'),
      hash: r.hash.toString('hex'),
      signature: r.signature,
    }));
  }
}
