import { CryptoError } from './errors';

export function base64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Strict RFC 4648 §5 decoding: no padding, no characters outside the URL-safe alphabet (not even whitespace),
 * zero trailing bits. Node's decoder is lenient about all three, so accept only text that re-encodes to itself:
 * every byte string then has exactly one accepted encoding, and signed values cannot be re-spelled.
 */
export function base64urlDecode(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new CryptoError('BASE64URL_INVALID', 'not canonical unpadded base64url');
  }
  return new Uint8Array(bytes);
}
