import { EpcisValidationError } from '../errors';

/** Why a payload could not be read as EPCIS; callers branch on it, so it is part of the API. */
export type EpcisParseRule =
  | 'too-large'
  | 'too-deep'
  | 'too-many-events'
  | 'xml-doctype'
  | 'malformed-xml'
  | 'malformed-json'
  | 'malformed-encoding'
  | 'unsafe-key'
  | 'unsupported-media-type'
  | 'not-epcis'
  | 'not-a-document'
  | 'not-an-event'
  | 'invalid-structure'
  /** A failure nobody foresaw, turned into a parse error so it cannot escape untyped; tests prove it unreachable. */
  | 'unreadable';

/** The only exception the document parsers throw: an EpcisValidationError, so callers get `issues`. */
export class EpcisParseError extends EpcisValidationError {
  constructor(rule: EpcisParseRule, message: string, path = '') {
    super([{ path, rule, message }]);
    this.name = 'EpcisParseError';
  }

  get rule(): EpcisParseRule {
    return this.issues[0].rule as EpcisParseRule;
  }
}
