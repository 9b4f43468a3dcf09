import { Gs1Error, Gs1ErrorCode } from './errors';

/** Mod-10 check digit of a GS1 key body (the digits before the check digit). */
export function gs1CheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Gs1Error('BAD_CHARSET', 'check digit body must be digits');
  let sum = 0;
  // Weights alternate 3,1,... starting from the rightmost body digit, so the result is
  // independent of zero-padding: a GTIN-8 and its 14-digit form share the check digit.
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidCheckDigit(key: string): boolean {
  return /^\d{2,}$/.test(key) && gs1CheckDigit(key.slice(0, -1)) === Number(key.at(-1));
}

/** Key types and their allowed lengths; GLN also covers SGLN locations and PGLN parties. */
const KEY_LENGTHS = { gtin: [8, 12, 13, 14], sscc: [18], gln: [13] } as const;
export type Gs1KeyType = keyof typeof KEY_LENGTHS;

function keyProblem(key: string, type: Gs1KeyType): Gs1ErrorCode | undefined {
  if (!/^\d+$/.test(key)) return 'BAD_CHARSET';
  if (!(KEY_LENGTHS[type] as readonly number[]).includes(key.length)) return 'BAD_LENGTH';
  return hasValidCheckDigit(key) ? undefined : 'CHECK_DIGIT';
}

/** Returns `key` unchanged, or throws the Gs1Error explaining why it is not a valid key of `type`. */
export function assertGs1Key(key: string, type: Gs1KeyType): string {
  const code = keyProblem(key, type);
  if (code) throw new Gs1Error(code, `invalid ${type.toUpperCase()} ${JSON.stringify(key)}`, type);
  return key;
}

export const isGtin = (s: string): boolean => !keyProblem(s, 'gtin');
export const isSscc = (s: string): boolean => !keyProblem(s, 'sscc');
export const isGln = (s: string): boolean => !keyProblem(s, 'gln');

/** GTIN-8/12/13/14 to the 14-digit form used in AI (01), EPCIS and Digital Link. */
export const normalizeGtin = (s: string): string => assertGs1Key(s, 'gtin').padStart(14, '0');
