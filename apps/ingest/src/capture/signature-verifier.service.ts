import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canonicalize, CryptoError, parseJwsHeader, utf8Encode, verifyDetached } from '@app/crypto';
import { splitSignature, type JsonObject } from '@app/epcis';
import { keyValidityAt, PartnerKeyEntity } from '@app/registry';

export interface Signer {
  gln: string;
  kid: string;
}

/** Why a signature was refused; `status` is what an HTTP caller is told (400 malformed, 422 refused). */
export class SignatureRejected extends Error {
  constructor(
    readonly slug: 'signature-missing' | 'signature-malformed' | 'unknown-key' | 'key-not-valid' | 'signature-invalid' | 'not-canonicalizable',
    message: string,
  ) {
    super(message);
  }

  get status(): 400 | 422 {
    return this.slug === 'signature-missing' || this.slug === 'signature-malformed' || this.slug === 'not-canonicalizable' ? 400 : 422;
  }
}

/**
 * Enforces the signature protocol (docs/signature-protocol.md): a detached JWS by a registered key that
 * is valid at recordTime, over either one event (RFC 8785 form without its signature member) or a
 * whole document's batch payload.
 */
@Injectable()
export class SignatureVerifier {
  /** Registered keys by kid, briefly cached: a revocation takes effect within KEY_CACHE_MS. */
  private readonly keys = new Map<string, { key: PartnerKeyEntity; at: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** An event's own dscsa:signature. */
  async verifyEvent(event: JsonObject, recordTime: Date): Promise<Signer> {
    const { unsigned, jws } = splitSignature(event);
    if (!jws) throw new SignatureRejected('signature-missing', 'the event carries no dscsa:signature');
    let payload: Uint8Array;
    try {
      payload = utf8Encode(canonicalize(unsigned));
    } catch (e) {
      if (e instanceof CryptoError) throw new SignatureRejected('not-canonicalizable', e.message);
      throw e;
    }
    return this.verify(jws, payload, recordTime);
  }

  /** A detached JWS over `payload` (a batch signing payload). */
  async verify(jws: string, payload: Uint8Array, recordTime: Date): Promise<Signer> {
    let kid: string;
    try {
      kid = parseJwsHeader(jws).kid;
    } catch (e) {
      if (e instanceof CryptoError) throw new SignatureRejected('signature-malformed', e.message);
      throw e;
    }
    const key = await this.key(kid);
    if (!key) throw new SignatureRejected('unknown-key', `no registered partner key has kid ${kid}`);
    const validity = keyValidityAt(key, recordTime);
    if (!validity.valid) throw new SignatureRejected('key-not-valid', `key ${kid} is not valid at ${recordTime.toISOString()}: ${validity.reason}`);
    const result = verifyDetached(jws, payload, key.publicJwk);
    if (!result.ok) throw new SignatureRejected('signature-invalid', `signature by ${kid} does not verify: ${result.reason}`);
    return { gln: key.gln, kid };
  }

  private async key(kid: string): Promise<PartnerKeyEntity | null> {
    const cached = this.keys.get(kid);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) return cached.key;
    const key = await this.db.getRepository(PartnerKeyEntity).findOneBy({ kid });
    if (this.keys.size > 10_000) this.keys.clear();
    if (key) this.keys.set(kid, { key, at: Date.now() }); // an unknown kid may be registered any moment
    return key;
  }
}

const KEY_CACHE_MS = 2000;
