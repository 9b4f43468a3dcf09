import { AiMap } from './ai';
import { currentUtcYear, gs1DateToIso } from './date';
import { parseDigitalLink, toDigitalLink } from './digital-link';
import { parseElementString } from './element-string';
import { Gs1Error } from './errors';
import { ndcFromGtin } from './ndc';

export interface ScanResult {
  gtin: string;
  serial?: string;
  lot?: string;
  /** ISO YYYY-MM-DD. */
  expiry?: string;
  ndc: string | null;
  /** Canonical instance key: https://id.gs1.org/01/{gtin}/21/{serial}. */
  sgtin?: string;
  /** Canonical Digital Link for everything scanned. */
  digitalLink: string;
  ais: AiMap;
  /** ISO/IEC 15424 symbology identifier as sent by the scanner, e.g. ']d2'. */
  symbology?: string;
}

// ']' + symbology character + modifier: ]d2 GS1 DataMatrix, ]Q3 GS1 QR, ]C1 GS1-128, ...
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Reads a product barcode as a scanner delivers it: DataMatrix/QR/GS1-128 element strings
 * (FNC1 as GS, human-readable parentheses) or a GS1 Digital Link, with or without symbology
 * identifier. `currentYear` anchors the GS1 century window for the expiry date.
 */
export function parseScan(text: string, currentYear = currentUtcYear()): ScanResult {
  const trimmed = text.trim(); // keyboard-wedge scanners add CR/LF or tabs
  const symbology = SYMBOLOGY_ID.exec(trimmed)?.[0];
  const data = trimmed.slice(symbology?.length ?? 0);
  const ais = /^https?:\/\//i.test(data) ? parseDigitalLink(data).ais : parseElementString(data);
  const { '01': gtin, '21': serial, '10': lot, '17': expiry } = ais;
  if (gtin === undefined) throw new Gs1Error('MISSING_AI', 'no GTIN (AI 01) in the scan', '01');
  return {
    gtin,
    serial,
    lot,
    expiry: expiry === undefined ? undefined : gs1DateToIso(expiry, currentYear),
    ndc: ndcFromGtin(gtin),
    sgtin: serial === undefined ? undefined : toDigitalLink({ '01': gtin, '21': serial }),
    digitalLink: toDigitalLink(ais),
    ais,
    symbology,
  };
}
