/**
 * Bit helpers for tree sizes and node indices.
 *
 * JavaScript bitwise operators work on 32 bits, but a ledger can outgrow 2^32
 * leaves. These helpers are exact for every safe integer (0 <= x <= 2^53 - 1)
 * by splitting the value into two 32-bit halves.
 */

const TWO_32 = 2 ** 32;

/** True if `x` is an integer in [0, 2^53 - 1]. */
export function isUint53(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Number of bits needed to represent `x` (Go's bits.Len64); 0 for 0. */
export function bitLength(x: number): number {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}

/** Number of trailing zero bits of `x`; requires x > 0. */
export function trailingZeros(x: number): number {
  const lo = x % TWO_32;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(x / TWO_32);
  return 32 + 31 - Math.clz32(hi & -hi);
}

function popCount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of set bits of `x`. */
export function onesCount(x: number): number {
  return popCount32(x % TWO_32) + popCount32(Math.floor(x / TWO_32));
}

/** `a ^ b` for safe integers. */
export function xor(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a % TWO_32) ^ (b % TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}

/** `x >> n` (logical) for safe integers. */
export function shr(x: number, n: number): number {
  return Math.floor(x / 2 ** n);
}

/** True if `x` is a power of two (x > 0). */
export function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** trailingZeros(x) === x;
}
