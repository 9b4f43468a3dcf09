import { InclusionMemory, type TreeHead } from './inclusion-memory';
import { MemoryNodeStore } from './memory-node-store';
import type { NodeId, NodeReader } from './node';
import { rootFromLeafHashes } from './root';
import { flipBit, leafHashes } from './testing/fixtures';

const leaves = leafHashes(100);
const forked = [...leaves.slice(0, 40), ...leafHashes(60, 'fork')];
const head = (of: Uint8Array[], size: number): TreeHead => ({ size, rootHash: rootFromLeafHashes(of.slice(0, size)) });
const leaf = (index: number, of = leaves) => ({ index, hash: of[index] });

/** A database stand-in: counts the nodes read, and can be switched to another log's nodes or made to fail. */
class CountingReader implements NodeReader {
  reads = 0;
  broken = false;
  constructor(public store: MemoryNodeStore) {}
  node(level: number, index: number): Uint8Array {
    return this.nodes([{ level, index }])[0];
  }
  nodes(ids: readonly NodeId[]): Uint8Array[] {
    if (this.broken) throw new Error('Merkle node missing');
    this.reads += ids.length;
    return ids.map((id) => this.store.node(id.level, id.index));
  }
}

describe('InclusionMemory', () => {
  let reader: CountingReader;
  let memory: InclusionMemory;
  beforeEach(() => {
    reader = new CountingReader(MemoryNodeStore.fromLeafHashes(leaves));
    memory = new InclusionMemory(reader);
  });

  it('proves leaves once per lineage, all of them with one read of their proofs', async () => {
    const h = await memory.advance(head(leaves, 50));
    const nodes = jest.spyOn(reader, 'nodes');
    expect(await memory.included(h, [leaf(3), leaf(17), leaf(49)])).toEqual([true, true, true]);
    expect(nodes).toHaveBeenCalledTimes(1);
    reader.reads = 0;
    expect(await memory.included(h, [leaf(17), leaf(3)])).toEqual([true, true]);
    expect(reader.reads).toBe(0);
  });

  it('carries proven leaves to a newer head over one consistency proof, without new inclusion proofs', async () => {
    const h50 = await memory.advance(head(leaves, 50));
    await memory.included(h50, [leaf(3), leaf(17)]);
    reader.reads = 0;
    const h90 = await memory.advance(head(leaves, 90));
    const consistencyReads = reader.reads;
    expect(consistencyReads).toBeGreaterThan(0);
    expect(await memory.included(h90, [leaf(3), leaf(17)])).toEqual([true, true]);
    expect(reader.reads).toBe(consistencyReads);
    expect(await memory.included(h90, [leaf(80)])).toEqual([true]);
  });

  it('does not go back to an older head: the newer trusted one is used', async () => {
    const h90 = await memory.advance(head(leaves, 90));
    const again = await memory.advance(head(leaves, 60));
    expect(again).toBe(h90);
    expect(await memory.advance(head(leaves, 90))).toBe(h90);
  });

  it('starts over when the new head does not extend the trusted one (a fork): earlier proofs count for nothing', async () => {
    const h50 = await memory.advance(head(leaves, 50));
    expect(await memory.included(h50, [leaf(45)])).toEqual([true]);
    reader.store = MemoryNodeStore.fromLeafHashes(forked);
    const fork = await memory.advance(head(forked, 90));
    expect(fork.lineage).not.toBe(h50.lineage);
    // Leaf 45 of the original log is not in the forked tree, and is proven again rather than remembered.
    reader.reads = 0;
    expect(await memory.included(fork, [leaf(45), leaf(45, forked), leaf(10)])).toEqual([false, true, true]);
    expect(reader.reads).toBeGreaterThan(0);
    // A head handed out before the fork is no longer vouched for by the memory.
    reader.reads = 0;
    expect(await memory.included(h50, [leaf(45)])).toEqual([false]);
  });

  it('trusts nothing after a head with a forged root: its consistency proof fails and no leaf proves against it', async () => {
    const h50 = await memory.advance(head(leaves, 50));
    await memory.included(h50, [leaf(3)]);
    const forged = await memory.advance({ size: 90, rootHash: flipBit(head(leaves, 90).rootHash, 0, 0) });
    expect(forged.lineage).not.toBe(h50.lineage);
    expect(await memory.included(forged, [leaf(3), leaf(80)])).toEqual([false, false]);
    expect(await memory.included(forged, [leaf(3)])).toEqual([false]);
  });

  it('starts over when the consistency proof cannot be read, and answers false for leaves beyond the head or with another hash', async () => {
    const h50 = await memory.advance(head(leaves, 50));
    await memory.included(h50, [leaf(3)]);
    reader.broken = true;
    const h90 = await memory.advance(head(leaves, 90));
    expect(h90.lineage).not.toBe(h50.lineage);
    reader.broken = false;
    reader.reads = 0;
    expect(await memory.included(h90, [leaf(3), leaf(95), { index: 4, hash: leaves[5] }])).toEqual([true, false, false]);
    expect(reader.reads).toBeGreaterThan(0);
    expect(await memory.included(h90, [{ index: 4, hash: leaves[5] }])).toEqual([false]);
  });

  it('forgets everything on request, and keeps at most maxLeaves proofs', async () => {
    const small = new InclusionMemory(reader, 2);
    const h = await small.advance(head(leaves, 50));
    await small.included(h, [leaf(1), leaf(2), leaf(3)]);
    reader.reads = 0;
    await small.included(h, [leaf(2), leaf(3)]);
    expect(reader.reads).toBe(0);
    await small.included(h, [leaf(1)]);
    expect(reader.reads).toBeGreaterThan(0);
    small.forget();
    reader.reads = 0;
    expect(await small.included(h, [leaf(2)])).toEqual([true]);
    expect(reader.reads).toBeGreaterThan(0);
  });
});
