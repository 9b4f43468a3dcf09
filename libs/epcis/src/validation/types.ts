export type { EpcisIssue } from '../errors';
export type { JsonObject } from '../signature';

/** Wire formats of EPCIS capture input. */
export type EpcisInputFormat = 'json' | 'xml-2.0' | 'xml-1.2';
/** A whole capture document (EPCISDocument), or one bare event (POST /events, validating one event). */
export type EpcisInputKind = 'document' | 'event';

export const EPCIS_INPUT_FORMATS: readonly EpcisInputFormat[] = ['json', 'xml-2.0', 'xml-1.2'];
export const EPCIS_INPUT_KINDS: readonly EpcisInputKind[] = ['document', 'event'];

/**
 * Input that cannot be validated at all (bytes that are not UTF-8, an unknown format or kind).
 * Every problem *inside* a readable input is returned as an EpcisIssue instead.
 */
export class EpcisInputError extends Error {
  override readonly name = 'EpcisInputError';

  constructor(
    readonly code: 'encoding' | 'argument',
    message: string,
  ) {
    super(message);
  }
}

/** The official XSDs are not where the validator looks (run scripts/fetch-schemas.sh), or libxml2 failed to load. */
export class EpcisSchemaUnavailableError extends Error {
  override readonly name = 'EpcisSchemaUnavailableError';
}
