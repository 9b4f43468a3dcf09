/** Stable, machine-readable reasons; callers branch on `code`, never on message text. */
export type Gs1ErrorCode =
  | 'CHECK_DIGIT'
  | 'BAD_LENGTH'
  | 'BAD_DATE'
  | 'BAD_CHARSET'
  | 'UNKNOWN_FORMAT'
  | 'MISSING_AI'
  | 'DUPLICATE_AI'
  | 'BAD_URI';

/** The only error type this library throws, so callers can map all GS1 input problems to one 4xx. */
export class Gs1Error extends Error {
  override readonly name = 'Gs1Error';

  constructor(
    readonly code: Gs1ErrorCode,
    message: string,
    /** The AI or key type at fault, when one is known. */
    readonly field?: string,
  ) {
    super(message);
  }
}
