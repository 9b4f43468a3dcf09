import { MemoryNodeStore } from './memory-node-store';
import type { NodeId, NodeReader } from './node';
import { nodeCoverage } from './node';
import { ProofNodes, consistencyNodes, consistencyProof, inclusionNodes, inclusionProof, readProof } from './proof';
import { boundedReader, hexAll, leafHashes } from './testing/fixtures';
import { refConsistencyProof, refInclusionProof } from './testing/rfc9162-reference';

const N = 70;
const leaves = leafHashes(N);
const store = MemoryNodeStore.fromLeafHashes(leaves);

describe('proof generation', () => {
  it('inclusion proofs equal RFC 9162 PATH(m, D[n]) for every 0 <= m < n <= 70', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(m, n, boundedReader(store, n));
        expect(hexAll(proof)).toEqual(hexAll(refInclusionProof(m, leaves.slice(0, n))));
      }
    }
  });

  it('consistency proofs equal RFC 9162 PROOF(m, D[n]) for every 0 < m <= n <= 70', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(m, n, boundedReader(store, n, { async: true }));
        expect(hexAll(proof)).toEqual(hexAll(refConsistencyProof(m, leaves.slice(0, n))));
      }
    }
  });

  it('only asks for perfect subtrees inside the tree, each once (sizes 1..300)', () => {
    const bad: string[] = [];
    const check = (ids: readonly NodeId[], what: string, size: number): void => {
      const keys = new Set(ids.map((id) => `${id.level}:${id.index}`));
      if (keys.size !== ids.length) bad.push(`${what}: duplicate ids`);
      for (const id of ids) if (nodeCoverage(id).end > size) bad.push(`${what}: (${id.level}, ${id.index})`);
    };
    for (let n = 1; n <= 300; n++) {
      for (let m = 0; m < n; m++) check(inclusionNodes(m, n).ids, `inclusion ${m}/${n}`, n);
      for (let m = 1; m <= n; m++) check(consistencyNodes(m, n).ids, `consistency ${m}->${n}`, n);
    }
    expect(bad).toEqual([]);
  });

  it('plans a proof as node ids first, so a database can fetch them in one query', async () => {
    // Leaf 0 of a tree of 7: sibling leaf 1, node (1,1) = [2,4), then the
    // ephemeral node [4,7) built from (0,6) and (1,2).
    const plan = inclusionNodes(0, 7);
    expect(plan.ids).toEqual([
      { level: 0, index: 1 },
      { level: 1, index: 1 },
      { level: 0, index: 6 },
      { level: 1, index: 2 },
    ]);
    const proof = plan.rehash(plan.ids.map((id) => store.node(id.level, id.index)));
    expect(proof).toHaveLength(3);
    expect(hexAll(proof)).toEqual(hexAll(refInclusionProof(0, leaves.slice(0, 7))));

    // A batch reader is used instead of per-node reads when available.
    const calls: NodeId[][] = [];
    const batch: NodeReader = {
      node: () => {
        throw new Error('per-node read not expected');
      },
      nodes: async (ids) => {
        calls.push([...ids]);
        return store.nodes(ids);
      },
    };
    expect(hexAll(await readProof(consistencyNodes(3, 7), batch))).toEqual(
      hexAll(refConsistencyProof(3, leaves.slice(0, 7))),
    );
    expect(calls).toHaveLength(1);
  });

  it('plans have the expected size and stay in range beyond 2^32 leaves', () => {
    const size = 2 ** 52 + 2 ** 40 + 5;
    for (const index of [0, 1, 2 ** 33 + 7, 2 ** 52 - 1, 2 ** 52, size - 2, size - 1]) {
      const plan = inclusionNodes(index, size);
      for (const id of plan.ids) expect(nodeCoverage(id).end).toBeLessThanOrEqual(size);
      // The proof has one element per level on the path, minus levels where the
      // right edge has no sibling.
      const fake = plan.ids.map(() => new Uint8Array(32));
      expect(plan.rehash(fake).length).toBeLessThanOrEqual(53);
    }
    for (const size1 of [1, 3, 2 ** 32 + 1, 2 ** 40, size - 1]) {
      const plan = consistencyNodes(size1, size);
      for (const id of plan.ids) expect(nodeCoverage(id).end).toBeLessThanOrEqual(size);
    }
  });

  it('rejects invalid arguments', async () => {
    expect(() => inclusionNodes(0, 0)).toThrow(RangeError);
    expect(() => inclusionNodes(5, 5)).toThrow(RangeError);
    expect(() => inclusionNodes(-1, 5)).toThrow(RangeError);
    expect(() => inclusionNodes(0.5, 5)).toThrow(RangeError);
    expect(() => inclusionNodes(0, 2 ** 53)).toThrow(RangeError);
    expect(() => consistencyNodes(0, 5)).toThrow(RangeError);
    expect(() => consistencyNodes(6, 5)).toThrow(RangeError);
    expect(consistencyNodes(5, 5).ids).toEqual([]);
    await expect(inclusionProof(3, 3, store)).rejects.toThrow(RangeError);
    // rehash checks what the storage returned.
    const plan = inclusionNodes(0, 7);
    expect(() => plan.rehash([])).toThrow(RangeError);
    expect(() => plan.rehash(plan.ids.map(() => new Uint8Array(20)))).toThrow(/not 32 bytes/);
    // Missing nodes surface as errors from the reader.
    await expect(inclusionProof(0, N + 1, store)).rejects.toThrow(/not stored/);
  });

  it('ProofNodes without an ephemeral node returns the hashes unchanged', () => {
    const h = leafHashes(2);
    expect(new ProofNodes([{ level: 0, index: 0 }, { level: 0, index: 1 }]).rehash(h)).toEqual(h);
  });
});
