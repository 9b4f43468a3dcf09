import fc from 'fast-check';
import { bitLength, isPowerOfTwo, isUint53, onesCount, shr, trailingZeros, xor } from './bits';

// Reference implementations on bigint.
const big = (x: number): bigint => BigInt(x);
const refLen = (x: number): number => big(x).toString(2).replace(/^0+/, '').length;
const safe = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 0, max: 52 }).map((n) => 2 ** n),
  fc.integer({ min: 1, max: 53 }).map((n) => 2 ** n - 1),
);

describe('bits (exact above 2^32)', () => {
  it('bitLength', () => {
    expect(bitLength(0)).toBe(0);
    expect(bitLength(1)).toBe(1);
    expect(bitLength(2 ** 32)).toBe(33);
    expect(bitLength(Number.MAX_SAFE_INTEGER)).toBe(53);
    fc.assert(fc.property(safe, (x) => bitLength(x) === refLen(x)));
  });

  it('trailingZeros', () => {
    expect(trailingZeros(2 ** 31)).toBe(31);
    expect(trailingZeros(2 ** 40)).toBe(40);
    fc.assert(
      fc.property(safe.filter((x) => x > 0), (x) => {
        const s = big(x).toString(2);
        return trailingZeros(x) === s.length - 1 - s.lastIndexOf('1');
      }),
    );
  });

  it('onesCount, xor, shr', () => {
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 0, max: 53 }), (a, b, n) => {
        expect(onesCount(a)).toBe(big(a).toString(2).split('').filter((c) => c === '1').length);
        expect(xor(a, b)).toBe(Number(big(a) ^ big(b)));
        expect(shr(a, n)).toBe(Number(big(a) >> BigInt(n)));
      }),
    );
  });

  it('isPowerOfTwo and isUint53', () => {
    expect([0, 1, 2, 3, 4, 6, 2 ** 52, 2 ** 52 + 1].map(isPowerOfTwo)).toEqual([
      false, true, true, false, true, false, true, false,
    ]);
    expect([0, 5, -1, 1.5, 2 ** 53, NaN, '1'].map(isUint53)).toEqual([true, true, false, false, false, false, false]);
  });
});
