import { createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { base64urlDecode, base64urlEncode } from './base64url';
import { sha256 } from './digest';
import { CryptoError } from './errors';
import { canonicalize } from './jcs';

export type JwsAlg = 'EdDSA' | 'ES256';

// Type aliases, not interfaces, so the JWKs stay assignable to the Record<string, ...> types JSON is stored in.
/** RFC 8037 §2. */
export type Ed25519PublicJwk = { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
/** RFC 7518 §6.2.1. */
export type P256PublicJwk = { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string };
export type PublicJwk = Ed25519PublicJwk | P256PublicJwk;
export type Ed25519PrivateJwk = Ed25519PublicJwk & { readonly d: string };
export type P256PrivateJwk = P256PublicJwk & { readonly d: string };
export type PrivateJwk = Ed25519PrivateJwk | P256PrivateJwk;
/** A JWK as stored or received. Every function taking one validates it at run time, so no cast to PublicJwk is needed. */
export type JwkInput = Readonly<Record<string, unknown>>;

export interface KeyPair {
  publicJwk: PublicJwk;
  privateJwk: PrivateJwk;
}

/** A validated public key in the forms both verification engines take. Internal: not exported from the index. */
export interface PreparedPublicKey {
  readonly alg: JwsAlg;
  readonly jwk: PublicJwk;
  /** Ed25519: the 32-byte encoding; P-256: the 65-byte uncompressed SEC 1 point. */
  readonly raw: Uint8Array;
  readonly nodeKey: KeyObject;
}

/** Internal: not exported from the index. */
export interface SigningKey {
  readonly alg: JwsAlg;
  /** Ed25519: the 32-byte seed; P-256: the 32-byte scalar. */
  readonly secret: Uint8Array;
}

export function generateKeyPair(alg: JwsAlg): KeyPair {
  const secret = alg === 'EdDSA' ? ed25519.utils.randomSecretKey() : p256.utils.randomSecretKey();
  const publicJwk = publicJwkForSecret(alg, secret);
  return { publicJwk, privateJwk: { ...publicJwk, d: base64urlEncode(secret) } };
}

/** The public half of a private JWK, after checking `d` matches it (CryptoError INVALID_KEY otherwise). */
export function publicJwkFromPrivate(privateJwk: JwkInput): PublicJwk {
  const { d: _d, ...publicJwk } = parsePrivateJwk(privateJwk).jwk;
  return publicJwk as PublicJwk;
}

/**
 * The algorithm of `jwk` if it is a usable verification key, else throws CryptoError INVALID_KEY:
 * exactly the members RFC 7638 requires (no kid/use/alg/d), base64url coordinates of exactly 32 bytes, and
 * - Ed25519: a canonical RFC 8032 encoding (y < p, no x = 0 with the sign bit set) of a point in the prime-order
 *   subgroup that is not the identity. OpenSSL checks none of this: with a small-order key it accepts a forged
 *   signature on any message (see jws.differential.spec.ts), so it is not optional.
 * - P-256: x, y < p, on the curve (the point at infinity has no x/y form).
 */
export function validatePublicJwk(jwk: unknown): JwsAlg {
  return preparePublicKey(jwk).alg;
}

/** RFC 7638 SHA-256 thumbprint, base64url: a stable name for a key (e.g. as the label part of a kid). */
export function jwkThumbprint(publicJwk: JwkInput): string {
  // A validated key has exactly the required members and ASCII values, so JCS is exactly RFC 7638's form.
  return base64urlEncode(sha256(canonicalize(preparePublicKey(publicJwk).jwk)));
}

// Point validation and KeyObject import cost more than a verification, and partners have few keys:
// remember validated keys by their (exact, complete) member values.
const PREPARED_CACHE_SIZE = 1024;
const prepared = new Map<string, PreparedPublicKey>();

export function preparePublicKey(jwk: unknown): PreparedPublicKey {
  const { alg, x, y } = parseShape(jwk, false);
  const id = `${alg}:${x}:${y ?? ''}`;
  let key = prepared.get(id);
  if (key === undefined) {
    key = prepareValidated(alg, x, y);
    if (prepared.size >= PREPARED_CACHE_SIZE) prepared.delete(prepared.keys().next().value as string);
    prepared.set(id, key);
  }
  return key;
}

export function parsePrivateJwk(jwk: unknown): SigningKey & { jwk: PrivateJwk } {
  const { alg, x, y, d } = parseShape(jwk, true);
  const secret = decodeCoordinate(d as string, 'd');
  if (alg === 'ES256' && !p256.utils.isValidSecretKey(secret)) invalid('d is not a P-256 scalar in [1, n-1]');
  const expected = publicJwkForSecret(alg, secret);
  if (expected.x !== x || (expected.kty === 'EC' && expected.y !== y)) invalid('d does not match the public members');
  return { alg, secret, jwk: Object.freeze({ ...expected, d: d as string }) };
}

function prepareValidated(alg: JwsAlg, x: string, y: string | undefined): PreparedPublicKey {
  let raw: Uint8Array;
  let jwk: PublicJwk;
  if (alg === 'EdDSA') {
    raw = decodeCoordinate(x, 'x');
    let point;
    try {
      point = ed25519.Point.fromBytes(raw, false); // zip215 = false: RFC 8032 canonical decoding
    } catch {
      return invalid('x is not a canonical Ed25519 point encoding');
    }
    if (point.isSmallOrder() || !point.isTorsionFree()) invalid('x is not in the prime-order subgroup or is of small order');
    jwk = { kty: 'OKP', crv: 'Ed25519', x };
  } else {
    raw = new Uint8Array(65);
    raw[0] = 0x04;
    raw.set(decodeCoordinate(x, 'x'), 1);
    raw.set(decodeCoordinate(y as string, 'y'), 33);
    try {
      p256.Point.fromBytes(raw); // checks x, y < p and the curve equation
    } catch {
      return invalid('x, y is not a P-256 point');
    }
    jwk = { kty: 'EC', crv: 'P-256', x, y: y as string };
  }
  Object.freeze(jwk);
  return Object.freeze({ alg, jwk, raw, nodeKey: createPublicKey({ key: jwk, format: 'jwk' }) });
}

function publicJwkForSecret(alg: JwsAlg, secret: Uint8Array): PublicJwk {
  if (alg === 'EdDSA') return { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(ed25519.getPublicKey(secret)) };
  const point = p256.getPublicKey(secret, false);
  return { kty: 'EC', crv: 'P-256', x: base64urlEncode(point.subarray(1, 33)), y: base64urlEncode(point.subarray(33)) };
}

const MEMBERS = { OKP: ['crv', 'kty', 'x'], EC: ['crv', 'kty', 'x', 'y'] } as const;

/** Exact member set, supported kty/crv, string members. Cheap; runs on every call, before the cache. */
function parseShape(jwk: unknown, withD: boolean): { alg: JwsAlg; x: string; y?: string; d?: string } {
  if (typeof jwk !== 'object' || jwk === null) return invalid('JWK must be an object');
  const { kty, crv, x, y, d } = jwk as Record<string, unknown>;
  const alg =
    kty === 'OKP' && crv === 'Ed25519' ? 'EdDSA'
    : kty === 'EC' && crv === 'P-256' ? 'ES256'
    : invalid('unsupported kty/crv; expected OKP/Ed25519 or EC/P-256');
  const expected: string[] = [...MEMBERS[kty as keyof typeof MEMBERS], ...(withD ? ['d'] : [])].sort();
  const actual = Object.keys(jwk).sort();
  if (actual.join() !== expected.join()) invalid(`members must be exactly ${expected.join(', ')}; got ${actual.join(', ')}`);
  for (const [name, value] of Object.entries({ x, y, d })) {
    if (expected.includes(name) && typeof value !== 'string') invalid(`${name} must be a string`);
  }
  return { alg, x: x as string, y: y as string | undefined, d: d as string | undefined };
}

function decodeCoordinate(value: string, name: string): Uint8Array {
  try {
    const bytes = base64urlDecode(value);
    if (bytes.length === 32) return bytes;
  } catch {
    // not base64url: reported like a wrong length
  }
  return invalid(`${name} must be 32 bytes of canonical unpadded base64url`);
}

function invalid(message: string): never {
  throw new CryptoError('INVALID_KEY', message);
}
