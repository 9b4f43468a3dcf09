import { gs1CheckDigit, ssccUri, toElementString } from '@app/gs1';
import { noise } from './random';

/** Every simulated partner and labeler owns a 7-digit GS1 company prefix. */
export const PREFIX_LENGTH = 7;

export const withCheckDigit = (body: string): string => body + gs1CheckDigit(body);

/** GLN of a partner's head office: company prefix, location reference 00000, check digit. */
export const glnOf = (companyPrefix: string): string => withCheckDigit(companyPrefix.padEnd(12, '0'));

/**
 * `urn:epc:id:sgtin:<prefix>.<indicator><item ref>.` for a GTIN-14, to which serials are appended: built once per
 * product, since the gs1 helpers validate every value and millions of EPCs would pay for it.
 */
export function sgtinUriBase(gtin: string): string {
  return `urn:epc:id:sgtin:${gtin.slice(1, 1 + PREFIX_LENGTH)}.${gtin[0]}${gtin.slice(1 + PREFIX_LENGTH, 13)}.`;
}

/** SSCC of a case or pallet: extension digit 0, the packer's prefix, a 9-digit serial reference, check digit. */
export function containerUri(companyPrefix: string, serialReference: number): string {
  return ssccUri(withCheckDigit(`0${companyPrefix}${String(serialReference).padStart(9, '0')}`), PREFIX_LENGTH);
}

const HALF = 1_000_000;

/**
 * A 12-digit serial that looks random (DSCSA expects randomized serials) yet never repeats within a GTIN: a
 * four-round Feistel permutation of the unit's ordinal over [0, 10^12), keyed per product. Ordinals past the
 * commissioned ones give serials nobody commissioned.
 */
export function serialOf(key: number, ordinal: number): string {
  let [l, r] = [Math.floor(ordinal / HALF), ordinal % HALF];
  for (let round = 0; round < 4; round++) [l, r] = [r, (l + Math.floor(noise(key, round, r) * HALF)) % HALF];
  return String(l * HALF + r).padStart(12, '0');
}

/** GS1 DataMatrix content as a scanner transmits it: symbology identifier ]d2, FNC1 as GS (U+001D). */
export function scanCode(p: { gtin: string; serial: string; lot: string; expiry: string }): string {
  return `]d2${toElementString({ '01': p.gtin, '21': p.serial, '10': p.lot, '17': p.expiry.slice(2).replace(/-/g, '') })}`;
}

/** An instant in a partner's local time, as EPCIS writes eventTime with eventTimeZoneOffset. */
export function localTime(ms: number, offset: string): string {
  const minutes = (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
  return new Date(ms + minutes * 60_000).toISOString().replace('Z', offset);
}
