import fc from 'fast-check';
import { EMPTY_ROOT, MemoryNodeStore, consistencyProof, hashLeaf, rootFromLeafHashes } from '@app/merkle';
import { checkConsistency, type TreeHead } from './witness';

const leaves = (tag: string, n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`${tag} ${i}`)));
const head = (hashes: Uint8Array[], size: number): TreeHead => ({ size, rootHash: rootFromLeafHashes(hashes.slice(0, size)) });
const proof = (hashes: Uint8Array[], from: number, to: number) => consistencyProof(from, to, MemoryNodeStore.fromLeafHashes(hashes.slice(0, to)));
const refused = (reason: string) => expect.objectContaining({ ok: false, reason });

const tree = leaves('a', 64);
const fork = [...tree.slice(0, 5), ...leaves('b', 59)]; // shares the first 5 leaves, then diverges

describe('checkConsistency', () => {
  it('accepts a first tree head, or one after the empty tree, with an empty proof only', async () => {
    for (const last of [undefined, head(tree, 0)]) {
      expect(checkConsistency(last, head(tree, 7), [])).toEqual({ ok: true });
      expect(checkConsistency(last, head(tree, 0), [])).toEqual({ ok: true });
      expect(checkConsistency(last, head(tree, 7), await proof(tree, 1, 7))).toEqual(refused('PROOF_INVALID'));
    }
  });

  it('accepts growth proven by a consistency proof', async () => {
    for (const [m, n] of [[1, 2], [3, 7], [4, 8], [5, 64], [63, 64]]) {
      expect(checkConsistency(head(tree, m), head(tree, n), await proof(tree, m, n))).toEqual({ ok: true });
    }
  });

  it('accepts the same tree head again, with an empty proof only', async () => {
    expect(checkConsistency(head(tree, 9), head(tree, 9), [])).toEqual({ ok: true });
    expect(checkConsistency(head(tree, 9), head(tree, 9), await proof(tree, 8, 9))).toEqual(refused('PROOF_INVALID'));
  });

  it('refuses to go back, even to a size it signed before', async () => {
    expect(checkConsistency(head(tree, 9), head(tree, 8), [])).toEqual(refused('SIZE_DECREASED'));
    expect(checkConsistency(head(tree, 9), head(tree, 8), await proof(tree, 8, 9))).toEqual(refused('SIZE_DECREASED'));
  });

  it('refuses another root for the same size: a fork', () => {
    expect(checkConsistency(head(tree, 9), head(fork, 9), [])).toEqual(refused('ROOT_MISMATCH'));
  });

  it('refuses a fork that grew, whatever proof comes with it', async () => {
    expect(checkConsistency(head(tree, 9), head(fork, 12), await proof(fork, 9, 12))).toEqual(refused('PROOF_INVALID'));
    expect(checkConsistency(head(tree, 9), head(fork, 12), await proof(tree, 9, 12))).toEqual(refused('PROOF_INVALID'));
  });

  it('refuses tampered, truncated, padded and misplaced proofs', async () => {
    const good = await proof(tree, 6, 13);
    const flipped = good.map((h, i) => (i === 1 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
    for (const bad of [flipped, good.slice(1), [...good, good[0]], await proof(tree, 5, 13), await proof(tree, 6, 12), [new Uint8Array(31)]]) {
      expect(checkConsistency(head(tree, 6), head(tree, 13), bad)).toEqual(refused('PROOF_INVALID'));
    }
  });

  it('refuses an empty tree whose root is not SHA-256("")', () => {
    expect(checkConsistency(undefined, { size: 0, rootHash: new Uint8Array(32) }, [])).toEqual(refused('EMPTY_ROOT_MISMATCH'));
    expect(checkConsistency(undefined, { size: 0, rootHash: EMPTY_ROOT }, [])).toEqual({ ok: true });
  });

  it('throws on tree heads no checkpoint can hold', () => {
    const root = new Uint8Array(32);
    for (const h of [{ size: -1, rootHash: root }, { size: 1.5, rootHash: root }, { size: 2 ** 53, rootHash: root }, { size: 1, rootHash: root.subarray(1) }]) {
      expect(() => checkConsistency(undefined, h, [])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => checkConsistency(h, head(tree, 2), [])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('never lets a witness cosign two inconsistent checkpoints, whatever a split-view log sends', async () => {
    // Each step offers a tree head of either branch with an honest proof from the witness's last head *in that
    // branch*; the witness applies the rule. Everything it accepts must lie on one branch.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 64 })), { maxLength: 12 }), async (steps) => {
        let last: TreeHead | undefined;
        const accepted: { branch: Uint8Array[]; size: number }[] = [];
        for (const [useFork, size] of steps) {
          const branch = useFork ? fork : tree;
          const from = last?.size ?? 0;
          const p = from > 0 && size > from ? await proof(branch, from, size) : [];
          const next = head(branch, size);
          if (checkConsistency(last, next, p).ok) {
            accepted.push({ branch, size });
            last = next;
          }
        }
        const largest = accepted.at(-1);
        for (const a of accepted) {
          expect(a.size).toBeLessThanOrEqual(largest!.size);
          expect(head(a.branch, a.size).rootHash).toEqual(head(largest!.branch, a.size).rootHash);
        }
      }),
      { numRuns: 200 },
    );
  });
});
