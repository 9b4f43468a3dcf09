import { EMPTY_ROOT, hashChildren } from './hashing';
import { MemoryNodeStore } from './memory-node-store';
import { rootFromLeafHashes } from './root';
import { hex, leafHashes } from './testing/fixtures';

describe('MemoryNodeStore', () => {
  const leaves = leafHashes(100);
  const store = MemoryNodeStore.fromLeafHashes(leaves);

  it('stores every perfect subtree', () => {
    expect(store.size).toBe(100);
    expect(hex(store.node(0, 99))).toBe(hex(leaves[99]));
    expect(hex(store.node(1, 3))).toBe(hex(hashChildren(leaves[6], leaves[7])));
    expect(hex(store.node(6, 0))).toBe(hex(rootFromLeafHashes(leaves.slice(0, 64))));
    expect(hex(store.node(5, 2))).toBe(hex(rootFromLeafHashes(leaves.slice(64, 96))));
    expect(() => store.node(5, 3)).toThrow(/not stored/); // [96, 128) is not complete
    expect(() => store.node(7, 0)).toThrow(/not stored/);
  });

  it('computes the root now and at every past size', () => {
    expect(hex(store.root())).toBe(hex(rootFromLeafHashes(leaves)));
    expect(hex(store.rootAt(0))).toBe(hex(EMPTY_ROOT));
    for (let n = 1; n <= 100; n++) expect(hex(store.rootAt(n))).toBe(hex(rootFromLeafHashes(leaves.slice(0, n))));
    expect(() => store.rootAt(101)).toThrow(RangeError);
  });

  it('is write-once: the same hash may be written again, a different one may not', () => {
    const s = MemoryNodeStore.fromLeafHashes(leaves.slice(0, 4));
    expect(() => s.put({ level: 1, index: 0, hash: s.node(1, 0) })).not.toThrow();
    expect(() => s.put({ level: 1, index: 0, hash: leaves[9] })).toThrow(/different hash/);
  });
});
