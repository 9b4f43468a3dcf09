import { CheckpointError, type CheckpointErrorCode } from './errors';

// Signed notes forbid ASCII control characters other than newline; a lone UTF-16 surrogate has no UTF-8 encoding.
// With the u flag a well-formed surrogate pair is one code point outside [\uD800-\uDFFF], so only lone ones match.
const FORBIDDEN_IN_NOTE = /[\x00-\x09\x0B-\x1F]|[\uD800-\uDFFF]/u;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function isNoteSafe(text: string): boolean {
  return !FORBIDDEN_IN_NOTE.test(text);
}

/** UTF-8 of `text`, which must be note-safe (checked by the caller or here, with `code` on failure). */
export function noteBytes(text: string, code: CheckpointErrorCode): Uint8Array {
  if (!isNoteSafe(text)) throw new CheckpointError(code, 'text has a control character other than newline, or a lone surrogate');
  return encoder.encode(text);
}

/** Strict UTF-8 decoding; a BOM is kept, not stripped, so decoding then encoding gives back the same bytes. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** RFC 4648 §4 base64 with padding, as every signed-note implementation writes it. */
export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Canonical base64 only: Node's decoder skips unknown characters and ignores padding and trailing bits, so accept
 * only text that re-encodes to itself. Each byte string then has one accepted spelling and a signed value cannot be
 * re-spelled (x/mod/sumdb/note accepts non-zero trailing bits, which no conforming encoder writes).
 */
export function base64Decode(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function uint32be(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

export function uint32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}
