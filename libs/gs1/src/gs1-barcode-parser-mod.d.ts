// The package ships no typings; this declares only what element-string.ts reads.
declare module 'gs1-barcode-parser-mod' {
  export interface ParsedElement {
    ai: string;
    /** The element's characters exactly as they appeared in the barcode. */
    raw: string;
  }
  /** Throws a bare string (not an Error) on malformed input. */
  export function parseBarcode(barcode: string): { codeName: string; parsedCodeItems: ParsedElement[] };
}
