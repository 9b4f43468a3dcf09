/**
 * Property tests: generated proofs verify against independently computed
 * roots, and any tampering makes verification fail. Leaves are pairwise
 * distinct (with duplicate leaves, a proof for one copy is legitimately a
 * proof for the other at the mirrored position).
 */
import fc from 'fast-check';
import { MemoryNodeStore } from './memory-node-store';
import { consistencyProof, inclusionProof } from './proof';
import { rootFromLeafHashes } from './root';
import { boundedReader, flipBit, leavesArb } from './testing/fixtures';
import { verifyConsistency, verifyInclusion } from './verify';

/** Roots of every prefix of `leaves`, computed independently of the store. */
function prefixRoots(leaves: readonly Uint8Array[]): Uint8Array[] {
  return Array.from({ length: leaves.length + 1 }, (_, n) => rootFromLeafHashes(leaves.slice(0, n)));
}

/** Every way of flipping one bit in one of `values` (one random bit per byte). */
function* bitFlips(values: readonly Uint8Array[], bit: number): Generator<Uint8Array[]> {
  for (let v = 0; v < values.length; v++) {
    for (let byte = 0; byte < values[v].length; byte++) {
      const copy = values.slice();
      copy[v] = flipBit(values[v], byte, (bit + byte) % 8);
      yield copy;
    }
  }
}

const pick = (n: number, of: number): number => n % of;

describe('proof properties (fast-check, trees of 1..300 leaves)', () => {
  it('every inclusion proof verifies against rootFromLeafHashes', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(1, 300), fc.nat(), fc.boolean(), async (leaves, s, asyncReads) => {
        // The store may hold more leaves than the tree being proven.
        const size = 1 + pick(s, leaves.length);
        const store = MemoryNodeStore.fromLeafHashes(leaves);
        const reader = boundedReader(store, size, { async: asyncReads });
        const root = rootFromLeafHashes(leaves.slice(0, size));
        for (let i = 0; i < size; i++) {
          const proof = await inclusionProof(i, size, reader);
          if (!verifyInclusion(leaves[i], i, size, proof, root)) return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });

  it('consistency proofs verify between every size1 <= size2', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(1, 300), fc.nat(), async (leaves, s) => {
        const size2 = 1 + pick(s, leaves.length);
        const store = MemoryNodeStore.fromLeafHashes(leaves);
        const reader = boundedReader(store, size2);
        const roots = prefixRoots(leaves.slice(0, size2));
        for (let size1 = 1; size1 <= size2; size1++) {
          const proof = await consistencyProof(size1, size2, reader);
          if (!verifyConsistency(size1, size2, proof, roots[size1], roots[size2])) return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });

  it('inclusion: any flipped bit, wrong index, wrong size or altered proof length is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(1, 300), fc.nat(), fc.nat(), fc.nat(7), async (leaves, s, i, bit) => {
        const n = leaves.length;
        const size = 1 + pick(s, n);
        const index = pick(i, size);
        const store = MemoryNodeStore.fromLeafHashes(leaves);
        const roots = prefixRoots(leaves);
        const proof = await inclusionProof(index, size, store);
        const leaf = leaves[index];
        expect(verifyInclusion(leaf, index, size, proof, roots[size])).toBe(true);

        const accepted: string[] = [];
        let k = 0;
        for (const [l, r, ...p] of bitFlips([leaf, roots[size], ...proof], bit)) {
          if (verifyInclusion(l, index, size, p, r)) accepted.push(`bit flip #${k}`);
          k++;
        }
        for (let other = 0; other < size; other++) {
          if (other === index) continue;
          if (verifyInclusion(leaf, other, size, proof, roots[size])) accepted.push(`index ${other}`);
        }
        // A wrong size, with the root of that size (a consistent checkpoint).
        for (let other = index + 1; other <= n; other++) {
          if (other === size) continue;
          if (verifyInclusion(leaf, index, other, proof, roots[other])) accepted.push(`size ${other}`);
        }
        expect(accepted).toEqual([]);
        expect(verifyInclusion(leaf, index, size, [...proof, leaf], roots[size])).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(1), roots[size])).toBe(false);
        if (proof.length > 1) {
          expect(verifyInclusion(leaf, index, size, [proof[1], proof[0], ...proof.slice(2)], roots[size])).toBe(false);
        }
        // Another leaf's hash (n === 1: there is no other leaf).
        expect(verifyInclusion(leaves[(index + 1) % n], index, size, proof, roots[size])).toBe(n === 1);
      }),
      { numRuns: 60 },
    );
  });

  it('consistency: any flipped bit, wrong size1/size2 or altered proof is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb(1, 300), fc.nat(), fc.nat(), fc.nat(7), async (leaves, s2, s1, bit) => {
        const n = leaves.length;
        const size2 = 1 + pick(s2, n);
        const size1 = 1 + pick(s1, size2);
        const store = MemoryNodeStore.fromLeafHashes(leaves);
        const roots = prefixRoots(leaves);
        const proof = await consistencyProof(size1, size2, store);
        expect(verifyConsistency(size1, size2, proof, roots[size1], roots[size2])).toBe(true);

        const accepted: string[] = [];
        let k = 0;
        for (const [r1, r2, ...p] of bitFlips([roots[size1], roots[size2], ...proof], bit)) {
          if (verifyConsistency(size1, size2, p, r1, r2)) accepted.push(`bit flip #${k}`);
          k++;
        }
        // Wrong sizes, each with the root of that size.
        for (let other = 1; other <= size2; other++) {
          if (other !== size1 && verifyConsistency(other, size2, proof, roots[other], roots[size2])) {
            accepted.push(`size1 ${other}`);
          }
        }
        for (let other = size1; other <= n; other++) {
          if (other !== size2 && verifyConsistency(size1, other, proof, roots[size1], roots[other])) {
            accepted.push(`size2 ${other}`);
          }
        }
        expect(accepted).toEqual([]);
        expect(verifyConsistency(size1, size2, [...proof, roots[size1]], roots[size1], roots[size2])).toBe(false);
        if (proof.length > 0) {
          expect(verifyConsistency(size1, size2, proof.slice(1), roots[size1], roots[size2])).toBe(false);
          expect(verifyConsistency(size1, size2, proof.slice(0, -1), roots[size1], roots[size2])).toBe(false);
        }
        // Swapped roots.
        if (size1 !== size2) expect(verifyConsistency(size1, size2, proof, roots[size2], roots[size1])).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
