import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canonicalize, CryptoError, parseJwsHeader, verifyDetached } from '@app/crypto';
import { splitSignature, type JsonObject } from '@app/epcis';
import { keyValidityAt, PartnerKeyEntity } from '@app/registry';
import { ProblemException } from '@app/platform';

export interface Signer {
  gln: string;
  kid: string;
}

/**
 * Enforces the signature protocol (docs/signature-protocol.md): a detached JWS over the RFC 8785
 * form of the event without its signature member, by a registered key valid at recordTime.
 */
@Injectable()
export class SignatureVerifier {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async verify(event: JsonObject, recordTime: Date): Promise<Signer> {
    const { unsigned, jws } = splitSignature(event);
    if (!jws) throw new ProblemException(400, 'signature-missing', 'the event carries no dscsa:signature');
    let kid: string;
    try {
      kid = parseJwsHeader(jws).kid;
    } catch (e) {
      if (e instanceof CryptoError) throw new ProblemException(400, 'signature-malformed', e.message);
      throw e;
    }
    const key = await this.db.getRepository(PartnerKeyEntity).findOneBy({ kid });
    if (!key) throw new ProblemException(422, 'unknown-key', `no registered partner key has kid ${kid}`);
    const validity = keyValidityAt(key, recordTime);
    if (!validity.valid) throw new ProblemException(422, 'key-not-valid', `key ${kid} is not valid at ${recordTime.toISOString()}: ${validity.reason}`);
    let payload: Buffer;
    try {
      payload = Buffer.from(canonicalize(unsigned), 'utf8');
    } catch (e) {
      if (e instanceof CryptoError) throw new ProblemException(400, 'not-canonicalizable', e.message);
      throw e;
    }
    const result = verifyDetached(jws, payload, key.publicJwk);
    if (!result.ok) throw new ProblemException(422, 'signature-invalid', `signature by ${kid} does not verify: ${result.reason}`);
    return { gln: key.gln, kid };
  }
}
