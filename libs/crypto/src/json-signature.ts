import { CryptoError } from './errors';
import { canonicalize } from './jcs';
import { signDetached, verifyDetached, type VerifyOptions, type VerifyResult } from './jws';
import type { JwkInput } from './keys';
import { utf8Encode } from './utf8';

/** Detached JWS over the UTF-8 bytes of the RFC 8785 canonical form of `value`. */
export function signJson(value: unknown, privateJwk: JwkInput, kid: string): string {
  return signDetached(utf8Encode(canonicalize(value)), privateJwk, { kid });
}

/** Counterpart of signJson. A value with no canonical form (e.g. a lone surrogate from JSON input) fails as INVALID_PAYLOAD. */
export function verifyJson(value: unknown, jws: string, publicJwk: JwkInput, options?: VerifyOptions): VerifyResult {
  let canonical: string;
  try {
    canonical = canonicalize(value);
  } catch (error) {
    if (error instanceof CryptoError) return { ok: false, reason: 'INVALID_PAYLOAD', detail: error.message };
    throw error;
  }
  return verifyDetached(jws, utf8Encode(canonical), publicJwk, options);
}
