import { createHash } from 'node:crypto';
import { CryptoError } from './errors';
import { utf8Encode } from './utf8';

const HEX = /^(?:[0-9a-f]{2})*$/;

/** SHA-256 of bytes, or of a string's UTF-8 encoding (lone surrogates rejected, see utf8Encode). */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(typeof data === 'string' ? utf8Encode(data) : data)
      .digest(),
  );
}

export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(data));
}

/** Lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict: lowercase only, even length, so each byte string has one accepted spelling (as bytesToHex writes it). */
export function hexToBytes(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new CryptoError('HEX_INVALID', 'expected lowercase hex with an even number of digits');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
