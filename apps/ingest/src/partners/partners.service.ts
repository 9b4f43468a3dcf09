import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { isGln } from '@app/gs1';
import { CryptoError, validatePublicJwk } from '@app/crypto';
import { PartnerEntity, PartnerKeyEntity } from '@app/registry';
import { ProblemException } from '@app/platform';
import { DelegateDto, RegisterPartnerDto } from './partner.dto';
import { issueToken, RegistryCache } from '@app/registry';
import { RegistryLog } from './registry-log.service';

export type PartnerView = PartnerEntity & {
  companyPrefixes: { prefix: string; delegates: unknown[] }[];
  licences: Record<string, unknown>[];
};

@Injectable()
export class PartnersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: RegistryCache,
    private readonly log: RegistryLog,
  ) {}

  /**
   * Creates or updates a partner and adds its keys. A registered key is immutable:
   * re-sending the same kid with another public key is a conflict, never a silent swap.
   */
  async register(dto: RegisterPartnerDto): Promise<PartnerView> {
    if (!isGln(dto.gln)) throw new ProblemException(400, 'invalid-gln', `GLN ${dto.gln} has a wrong check digit`);
    const keys = dto.keys.map((k) => this.toKey(dto.gln, k));
    for (const l of dto.licences ?? [])
      if (l.validUntil && new Date(l.validUntil) <= new Date(l.validFrom)) throw new ProblemException(400, 'invalid-licence', `licence ${l.number}: validUntil must be after validFrom`);
    const partner = await this.db.transaction(async (tx) => {
      await tx.getRepository(PartnerEntity).upsert({ gln: dto.gln, name: dto.name, roles: dto.roles }, ['gln']);
      for (const key of keys) {
        const existing = await tx.getRepository(PartnerKeyEntity).findOneBy({ kid: key.kid });
        if (!existing) await tx.getRepository(PartnerKeyEntity).insert(key);
        else if (existing.gln !== key.gln || JSON.stringify(existing.publicJwk) !== JSON.stringify(key.publicJwk))
          throw new ProblemException(409, 'key-conflict', `key ${key.kid} is already registered with another public key`);
      }
      for (const prefix of dto.companyPrefixes ?? []) {
        const [owner] = (await tx.query(
          `INSERT INTO ingest.company_prefix (prefix, gln) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET prefix = EXCLUDED.prefix RETURNING gln`,
          [prefix, dto.gln],
        )) as { gln: string }[];
        if (owner.gln !== dto.gln) throw new ProblemException(409, 'prefix-conflict', `company prefix ${prefix} belongs to ${owner.gln}`);
      }
      for (const l of dto.licences ?? [])
        await tx.query(
          `INSERT INTO ingest.partner_licence (gln, kind, number, jurisdiction, valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (gln, kind, number, jurisdiction) DO UPDATE SET valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until`,
          [dto.gln, l.kind, l.number, l.jurisdiction ?? 'US', l.validFrom, l.validUntil ?? null],
        );
      await this.log.append(tx, 'admin', 'register-partner', dto);
      return dto.gln;
    });
    this.cache.invalidate();
    return (await this.find(partner))!;
  }

  /** A contract manufacturer or repackager the prefix owner lets commission its GTINs. */
  async addDelegate(ownerGln: string, prefix: string, dto: DelegateDto): Promise<PartnerView> {
    const [owned] = (await this.db.query('SELECT 1 FROM ingest.company_prefix WHERE prefix = $1 AND gln = $2', [prefix, ownerGln])) as unknown[];
    if (!owned) throw new ProblemException(404, 'unknown-prefix', `${ownerGln} owns no company prefix ${prefix}`);
    const [delegate] = (await this.db.query('SELECT 1 FROM ingest.partner WHERE gln = $1', [dto.gln])) as unknown[];
    if (!delegate) throw new ProblemException(404, 'unknown-partner', `no partner with GLN ${dto.gln}`);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ingest.prefix_delegate (prefix, gln, role, valid_from, valid_until) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (prefix, gln) DO UPDATE SET role = EXCLUDED.role, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until`,
        [prefix, dto.gln, dto.role, dto.validFrom, dto.validUntil ?? null],
      );
      await this.log.append(tx, 'admin', 'add-delegate', { owner: ownerGln, prefix, ...dto });
    });
    this.cache.invalidate();
    return (await this.find(ownerGln))!;
  }

  async revokeKey(gln: string, kid: string, at: Date): Promise<PartnerKeyEntity> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(PartnerKeyEntity);
      const key = await repo.findOneBy({ kid, gln });
      if (!key) throw new ProblemException(404, 'unknown-key', `partner ${gln} has no key ${kid}`);
      // An earlier revocation stands: moving it later would re-validate events it already invalidated.
      if (!key.revokedAt || key.revokedAt > at) {
        key.revokedAt = at;
        await repo.save(key);
        await this.log.append(tx, 'admin', 'revoke-key', { gln, kid, revokedAt: at.toISOString() });
      }
      return key;
    });
  }

  /**
   * A new API credential for a partner; the token is shown once and only its hash is kept. Rotation is
   * issuing a new credential, moving clients to it, then revoking the old one.
   */
  async issueCredential(gln: string, label: string, expiresAt?: Date): Promise<{ id: string; token: string; expiresAt: string | null }> {
    if (!(await this.find(gln))) throw new ProblemException(404, 'unknown-partner', `no partner with GLN ${gln}`);
    const issued = issueToken();
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO ingest.api_credential (id, gln, label, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5)', [
        issued.id,
        gln,
        label,
        issued.secretHash,
        expiresAt ?? null,
      ]);
      await this.log.append(tx, 'admin', 'issue-credential', { gln, id: issued.id, label, expiresAt: expiresAt?.toISOString() ?? null });
    });
    return { id: issued.id, token: issued.token, expiresAt: expiresAt?.toISOString() ?? null };
  }

  async revokeCredential(gln: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = (await tx.query('UPDATE ingest.api_credential SET revoked_at = now() WHERE id = $1 AND gln = $2 AND revoked_at IS NULL RETURNING id', [id, gln])) as unknown[];
      if (!rows.length) throw new ProblemException(404, 'unknown-credential', `partner ${gln} has no live credential ${id}`);
      await this.log.append(tx, 'admin', 'revoke-credential', { gln, id });
    });
  }

  async find(gln: string): Promise<PartnerView | undefined> {
    return (await this.views([gln]))[0];
  }

  async list(): Promise<PartnerView[]> {
    return this.views();
  }

  /** Partners with keys, company prefixes (and their delegates) and licences. */
  private async views(glns?: string[]): Promise<PartnerView[]> {
    const partners = await this.db.getRepository(PartnerEntity).find({
      where: glns ? { gln: In(glns) } : {},
      relations: { keys: true },
      order: { gln: 'ASC' },
    });
    if (!partners.length) return [];
    const wanted = partners.map((p) => p.gln);
    const prefixes = (await this.db.query(
      `SELECT p.gln AS owner, p.prefix, coalesce(json_agg(json_build_object('gln', d.gln, 'role', d.role, 'validFrom', d.valid_from, 'validUntil', d.valid_until))
         FILTER (WHERE d.gln IS NOT NULL), '[]') AS delegates
       FROM ingest.company_prefix p LEFT JOIN ingest.prefix_delegate d USING (prefix) WHERE p.gln = ANY($1) GROUP BY p.gln, p.prefix ORDER BY p.prefix`,
      [wanted],
    )) as { owner: string; prefix: string; delegates: unknown[] }[];
    const licences = (await this.db.query(
      `SELECT gln, kind, number, jurisdiction, valid_from AS "validFrom", valid_until AS "validUntil" FROM ingest.partner_licence WHERE gln = ANY($1) ORDER BY kind, number`,
      [wanted],
    )) as ({ gln: string } & Record<string, unknown>)[];
    return partners.map((p) => ({
      ...p,
      companyPrefixes: prefixes.filter((x) => x.owner === p.gln).map(({ prefix, delegates }) => ({ prefix, delegates })),
      licences: licences.filter((l) => l.gln === p.gln).map(({ gln: _gln, ...l }) => l),
    }));
  }

  private toKey(gln: string, k: RegisterPartnerDto['keys'][number]): Partial<PartnerKeyEntity> {
    if (!k.kid.startsWith(`${gln}/`)) throw new ProblemException(400, 'invalid-key', `kid ${k.kid} must start with the partner's GLN ${gln}/`);
    let alg: 'EdDSA' | 'ES256';
    try {
      alg = validatePublicJwk(k.publicJwk);
    } catch (e) {
      if (e instanceof CryptoError) throw new ProblemException(400, 'invalid-key', `key ${k.kid}: ${e.message}`);
      throw e;
    }
    const validFrom = new Date(k.validFrom);
    const validUntil = k.validUntil ? new Date(k.validUntil) : null;
    if (validUntil && validUntil <= validFrom) throw new ProblemException(400, 'invalid-key', `key ${k.kid}: validUntil must be after validFrom`);
    return { kid: k.kid, gln, alg, publicJwk: k.publicJwk, validFrom, validUntil, revokedAt: null };
  }
}
