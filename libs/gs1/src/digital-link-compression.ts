import { AiMap } from './ai';
import { DigitalLink, parseDigitalLink, toDigitalLink } from './digital-link';
import { compressAis } from './digital-link-compression-codec';
import { Gs1Error } from './errors';

/**
 * Compressed GS1 Digital Link URI (GS1 Digital Link: Compression): the domain, then every AI in
 * one base-64 path segment, e.g. https://id.gs1.org/AQnYUc1gmg for (01)05412345000013.
 */
export function compressDigitalLink(ais: AiMap, domain = 'https://id.gs1.org'): string {
  toDigitalLink(ais, domain); // the uncompressed form's checks: the domain, one primary key, every value
  const uri = `${domain.replace(/\/+$/, '')}/${compressAis(ais)}`;
  try {
    decompressDigitalLink(uri);
  } catch {
    // The values are valid, so only the domain can be at fault: its path ends like AI/value pairs.
    throw new Gs1Error('BAD_URI', `after ${JSON.stringify(domain)} a compressed path would read as AI/value pairs`);
  }
  return uri;
}

/** Reads a compressed GS1 Digital Link URI; parseDigitalLink reads either form. */
export function decompressDigitalLink(uri: string): DigitalLink {
  const link = parseDigitalLink(uri);
  // The domain holds everything before the AI data: one path segment is left only when compressed.
  if (/^\/[^/?#]*\//.test(uri.slice(link.domain.length))) throw new Gs1Error('BAD_URI', 'not a compressed Digital Link');
  return link;
}
