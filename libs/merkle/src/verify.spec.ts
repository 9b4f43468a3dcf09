import { EMPTY_ROOT } from './hashing';
import { MemoryNodeStore } from './memory-node-store';
import { consistencyProof, inclusionProof } from './proof';
import { hex, leafHashes } from './testing/fixtures';
import {
  ProofError,
  type ProofErrorReason,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify';

const leaves = leafHashes(8);
const store = MemoryNodeStore.fromLeafHashes(leaves);
const root = (n: number): Uint8Array => store.rootAt(n);

function reasonOf(f: () => unknown): ProofErrorReason | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ProofError) return e.reason;
    throw e;
  }
  return undefined;
}

describe('verifyInclusion / rootFromInclusionProof', () => {
  it('accepts a valid proof and computes the root', async () => {
    const proof = await inclusionProof(5, 7, store);
    expect(hex(rootFromInclusionProof(leaves[5], 5, 7, proof))).toBe(hex(root(7)));
    expect(verifyInclusion(leaves[5], 5, 7, proof, root(7))).toBe(true);
    expect(verifyInclusion(leaves[0], 0, 1, [], leaves[0])).toBe(true);
  });

  it('reports why a proof is malformed', async () => {
    const proof = await inclusionProof(5, 7, store);
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 7, 7, proof))).toBe('index-out-of-range');
    expect(reasonOf(() => rootFromInclusionProof(leaves[0], 0, 0, []))).toBe('index-out-of-range');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], -1, 7, proof))).toBe('invalid-argument');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 5, 2 ** 53, proof))).toBe('invalid-argument');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5].subarray(1), 5, 7, proof))).toBe('hash-length');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 5, 7, proof.slice(1)))).toBe('proof-length');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 5, 7, [...proof, leaves[0]]))).toBe('proof-length');
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 5, 7, [proof[0], new Uint8Array(33), proof[2]]))).toBe(
      'hash-length',
    );
    expect(reasonOf(() => rootFromInclusionProof(leaves[5], 5, 7, null as unknown as Uint8Array[]))).toBe(
      'invalid-argument',
    );
  });

  it('returns false (never throws) for bad proofs and bad inputs', async () => {
    const proof = await inclusionProof(5, 7, store);
    expect(verifyInclusion(leaves[5], 5, 7, proof, root(8))).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 7, proof, root(7).subarray(1))).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 7, [], root(7))).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 7, 'x' as unknown as Uint8Array[], root(7))).toBe(false);
    expect(verifyInclusion('leaf' as unknown as Uint8Array, 5, 7, proof, root(7))).toBe(false);
    expect(verifyInclusion(leaves[5], NaN, 7, proof, root(7))).toBe(false);
  });

  it('binds size only through the root: size and root must come from one checkpoint', async () => {
    // The proof for leaf 0 in the tree of 8 has the same shape in a tree of 7
    // (three right siblings), so it "verifies" for size 7 against root(8).
    // That is sound: the claim is "leaf 0 is in the tree whose root is root(8)";
    // callers must take size and root together from one signed checkpoint.
    const proof = await inclusionProof(0, 8, store);
    expect(verifyInclusion(leaves[0], 0, 7, proof, root(8))).toBe(true);
    expect(verifyInclusion(leaves[0], 0, 7, proof, root(7))).toBe(false);
  });
});

describe('verifyConsistency / rootFromConsistencyProof', () => {
  it('accepts valid proofs and computes the new root', async () => {
    for (let m = 1; m <= 8; m++) {
      for (let n = m; n <= 8; n++) {
        const proof = await consistencyProof(m, n, store);
        expect(verifyConsistency(m, n, proof, root(m), root(n))).toBe(true);
        expect(hex(rootFromConsistencyProof(m, n, proof, root(m)))).toBe(hex(root(n)));
      }
    }
  });

  it('checks in the order the conformance vectors expect', async () => {
    const proof = await consistencyProof(3, 7, store);
    // size1 == 0 first, even when sizes are equal and the proof is empty.
    expect(reasonOf(() => rootFromConsistencyProof(0, 0, [], EMPTY_ROOT))).toBe('empty-tree');
    expect(reasonOf(() => rootFromConsistencyProof(0, 5, [], EMPTY_ROOT))).toBe('empty-tree');
    expect(reasonOf(() => rootFromConsistencyProof(2, 1, [], root(2)))).toBe('size-order');
    // Equal sizes: the proof must be empty and the roots byte-equal, of any length.
    expect(reasonOf(() => rootFromConsistencyProof(3, 3, [root(3)], root(3)))).toBe('proof-length');
    expect(verifyConsistency(3, 3, [], Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(verifyConsistency(3, 3, [], root(3), root(4))).toBe(false);
    // Otherwise hashes must be 32 bytes and the proof non-empty and of the right length.
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, proof, root(3).subarray(2)))).toBe('hash-length');
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, [], root(3)))).toBe('proof-length');
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, proof.slice(1), root(3)))).toBe('proof-length');
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, [...proof, root(3)], root(3)))).toBe('proof-length');
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, [new Uint8Array(31), ...proof.slice(1)], root(3)))).toBe(
      'hash-length',
    );
    // The proof is checked against root1 too.
    expect(reasonOf(() => rootFromConsistencyProof(3, 7, proof, root(4)))).toBe('root-mismatch');
    expect(reasonOf(() => rootFromConsistencyProof(1.5, 7, proof, root(3)))).toBe('invalid-argument');
  });

  it('returns false (never throws) for bad proofs and bad inputs', async () => {
    const proof = await consistencyProof(3, 7, store);
    expect(verifyConsistency(3, 7, proof, root(3), root(8))).toBe(false);
    expect(verifyConsistency(3, 7, proof, root(4), root(7))).toBe(false);
    expect(verifyConsistency(3, 7, proof, root(3), root(7).subarray(1))).toBe(false);
    expect(verifyConsistency(3, 7, proof, root(3), 'x' as unknown as Uint8Array)).toBe(false);
    expect(verifyConsistency(0, 7, [], EMPTY_ROOT, root(7))).toBe(false);
    expect(verifyConsistency(3, 7, undefined as unknown as Uint8Array[], root(3), root(7))).toBe(false);
  });
});
