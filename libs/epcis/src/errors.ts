/** A rule an EPCIS document or event breaks; `path` is a JSON pointer-like field path inside the event. */
export interface EpcisIssue {
  eventIndex?: number;
  eventID?: string;
  path: string;
  rule: string;
  message: string;
}

export class EpcisValidationError extends Error {
  constructor(readonly issues: EpcisIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'EpcisValidationError';
  }
}
