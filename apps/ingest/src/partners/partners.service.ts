import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isGln } from '@app/gs1';
import { CryptoError, validatePublicJwk } from '@app/crypto';
import { PartnerEntity, PartnerKeyEntity } from '@app/registry';
import { ProblemException } from '@app/platform';
import { RegisterPartnerDto } from './partner.dto';

@Injectable()
export class PartnersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates or updates a partner and adds its keys. A registered key is immutable:
   * re-sending the same kid with another public key is a conflict, never a silent swap.
   */
  async register(dto: RegisterPartnerDto): Promise<PartnerEntity> {
    if (!isGln(dto.gln)) throw new ProblemException(400, 'invalid-gln', `GLN ${dto.gln} has a wrong check digit`);
    const keys = dto.keys.map((k) => this.toKey(dto.gln, k));
    return this.db.transaction(async (tx) => {
      await tx.getRepository(PartnerEntity).upsert({ gln: dto.gln, name: dto.name, roles: dto.roles }, ['gln']);
      for (const key of keys) {
        const existing = await tx.getRepository(PartnerKeyEntity).findOneBy({ kid: key.kid });
        if (!existing) await tx.getRepository(PartnerKeyEntity).insert(key);
        else if (existing.gln !== key.gln || JSON.stringify(existing.publicJwk) !== JSON.stringify(key.publicJwk))
          throw new ProblemException(409, 'key-conflict', `key ${key.kid} is already registered with another public key`);
      }
      return tx.getRepository(PartnerEntity).findOneOrFail({ where: { gln: dto.gln }, relations: { keys: true } });
    });
  }

  async revokeKey(gln: string, kid: string, at: Date): Promise<PartnerKeyEntity> {
    const repo = this.db.getRepository(PartnerKeyEntity);
    const key = await repo.findOneBy({ kid, gln });
    if (!key) throw new ProblemException(404, 'unknown-key', `partner ${gln} has no key ${kid}`);
    // An earlier revocation stands: moving it later would re-validate events it already invalidated.
    if (!key.revokedAt || key.revokedAt > at) {
      key.revokedAt = at;
      await repo.save(key);
    }
    return key;
  }

  find(gln: string): Promise<PartnerEntity | null> {
    return this.db.getRepository(PartnerEntity).findOne({ where: { gln }, relations: { keys: true } });
  }

  list(): Promise<PartnerEntity[]> {
    return this.db.getRepository(PartnerEntity).find({ relations: { keys: true }, order: { gln: 'ASC' } });
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
