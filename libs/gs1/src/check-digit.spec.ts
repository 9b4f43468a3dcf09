import fc from 'fast-check';
import { assertGs1Key, gs1CheckDigit, hasValidCheckDigit, isGln, isGtin, isSscc, normalizeGtin } from './check-digit';
import { Gs1Error } from './errors';

describe('gs1CheckDigit', () => {
  it.each([
    ['0061414112345', 2], // GTIN 00614141123452 (GS1 General Specifications example)
    ['1061414112345', 9], // GTIN 10614141123459, same item one packaging level up
    ['061414100000', 5], // GLN 0614141000005
    ['10614141234567890', 8], // SSCC 106141412345678908 (EPC TDS example)
    ['9638507', 4], // GTIN-8 96385074
  ])('%s -> %d', (body, digit) => expect(gs1CheckDigit(body)).toBe(digit));

  it('rejects non-digits with a Gs1Error', () => {
    expect(() => gs1CheckDigit('12a')).toThrow(expect.objectContaining({ code: 'BAD_CHARSET' }));
    expect(() => gs1CheckDigit('')).toThrow(Gs1Error);
  });

  it('is unchanged by leading zeros, so GTIN-8/12/13 keep their digit when padded to 14', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{1,17}$/), (body) => gs1CheckDigit(body) === gs1CheckDigit(`0000${body}`)), {
      numRuns: 200,
    });
  });

  it('detects every single-digit substitution', () => {
    const keys = fc.stringMatching(/^\d{13}$/).map((body) => body + gs1CheckDigit(body));
    fc.assert(
      fc.property(keys, fc.nat(13), fc.integer({ min: 1, max: 9 }), (key, at, delta) => {
        const changed = key.slice(0, at) + ((Number(key[at]) + delta) % 10) + key.slice(at + 1);
        return hasValidCheckDigit(key) && !hasValidCheckDigit(changed);
      }),
      { numRuns: 300 },
    );
  });
});

describe('key validators', () => {
  it('accepts GTIN-8/12/13/14 with a correct check digit only', () => {
    expect(['96385074', '614141123452', '0614141123452', '00614141123452', '10614141123459'].every(isGtin)).toBe(true);
    expect(['00614141123453', '00614141123', '006141411234520', '0061414112345x', ''].some(isGtin)).toBe(false);
  });

  it('validates SSCC (18 digits) and GLN (13 digits)', () => {
    expect(isSscc('106141412345678908')).toBe(true);
    expect(isSscc('106141412345678907')).toBe(false);
    expect(isSscc('10614141234567890')).toBe(false);
    expect(isGln('0614141000005')).toBe(true);
    expect(isGln('0614141000006')).toBe(false);
    expect(isGln('00614141123452')).toBe(false);
  });

  it('normalizes to 14 digits and explains failures by code', () => {
    expect(normalizeGtin('96385074')).toBe('00000096385074');
    expect(normalizeGtin('0614141123452')).toBe('00614141123452');
    expect(() => normalizeGtin('00614141123453')).toThrow(expect.objectContaining({ code: 'CHECK_DIGIT', field: 'gtin' }));
    expect(() => normalizeGtin('123456789')).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(() => normalizeGtin('0061414112345O')).toThrow(expect.objectContaining({ code: 'BAD_CHARSET' }));
    expect(assertGs1Key('0614141000005', 'gln')).toBe('0614141000005');
  });
});
