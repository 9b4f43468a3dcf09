import { Limits, checkSize } from './limits';
import { EpcisParseError } from './parse-error';

export type Syntax = 'json' | 'xml';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The payload as text, its size checked before any decoding. Buffers must be UTF-8 (JSON must be, RFC 8259; XML in
 * another encoding fails the strict decode rather than being misread).
 */
export function decodeInput(input: string | Buffer, limits: Limits): string {
  if (typeof input === 'string') {
    checkSize(Buffer.byteLength(input, 'utf8'), limits);
    return input.replace(/^\uFEFF/, '');
  }
  if (!Buffer.isBuffer(input)) throw new EpcisParseError('not-epcis', 'input must be a string or a Buffer');
  checkSize(input.length, limits);
  try {
    return UTF8.decode(input); // drops a byte-order mark
  } catch {
    throw new EpcisParseError('malformed-encoding', 'payload is not valid UTF-8');
  }
}

/** JSON or XML, from the media type when there is one, else from the first non-blank character. */
export function detectSyntax(text: string, contentType: string | undefined): Syntax {
  if (contentType !== undefined) {
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
    if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml';
    throw new EpcisParseError('unsupported-media-type', `content type ${JSON.stringify(mediaType)} is not JSON or XML`);
  }
  const first = /\S/.exec(text)?.[0];
  if (first === '{') return 'json';
  if (first === '<') return 'xml';
  throw new EpcisParseError('not-epcis', 'payload is neither a JSON object nor an XML document');
}
