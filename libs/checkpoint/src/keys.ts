/**
 * Named Ed25519 keys in the signed-note encodings (c2sp.org/signed-note, golang.org/x/mod/sumdb/note):
 *
 *   key ID = SHA-256(name || 0x0A || type || 32-byte public key)[:4], big-endian
 *   vkey   = <name>+<hex(key ID)>+<base64(type || public key)>
 *   skey   = PRIVATE+KEY+<name>+<hex(key ID)>+<base64(type || 32-byte seed)>
 *
 * The type byte is 0x01 for note signatures and 0x04 for tlog-cosignature/v1 witness cosignatures, so one key pair
 * has a different key ID (and vkey) in each role.
 */
import { base64urlEncode, sha256, validatePublicJwk } from '@app/crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { base64Decode, base64Encode, concatBytes, uint32be, utf8 } from './encoding';
import { CheckpointError } from './errors';

export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
export type KeyType = typeof ED25519 | typeof COSIGNATURE_V1;

export interface VerifierKey {
  readonly type: KeyType;
  readonly name: string;
  /** uint32 */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** The 32-byte RFC 8032 private key. */
  readonly seed: Uint8Array;
}

// Go's unicode.IsSpace is exactly the White_Space property. Control characters and lone surrogates could never
// appear in a note, so a name holding one is refused here rather than producing notes nobody can open.
const INVALID_NAME = /[\p{White_Space}+\x00-\x1F]|[\uD800-\uDFFF]/u;
const HEX_KEY_ID = /^[0-9a-f]{8}$/;
const KEY_SIZE = 32;

/** Non-empty, with no Unicode space, plus sign or character a note may not contain. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !INVALID_NAME.test(name);
}

export function keyId(name: string, type: KeyType, publicKey: Uint8Array): number {
  return uint32be(sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(type), publicKey)));
}

export function signerKey(type: number, name: string, seed: Uint8Array): SignerKey {
  checkType(type);
  checkName(name);
  if (seed.length !== KEY_SIZE) invalid(`an Ed25519 private key is ${KEY_SIZE} bytes, got ${seed.length}`);
  const publicKey = ed25519.getPublicKey(seed);
  return { type, name, keyId: keyId(name, type, publicKey), publicKey, seed: Uint8Array.from(seed) };
}

export function generateSignerKey(type: KeyType, name: string): SignerKey {
  return signerKey(type, name, ed25519.utils.randomSecretKey());
}

export function verifierKey(type: number, name: string, publicKey: Uint8Array): VerifierKey {
  checkType(type);
  checkName(name);
  checkPublicKey(publicKey);
  return { type, name, keyId: keyId(name, type, publicKey), publicKey: Uint8Array.from(publicKey) };
}

export function formatVkey(key: VerifierKey): string {
  return `${key.name}+${hex32(key.keyId)}+${base64Encode(concatBytes(Uint8Array.of(key.type), key.publicKey))}`;
}

export function formatSkey(key: SignerKey): string {
  return `PRIVATE+KEY+${key.name}+${hex32(key.keyId)}+${base64Encode(concatBytes(Uint8Array.of(key.type), key.seed))}`;
}

/** Parses a vkey, checking its key ID against the name and key it carries. Throws CheckpointError INVALID_KEY. */
export function parseVkey(vkey: string): VerifierKey {
  const [name, id, typedKey] = splitKey(vkey);
  const key = verifierKey(typedKey[0], name, typedKey.subarray(1));
  return checkKeyId(key, id);
}

/** Parses an skey, checking its key ID against the public key derived from it. Throws CheckpointError INVALID_KEY. */
export function parseSkey(skey: string): SignerKey {
  if (!skey.startsWith('PRIVATE+KEY+')) invalid('an skey starts with PRIVATE+KEY+');
  const [name, id, typedSeed] = splitKey(skey.slice('PRIVATE+KEY+'.length));
  return checkKeyId(signerKey(typedSeed[0], name, typedSeed.subarray(1)), id);
}

/**
 * RFC 8032 verification with strict decoding (canonical A and R, S < L, which noble checks with zip215: false) and
 * the cofactorless equation [S]B = R + [k]A that Go's crypto/ed25519 and OpenSSL check. noble checks the cofactored
 * equation, which also holds when R has a small-order component; public keys are in the prime-order subgroup
 * (checkPublicKey), so adding "R is torsion-free" makes the two equal. Same policy as libs/crypto's EdDSA.
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    ed25519.verify(signature, message, publicKey, { zip215: false }) &&
    ed25519.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree()
  );
}

export function signEd25519(key: SignerKey, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, key.seed);
}

// Go cuts at the first two plus signs: names have none, base64 may.
function splitKey(text: string): [name: string, keyId: string, typedKey: Uint8Array] {
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text);
  const typedKey = match && base64Decode(match[3]);
  if (!match || !HEX_KEY_ID.test(match[2]) || !typedKey || typedKey.length !== 1 + KEY_SIZE) {
    return invalid('expected <name>+<8 lowercase hex digits>+<base64 of a type byte and a 32-byte key>');
  }
  return [match[1], match[2], typedKey];
}

function checkKeyId<K extends VerifierKey>(key: K, id: string): K {
  if (hex32(key.keyId) !== id) invalid(`key ID ${id} does not match the name and key (want ${hex32(key.keyId)})`);
  return key;
}

function checkType(type: number): asserts type is KeyType {
  if (type !== ED25519 && type !== COSIGNATURE_V1) invalid(`unsupported signature type 0x${type.toString(16)}`);
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) invalid(`invalid key name ${JSON.stringify(name)}`);
}

// Canonical encoding of a point in the prime-order subgroup, not of small order: libs/crypto's key policy.
function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== KEY_SIZE) invalid(`an Ed25519 public key is ${KEY_SIZE} bytes, got ${publicKey.length}`);
  try {
    validatePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(publicKey) });
  } catch {
    invalid('not a canonical Ed25519 public key in the prime-order subgroup');
  }
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function invalid(message: string): never {
  throw new CheckpointError('INVALID_KEY', message);
}
