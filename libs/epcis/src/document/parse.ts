import { decodeInput, detectSyntax } from './detect';
import { jsonDocument, jsonEvent } from './json';
import { limitsOf } from './limits';
import type { EpcisDocumentModel, EpcisEventModel, ParseOptions } from './model';
import { EpcisParseError } from './parse-error';
import { readXml } from './xml';
import { xmlDocument, xmlEvent } from './xml-to-jsonld';

/**
 * Reads an EPCIS document as trading partners send it (EPCIS 2.0 JSON / JSON-LD, EPCIS 2.0 XML, EPCIS 1.2 XML,
 * documents or query results) into one model whose events are EPCIS 2.0 JSON-LD. Throws only EpcisParseError.
 */
export function parseEpcisDocument(input: string | Buffer, options: ParseOptions = {}): EpcisDocumentModel {
  return guarded(() => {
    const limits = limitsOf(options);
    const text = decodeInput(input, limits);
    return detectSyntax(text, options.contentType) === 'json'
      ? jsonDocument(text, limits)
      : xmlDocument(readXml(text, limits), limits);
  });
}

/** Reads a single bare event: a JSON event with its own `@context`, or an XML document whose root is the event. */
export function parseEpcisEvent(input: string | Buffer, options: ParseOptions = {}): EpcisEventModel {
  return guarded(() => {
    const limits = limitsOf(options);
    const text = decodeInput(input, limits);
    return detectSyntax(text, options.contentType) === 'json'
      ? jsonEvent(text, limits)
      : xmlEvent(readXml(text, limits));
  });
}

/**
 * Callers rely on one exception type for any payload. Every known failure is already an EpcisParseError; anything
 * else (a stack overflow on input nobody foresaw) is reported as unreadable input rather than escaping untyped.
 */
function guarded<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof EpcisParseError) throw error;
    throw new EpcisParseError('unreadable', `payload could not be read: ${(error as Error)?.message ?? String(error)}`);
  }
}
