import fc from 'fast-check';
import { CompactRange, frontierIds } from './compact-range';
import { EMPTY_ROOT, hashChildren } from './hashing';
import { rootFromLeafHashes } from './root';
import { hex, hexAll, leafHashes, leavesArb } from './testing/fixtures';

describe('CompactRange', () => {
  it('is empty with EMPTY_ROOT', () => {
    const r = CompactRange.empty();
    expect(r.size).toBe(0);
    expect(r.hashes).toEqual([]);
    expect(hex(r.root())).toBe(hex(EMPTY_ROOT));
  });

  it('root() after each append equals MTH of the leaves so far (0..300)', () => {
    const leaves = leafHashes(300);
    const r = CompactRange.empty();
    for (let n = 1; n <= 300; n++) {
      r.append(leaves[n - 1]);
      expect(r.size).toBe(n);
      expect(hex(r.root())).toBe(hex(rootFromLeafHashes(leaves.slice(0, n))));
    }
  });

  it('append returns the leaf and every perfect subtree it completes, lowest first', () => {
    const [a, b, c, d] = leafHashes(4);
    const r = CompactRange.empty();
    expect(r.append(a)).toEqual([{ level: 0, index: 0, hash: a }]);
    const ab = hashChildren(a, b);
    expect(r.append(b)).toEqual([
      { level: 0, index: 1, hash: b },
      { level: 1, index: 0, hash: ab },
    ]);
    expect(r.append(c)).toEqual([{ level: 0, index: 2, hash: c }]);
    const cd = hashChildren(c, d);
    expect(r.append(d)).toEqual([
      { level: 0, index: 3, hash: d },
      { level: 1, index: 1, hash: cd },
      { level: 2, index: 0, hash: hashChildren(ab, cd) },
    ]);
    expect(r.hashes).toEqual([hashChildren(ab, cd)]);
  });

  it('returns every perfect subtree exactly once, in an order a writer can persist', () => {
    const n = 257;
    const r = CompactRange.empty();
    const seen = new Set<string>();
    let count = 0;
    for (const leaf of leafHashes(n)) {
      for (const node of r.append(leaf)) {
        const key = `${node.level}:${node.index}`;
        expect(seen.has(key)).toBe(false);
        // Children were returned before their parent.
        if (node.level > 0) {
          expect(seen.has(`${node.level - 1}:${2 * node.index}`)).toBe(true);
          expect(seen.has(`${node.level - 1}:${2 * node.index + 1}`)).toBe(true);
        }
        seen.add(key);
        count++;
      }
    }
    // Perfect subtrees of a tree of n leaves: sum over levels of floor(n / 2^level).
    let want = 0;
    for (let w = 1; w <= n; w *= 2) want += Math.floor(n / w);
    expect(count).toBe(want);
  });

  it('hashes hold one hash per set bit of size, matching frontierIds', () => {
    const leaves = leafHashes(45); // 0b101101
    const r = CompactRange.empty();
    leaves.forEach((l) => r.append(l));
    expect(frontierIds(45)).toEqual([
      { level: 5, index: 0 },
      { level: 3, index: 4 },
      { level: 2, index: 10 },
      { level: 0, index: 44 },
    ]);
    expect(hexAll(r.hashes)).toEqual(
      hexAll([
        rootFromLeafHashes(leaves.slice(0, 32)),
        rootFromLeafHashes(leaves.slice(32, 40)),
        rootFromLeafHashes(leaves.slice(40, 44)),
        leaves[44],
      ]),
    );
    expect(frontierIds(0)).toEqual([]);
  });

  it('can be persisted as (size, hashes) and restored at any point', () => {
    fc.assert(
      fc.property(leavesArb(0, 200), fc.nat(), (leaves, cut) => {
        const k = leaves.length === 0 ? 0 : cut % (leaves.length + 1);
        const first = CompactRange.empty();
        leaves.slice(0, k).forEach((l) => first.append(l));
        const restored = CompactRange.fromHashes(first.size, first.hashes);
        leaves.slice(k).forEach((l) => restored.append(l));
        expect(restored.size).toBe(leaves.length);
        expect(hex(restored.root())).toBe(hex(rootFromLeafHashes(leaves)));
      }),
      { numRuns: 100 },
    );
  });

  it('hashes is a copy; mutating it does not affect the range', () => {
    const r = CompactRange.empty();
    leafHashes(3).forEach((l) => r.append(l));
    const root = hex(r.root());
    (r.hashes as Uint8Array[]).pop();
    expect(hex(r.root())).toBe(root);
  });

  it('works beyond 32-bit sizes', () => {
    const size = 2 ** 40 + 2 ** 33 + 3; // set bits: 40, 33, 1, 0
    const frontier = leafHashes(4, 'frontier');
    const r = CompactRange.fromHashes(size, frontier);
    expect(frontierIds(size)).toEqual([
      { level: 40, index: 0 },
      { level: 33, index: 2 ** 7 },
      { level: 1, index: (2 ** 40 + 2 ** 33) / 2 },
      { level: 0, index: 2 ** 40 + 2 ** 33 + 2 },
    ]);
    const [leaf] = leafHashes(1, 'new');
    const nodes = r.append(leaf);
    expect(nodes.map(({ level, index }) => [level, index])).toEqual([
      [0, size],
      [1, (size - 1) / 2],
      [2, (size - 3) / 4],
    ]);
    expect(r.size).toBe(size + 1);
    expect(r.hashes).toHaveLength(3);
    const [a, b, c, d] = frontier;
    expect(hex(r.hashes[2])).toBe(hex(hashChildren(c, hashChildren(d, leaf))));
    expect(hex(r.root())).toBe(hex(hashChildren(a, hashChildren(b, hashChildren(c, hashChildren(d, leaf))))));
  });

  it('rejects invalid input', () => {
    const [h] = leafHashes(1);
    expect(() => CompactRange.fromHashes(3, [h])).toThrow(RangeError);
    expect(() => CompactRange.fromHashes(1, [new Uint8Array(31)])).toThrow(RangeError);
    expect(() => CompactRange.fromHashes(-1, [])).toThrow(RangeError);
    expect(() => CompactRange.fromHashes(1.5, [h])).toThrow(RangeError);
    expect(() => CompactRange.fromHashes(2 ** 53, [h])).toThrow(RangeError);
    expect(() => CompactRange.empty().append(new Uint8Array(33))).toThrow(RangeError);
    expect(() => frontierIds(-1)).toThrow(RangeError);
  });
});
