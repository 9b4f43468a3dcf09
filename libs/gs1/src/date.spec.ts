import fc from 'fast-check';
import { gs1DateToIso, resolveCentury } from './date';

describe('resolveCentury (GS1 General Specifications 7.12)', () => {
  it.each([
    [25, 2025, 2025],
    [75, 2025, 2075], // 50 years ahead stays in this century
    [76, 2025, 1976], // 51 ahead falls back a century
    [1, 2051, 2101], // 50 behind moves forward
    [2, 2051, 2002], // 49 behind stays
    [99, 2000, 1999],
    [49, 2099, 2149],
  ])('YY %i in %i -> %i', (yy, now, year) => expect(resolveCentury(yy, now)).toBe(year));
});

describe('gs1DateToIso', () => {
  it('converts YYMMDD', () => expect(gs1DateToIso('270315', 2025)).toBe('2027-03-15'));

  it('reads day 00 as the last day of the month', () => {
    expect(gs1DateToIso('261200', 2025)).toBe('2026-12-31');
    expect(gs1DateToIso('260400', 2025)).toBe('2026-04-30');
    expect(gs1DateToIso('280200', 2025)).toBe('2028-02-29');
    expect(gs1DateToIso('270200', 2025)).toBe('2027-02-28');
  });

  it('applies the Gregorian leap rule to the resolved century', () => {
    expect(gs1DateToIso('000229', 2025)).toBe('2000-02-29');
    expect(() => gs1DateToIso('000229', 2060)).toThrow(expect.objectContaining({ code: 'BAD_DATE' })); // 2100
  });

  it.each(['251301', '250001', '250230', '250431', '2501', '25010a', '', '2501011', '２５０１０１'])('rejects %j', (s) => {
    expect(() => gs1DateToIso(s, 2025)).toThrow(expect.objectContaining({ code: 'BAD_DATE' }));
  });

  it('defaults to the current UTC year', () => {
    const yy = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
    expect(gs1DateToIso(`${yy}0101`)).toBe(`${new Date().getUTCFullYear()}-01-01`);
  });

  it('agrees with a UTC Date reference for every YYMMDD', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.nat(99), fc.nat(13), fc.nat(32), fc.integer({ min: 1900, max: 2200 }), (yy, month, day, now) => {
        const year = resolveCentury(yy, now);
        // Date.UTC(y, m, 0) is the last day of month m; a day past the end rolls into the next month.
        const reference = new Date(Date.UTC(year, month - 1, day || 1));
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const valid = month >= 1 && month <= 12 && reference.getUTCMonth() === month - 1;
        const text = `${pad(yy)}${pad(month)}${pad(day)}`;
        if (valid) expect(gs1DateToIso(text, now)).toBe(`${year}-${pad(month)}-${pad(day || last)}`);
        else expect(() => gs1DateToIso(text, now)).toThrow(expect.objectContaining({ code: 'BAD_DATE' }));
      }),
      { numRuns: 500 },
    );
  });
});
