/** Shared test helpers (not exported from the library). */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { hashLeaf } from '../hashing';
import type { NodeReader } from '../node';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const hexAll = (bs: readonly Uint8Array[]): string[] => bs.map(hex);

/** n distinct, deterministic leaf hashes. */
export function leafHashes(n: number, seed = 'merkle'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => hashLeaf(createHash('sha256').update(`${seed}:${i}`).digest()));
}

/** Random, pairwise distinct leaves (any length, including empty), hashed. */
export function leavesArb(minLength: number, maxLength: number): fc.Arbitrary<Uint8Array[]> {
  return fc
    .uniqueArray(fc.uint8Array({ maxLength: 48 }), {
      minLength,
      maxLength,
      size: 'max', // fast-check's default 'small' would keep arrays far below maxLength
      selector: (u) => Buffer.from(u).toString('hex'),
    })
    .map((data) => data.map(hashLeaf));
}

/** A copy of `b` with one bit flipped. */
export function flipBit(b: Uint8Array, byte: number, bit: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[byte] ^= 1 << bit;
  return c;
}

/**
 * Wraps a reader, failing the test if a node outside the tree of `size` is
 * requested (the store may hold a bigger tree than the one being proven).
 * `async` makes every read return a Promise, like a database would.
 */
export function boundedReader(inner: NodeReader, size: number, opts: { async?: boolean } = {}): NodeReader {
  return {
    node(level, index) {
      if ((index + 1) * 2 ** level > size) throw new Error(`node (${level}, ${index}) is outside tree size ${size}`);
      const h = inner.node(level, index);
      return opts.async ? Promise.resolve(h) : h;
    },
  };
}
