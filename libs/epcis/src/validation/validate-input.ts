import type { EpcisIssue } from '../errors';
import { validateJsonValue } from './json-schema';
import { EPCIS_INPUT_FORMATS, EPCIS_INPUT_KINDS, EpcisInputError, type EpcisInputFormat, type EpcisInputKind } from './types';
import { validateXmlText } from './xml-input';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The input as text. Bytes must be UTF-8 (a UTF-8 byte-order mark is dropped); anything else throws
 * EpcisInputError('encoding'), the one input problem that is not reported as an issue.
 */
export function decodeEpcisInput(raw: string | Uint8Array): string {
  if (typeof raw === 'string') return raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (!(raw instanceof Uint8Array)) throw new EpcisInputError('argument', 'input must be a string or a Buffer');
  try {
    return UTF8.decode(raw);
  } catch {
    throw new EpcisInputError('encoding', 'input is not valid UTF-8');
  }
}

/**
 * Schema layer of EPCIS capture validation: JSON against the EPCIS 2.0 capture JSON Schema
 * (schemas/epcis-capture.schema.json), XML against the official GS1 EPCIS 2.0 or 1.2 XSD.
 * `kind` 'document' expects an EPCISDocument; 'event' one bare event (for JSON with its own
 * @context). Returns [] when valid; every issue names the event (eventIndex, eventID when the event
 * has one), the field path inside it and the rule broken. Throws only EpcisInputError (bytes that
 * are not UTF-8, an unknown format/kind) and EpcisSchemaUnavailableError (XSDs not fetched).
 *
 * The semantic layer (GS1 keys, CBV terms, time zones) is checkEvents, run on the parsed events.
 */
export function validateEpcisInput(raw: string | Uint8Array, format: EpcisInputFormat, kind: EpcisInputKind): EpcisIssue[] {
  if (!EPCIS_INPUT_FORMATS.includes(format)) throw new EpcisInputError('argument', `unknown format ${String(format)}`);
  if (!EPCIS_INPUT_KINDS.includes(kind)) throw new EpcisInputError('argument', `unknown kind ${String(kind)}`);
  const text = decodeEpcisInput(raw);
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return [{ path: '/', rule: 'json-syntax', message: `not valid JSON: ${(e as Error).message}` }];
    }
    return validateJsonValue(value, kind);
  }
  return validateXmlText(text, format === 'xml-2.0' ? '2.0' : '1.2', kind);
}
