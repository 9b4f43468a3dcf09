import { Gs1Error } from './errors';

// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): the only
// characters allowed in serials, lots and other alphanumeric AI values.
const CS82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/** Returns `value` if it is 1..maxLength characters of character set 82, else throws. */
export function assertCs82(value: string, maxLength: number): string {
  if (value.length === 0 || value.length > maxLength) {
    throw new Gs1Error('BAD_LENGTH', `expected 1-${maxLength} characters, got ${value.length}`);
  }
  if (!CS82.test(value)) throw new Gs1Error('BAD_CHARSET', 'character outside GS1 AI encodable set 82');
  return value;
}

/** %HH-encodes every character matched by the global regexp `unsafe`. */
export function percentEncode(value: string, unsafe: RegExp): string {
  return value.replace(unsafe, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Decodes %HH triplets byte-wise. Character set 82 is ASCII, so a multi-byte UTF-8 sequence
 * decodes to characters the charset check rejects, and decodeURIComponent's URIError never arises.
 */
export function percentDecode(value: string): string {
  return value.replace(/%([0-9A-Fa-f]{2})?/g, (_, hex?: string) => {
    if (!hex) throw new Gs1Error('BAD_URI', "'%' not followed by two hex digits");
    return String.fromCharCode(parseInt(hex, 16));
  });
}
