/**
 * Literal, recursive transcriptions of RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1,
 * used only by tests as an oracle for the iterative implementations.
 * Quadratic-ish; keep inputs small.
 */
import { EMPTY_ROOT, hashChildren } from '../hashing';

/** Largest power of two strictly smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export function refRoot(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0];
  const k = split(d.length);
  return hashChildren(refRoot(d.slice(0, k)), refRoot(d.slice(k)));
}

/** PATH(m, D[n]). */
export function refInclusionProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refInclusionProof(m, d.slice(0, k)), refRoot(d.slice(k))]
    : [...refInclusionProof(m - k, d.slice(k)), refRoot(d.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function refConsistencyProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, d, true);
}

function subproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [refRoot(d)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), refRoot(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), refRoot(d.slice(0, k))];
}
