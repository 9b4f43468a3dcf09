/**
 * MTH (RFC 9162 2.1.1) of a list of leaf hashes, for tests and audits.
 *
 * Iterative and O(n): hashes adjacent pairs level by level, carrying an odd
 * last node up unchanged. That builds exactly the RFC's left-balanced tree
 * (split at the largest power of two smaller than n), using n - 1 hashes and
 * n / 2 extra references of memory.
 */
import { EMPTY_ROOT, HASH_SIZE, hashChildren, isHash } from './hashing';

export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return Uint8Array.from(EMPTY_ROOT);
  for (let i = 0; i < n; i++) {
    if (!isHash(leafHashes[i])) throw new RangeError(`leaf hash ${i} is not ${HASH_SIZE} bytes`);
  }
  if (n === 1) return leafHashes[0];
  // First level reads the input; later levels work in place in `level`.
  const level: Uint8Array[] = new Array<Uint8Array>(Math.ceil(n / 2));
  let src: readonly Uint8Array[] = leafHashes;
  let len = n;
  while (len > 1) {
    const pairs = Math.floor(len / 2);
    for (let i = 0; i < pairs; i++) level[i] = hashChildren(src[2 * i], src[2 * i + 1]);
    if (len % 2 === 1) level[pairs] = src[len - 1];
    len = pairs + (len % 2);
    src = level;
  }
  return level[0];
}
