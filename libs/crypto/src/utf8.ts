import { CryptoError } from './errors';

// With the u flag a well-formed surrogate pair is one code point outside this range, so only lone surrogates match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** UTF-8 bytes of `text`; a lone surrogate has no UTF-8 encoding and is rejected rather than replaced by U+FFFD. */
export function utf8Encode(text: string): Uint8Array {
  if (hasLoneSurrogate(text)) throw new CryptoError('UTF8_INVALID', 'string contains a lone UTF-16 surrogate');
  return new TextEncoder().encode(text);
}

/** Decodes UTF-8, rejecting invalid sequences; a leading BOM is kept as U+FEFF, not silently stripped. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new CryptoError('UTF8_INVALID', 'bytes are not valid UTF-8');
  }
}
