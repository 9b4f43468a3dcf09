import type { JsonObject } from '../signature';

/** Where a document came from; the events are EPCIS 2.0 JSON-LD whatever the format. */
export type EpcisFormat = 'json' | 'xml-2.0' | 'xml-1.2';

export interface ParseOptions {
  /** HTTP Content-Type; without it the format is sniffed from the first character. */
  contentType?: string;
  /** Default 10 MiB, checked before anything is parsed. */
  maxBytes?: number;
  /** Default 100 000. */
  maxEvents?: number;
  /** Element or JSON nesting depth; default 64, at most 1000. */
  maxDepth?: number;
}

/** The Standard Business Document Header fields partners fill in (XML SBDH; JSON `sender`, `receiver`, …). */
export interface SbdhSummary {
  headerVersion?: string;
  sender?: string;
  receiver?: string;
  standard?: string;
  typeVersion?: string;
  instanceIdentifier?: string;
  type?: string;
  creationDateAndTime?: string;
}

export interface EpcisHeaderModel {
  sbdh?: SbdhSummary;
  /** The GS1 US DSCSA transaction statement (`gs1ushc:dscsaTransactionStatement`); also in `extensions`. */
  dscsaTransactionStatement?: unknown;
  /** Header members besides the SBDH and the master data, named `prefix:localName` as in the context. */
  extensions?: JsonObject;
}

/** A vocabulary element's attributes: attribute id (URN or CURIE, as sent) → value (text, or object if nested). */
export type VocabularyAttributes = Record<string, unknown>;

export interface MasterData {
  /** EPCClass vocabulary (products), by class id, e.g. `urn:epc:idpat:sgtin:030001.0012345.*`. */
  epcClass: Record<string, VocabularyAttributes>;
  /** ReadPoint, BusinessLocation and Location vocabularies, by location id (SGLN). */
  location: Record<string, VocabularyAttributes>;
  /** Any other vocabulary type → element id → attributes. */
  other?: Record<string, Record<string, VocabularyAttributes>>;
}

export interface EpcisDocumentModel {
  format: EpcisFormat;
  schemaVersion: string;
  creationDate?: string;
  /**
   * JSON-LD `@context` to hash and expand the events with: the document's own for JSON; for XML, the EPCIS context
   * URL and one `{ prefix: namespace }` object per non-EPCIS namespace the document declares.
   */
  context: unknown[];
  header?: EpcisHeaderModel;
  masterData: MasterData;
  /** EPCIS 2.0 JSON-LD events, in document order. */
  events: JsonObject[];
  /** Document-level extension members, e.g. a vendor's `repository-x:ignoreFields`. */
  extensions?: JsonObject;
}

/** A single bare event (REST `POST /events`): the event and the context it is read with. */
export interface EpcisEventModel {
  format: EpcisFormat;
  context: unknown[];
  event: JsonObject;
}
