import { verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { base64urlDecode, base64urlEncode } from './base64url';
import { CryptoError } from './errors';
import { parsePrivateJwk, preparePublicKey, type JwkInput, type JwsAlg, type PreparedPublicKey } from './keys';
import { utf8Decode, utf8Encode } from './utf8';

/**
 * Detached-payload JWS compact serialization (RFC 7515 §7.1 and Appendix F): "<b64url(header)>..<b64url(signature)>".
 * The signing input is the standard b64url(header) + "." + b64url(payload); the RFC 7797 unencoded-payload option
 * ("b64": false) is not supported. The protocol is in docs/signature-protocol.md.
 */

export interface JwsHeader {
  readonly alg: JwsAlg;
  readonly kid: string;
}

export type VerifyFailureReason =
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'INVALID_KEY'
  | 'ALG_KEY_MISMATCH'
  | 'BAD_SIGNATURE'
  /** verifyJson only: the value has no JCS form. */
  | 'INVALID_PAYLOAD';

export type VerifyResult = { ok: true; header: JwsHeader } | { ok: false; reason: VerifyFailureReason; detail: string };

export type VerifyEngine = 'noble' | 'node';

export interface VerifyOptions {
  /**
   * Both engines accept exactly the same signatures (jws.differential.spec.ts). node:crypto, the default, is about
   * 25x (EdDSA) and 35x (ES256) faster than noble.
   */
  engine?: VerifyEngine;
}

const ALGS: readonly string[] = ['EdDSA', 'ES256'] satisfies JwsAlg[];
const SIGNATURE_BYTES = 64; // Ed25519 R || S; ES256 r || s (IEEE P1363, RFC 7518 §3.4), never DER

/**
 * The protected header of a detached JWS, or CryptoError MALFORMED / ALG_NOT_ALLOWED. Strict: exactly three parts with
 * the middle one empty; the header is a JSON object with exactly `alg` (EdDSA or ES256) and a non-empty string `kid`.
 * Every other parameter is refused, which covers the dangerous ones (crit, b64, jku, jwk, x5u, x5c): the key comes
 * from the registry by kid, never from the message.
 */
export function parseJwsHeader(jws: string): JwsHeader {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3 || parts[1] !== '') malformed('expected detached compact serialization "<header>..<signature>"');
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(base64urlDecode(parts[0])));
  } catch {
    malformed('protected header is not base64url-encoded UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) malformed('protected header is not a JSON object');
  const unsupported = Object.keys(header).filter((name) => name !== 'alg' && name !== 'kid');
  if (unsupported.length > 0) malformed(`unsupported header parameter(s): ${unsupported.join(', ')}`);
  const { alg, kid } = header as Record<string, unknown>;
  if (typeof alg !== 'string') malformed('alg must be a string');
  if (!ALGS.includes(alg)) throw new CryptoError('ALG_NOT_ALLOWED', `alg ${JSON.stringify(alg)} is not allowed`);
  if (typeof kid !== 'string' || kid === '') malformed('kid must be a non-empty string');
  return { alg: alg as JwsAlg, kid };
}

export function signDetached(payload: Uint8Array, privateJwk: JwkInput, header: { kid: string; alg?: JwsAlg }): string {
  const key = parsePrivateJwk(privateJwk);
  if (header.alg !== undefined && header.alg !== key.alg) {
    throw new CryptoError('ALG_KEY_MISMATCH', `alg ${header.alg} does not match a ${key.jwk.crv} key`);
  }
  if (typeof header.kid !== 'string' || header.kid === '') malformed('kid must be a non-empty string');
  const protectedHeader = base64urlEncode(utf8Encode(JSON.stringify({ alg: key.alg, kid: header.kid })));
  const input = signingInput(protectedHeader, payload);
  const signature =
    key.alg === 'EdDSA'
      ? ed25519.sign(input, key.secret)
      : // Low-S: verifiers elsewhere may insist on it; ours accepts both.
        p256.sign(input, key.secret, { prehash: true, lowS: true }).toBytes('compact');
  return `${protectedHeader}..${base64urlEncode(signature)}`;
}

/**
 * Verifies a detached JWS over `payload` with `publicJwk` (validated as by validatePublicJwk). The caller resolves the
 * key from the header's kid (parseJwsHeader) and should check the returned header's kid is the one it resolved.
 */
export function verifyDetached(jws: string, payload: Uint8Array, publicJwk: JwkInput, options: VerifyOptions = {}): VerifyResult {
  let header: JwsHeader;
  let key: PreparedPublicKey;
  try {
    header = parseJwsHeader(jws);
    key = preparePublicKey(publicJwk);
  } catch (error) {
    if (error instanceof CryptoError) return { ok: false, reason: error.code as VerifyFailureReason, detail: error.message };
    throw error;
  }
  if (header.alg !== key.alg) {
    return { ok: false, reason: 'ALG_KEY_MISMATCH', detail: `alg ${header.alg} does not match a ${key.jwk.crv} key` };
  }
  const [protectedHeader, , encodedSignature] = jws.split('.');
  let signature: Uint8Array;
  try {
    signature = base64urlDecode(encodedSignature);
  } catch {
    return { ok: false, reason: 'MALFORMED', detail: 'signature is not canonical unpadded base64url' };
  }
  if (signature.length !== SIGNATURE_BYTES) {
    return { ok: false, reason: 'MALFORMED', detail: `signature must be ${SIGNATURE_BYTES} bytes, got ${signature.length}` };
  }
  const verified = ENGINES[options.engine ?? 'node'][key.alg](key, signingInput(protectedHeader, payload), signature);
  return verified ? { ok: true, header } : { ok: false, reason: 'BAD_SIGNATURE', detail: 'signature does not verify' };
}

type Verifier = (key: PreparedPublicKey, input: Uint8Array, signature: Uint8Array) => boolean;

/**
 * Policy, identical in both engines:
 * - EdDSA: RFC 8032 §5.1.7 with strict decoding (canonical R and A, S < L) and the cofactorless equation
 *   [S]B = R + [k]A, which is what OpenSSL checks. Keys are in the prime-order subgroup (validatePublicJwk), so
 *   that equals noble's cofactored check plus "R is in the prime-order subgroup".
 * - ES256: 64-byte r || s with r, s in [1, n-1]. High-S is accepted, as OpenSSL and HSMs produce it: malleability is
 *   harmless because an event is identified by its hash, not by its signature.
 */
const ENGINES: Record<VerifyEngine, Record<JwsAlg, Verifier>> = {
  noble: {
    EdDSA: (key, input, signature) =>
      ed25519.verify(signature, input, key.raw, { zip215: false }) &&
      // noble checks [8][S]B = [8]R + [8][k]A, which also passes when R has a small-order component; OpenSSL does not.
      ed25519.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree(),
    ES256: (key, input, signature) => {
      try {
        return p256.verify(signature, input, key.raw, { prehash: true, lowS: false, format: 'compact' });
      } catch {
        return false; // noble throws on r or s outside [1, n-1]
      }
    },
  },
  node: {
    EdDSA: (key, input, signature) => nodeVerify(null, input, key.nodeKey, signature),
    ES256: (key, input, signature) => nodeVerify('sha256', input, { key: key.nodeKey, dsaEncoding: 'ieee-p1363' }, signature),
  },
};

function signingInput(protectedHeader: string, payload: Uint8Array): Uint8Array {
  return Buffer.from(`${protectedHeader}.${base64urlEncode(payload)}`, 'ascii');
}

function malformed(message: string): never {
  throw new CryptoError('MALFORMED', message);
}
