import { parseBarcode, ParsedElement } from 'gs1-barcode-parser-mod';
import { AiMap, checkAis, KEY_QUALIFIERS } from './ai';
import { Gs1Error } from './errors';

/** ASCII group separator: how DataMatrix and QR scanners transmit FNC1. */
export const GS = '\u001d';

// AI prefixes with a length predefined by GS1 (General Specifications figure 7.8.5-2): only
// these may run straight into the next element; every other element needs an FNC1 after it.
const PREDEFINED_LENGTH = new Set([
  ...['00', '01', '02', '03', '04', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20'],
  ...['31', '32', '33', '34', '35', '36', '41'],
]);
const isPredefinedLength = (ai: string): boolean => PREDEFINED_LENGTH.has(ai.slice(0, 2));

// Primary key first, then predefined-length AIs, then variable ones: the GS1-recommended
// order, which also needs the fewest separators.
const rank = (ai: string): number => (KEY_QUALIFIERS.has(ai) ? 0 : isPredefinedLength(ai) ? 1 : 2);
const ordered = (ais: AiMap): [string, string][] => Object.entries(ais).sort(([a], [b]) => rank(a) - rank(b));

function encode(ais: AiMap): string {
  return ordered(ais)
    .map(([ai, value], i, all) => ai + value + (i < all.length - 1 && !isPredefinedLength(ai) ? GS : ''))
    .join('');
}

/** Reads elements with gs1-barcode-parser-mod, turning its bare-string throws into Gs1Error. */
function readWithLibrary(body: string): ParsedElement[] {
  try {
    // We always supply the symbology identifier: the library sniffs one from the first three
    // characters after removing the first GS anywhere, so letting it guess makes data shape
    // decide what is stripped.
    return parseBarcode(`]d2${body}`).parsedCodeItems;
  } catch (e) {
    const message = String(e);
    const code = /truncated/.test(message) ? 'BAD_LENGTH' : /date/.test(message) ? 'BAD_DATE' : 'UNKNOWN_FORMAT';
    throw new Gs1Error(code, `not a GS1 element string: ${message}`);
  }
}

/**
 * Parses an element string without symbology identifier, in FNC1 form (GS separators, an
 * optional leading FNC1) or human-readable form `(01)...(21)...`, and validates every value.
 */
export function parseElementString(text: string): AiMap {
  // A leading FNC1 only flags GS1 data, and the library rejects it.
  const body = text.startsWith(GS) ? text.slice(1) : text;
  if (body === '') throw new Gs1Error('UNKNOWN_FORMAT', 'empty element string');
  const ais: AiMap = {};
  for (const { ai, raw } of readWithLibrary(body)) {
    if (Object.hasOwn(ais, ai) && ais[ai] !== raw) throw new Gs1Error('DUPLICATE_AI', `AI (${ai}) repeated with another value`, ai);
    ais[ai] = raw;
  }
  return checkAis(ais);
}

// AIs whose whole syntax checkAi already enforces: the keys by type and length, dates as YYMMDD, and
// the X..20 qualifiers by charset and length. Maps of these alone (every EPC and most scans) skip the
// parser's re-read, which dominated the CPU of turning EPC URIs into Digital Links.
const FULLY_CHECKED = new Set(['00', '01', '10', '17', '21', '22', '254', '414', '417']);

/**
 * Validates an AI map that did not come from a barcode (Digital Link, EPC URI, caller input):
 * value rules first, then, unless every AI is FULLY_CHECKED, an encode/re-read through the barcode
 * parser, so which other AIs exist and their fixed lengths come from the parser's table rather
 * than a second one of ours.
 */
export function validateAis(ais: AiMap): AiMap {
  const names = Object.keys(ais);
  if (names.length > 0 && names.every((ai) => FULLY_CHECKED.has(ai))) return checkAis(ais);
  const reread = parseElementString(encode(checkAis(ais)));
  const entries = Object.entries(ais);
  if (Object.keys(reread).length !== entries.length || entries.some(([ai, value]) => reread[ai] !== value)) {
    throw new Gs1Error('BAD_LENGTH', 'an AI value does not fit the length that AI defines');
  }
  return ais;
}

/** The FNC1 form carried in the symbol, without symbology identifier or leading FNC1. */
export const toElementString = (ais: AiMap): string => encode(validateAis(ais));

/**
 * The human-readable interpretation printed under the symbol: `(01)...(17)...(10)...`. For people:
 * a value that itself contains `(NN)` reads back as an extra AI.
 */
export const toHri = (ais: AiMap): string =>
  ordered(validateAis(ais))
    .map(([ai, value]) => `(${ai})${value}`)
    .join('');
