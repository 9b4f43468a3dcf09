/**
 * RFC 6962 / RFC 9162 conformance vectors from transparency-dev/merkle, read
 * at test time from the shared conformance directory (never copied here):
 * $CONFORMANCE_DIR/merkle, default <repo>/../shared/conformance/merkle.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CompactRange } from './compact-range';
import { hashLeaf } from './hashing';
import { MemoryNodeStore } from './memory-node-store';
import { consistencyProof, inclusionProof } from './proof';
import { rootFromLeafHashes } from './root';
import { hex, hexAll } from './testing/fixtures';
import { verifyConsistency, verifyInclusion } from './verify';

const DIR = process.env.CONFORMANCE_DIR
  ? path.resolve(process.env.CONFORMANCE_DIR, 'merkle')
  : path.resolve(__dirname, '../../../../shared/conformance/merkle');

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface TreeRoots {
  leafInputs: string[];
  leafHashes: string[];
  rootHashes: string[];
}

/** All .json files under `dir`, as [path relative to DIR, parsed]. Throws if the directory is missing. */
function load<T>(dir: string): Array<[string, T]> {
  const out: Array<[string, T]> = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push([path.relative(DIR, p), JSON.parse(readFileSync(p, 'utf8')) as T]);
    }
  };
  walk(path.join(DIR, dir));
  return out;
}

const b64 = (s: string): Uint8Array => Buffer.from(s, 'base64');
const b64s = (p: string[] | null): Uint8Array[] => (p ?? []).map(b64);

const inclusion = load<InclusionVector>('inclusion');
const consistency = load<ConsistencyVector>('consistency');
const tree = JSON.parse(readFileSync(path.join(DIR, 'tree-roots.json'), 'utf8')) as TreeRoots;
const treeLeafHashes = tree.leafInputs.map((h) => hashLeaf(Buffer.from(h, 'hex')));
const treeStore = MemoryNodeStore.fromLeafHashes(treeLeafHashes);

describe(`merkle conformance vectors (${DIR})`, () => {
  it('found vectors of every kind, both to accept and to reject', () => {
    for (const vectors of [inclusion, consistency] as Array<Array<[string, { wantErr: boolean }]>>) {
      expect(vectors.filter(([, v]) => !v.wantErr).length).toBeGreaterThan(0);
      expect(vectors.filter(([, v]) => v.wantErr).length).toBeGreaterThan(0);
    }
    expect(tree.rootHashes.length).toBe(tree.leafInputs.length + 1);
  });

  describe('inclusion', () => {
    it.each(inclusion)('%s', (_file, v) => {
      const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, b64s(v.proof), b64(v.root));
      expect(ok).toBe(!v.wantErr);
    });

    it('the generator reproduces every accepted proof over the tree-roots leaves', async () => {
      let compared = 0;
      for (const [, v] of inclusion) {
        if (v.wantErr || v.treeSize > treeLeafHashes.length) continue;
        if (hex(b64(v.root)) !== tree.rootHashes[v.treeSize]) continue;
        expect(hex(b64(v.leafHash))).toBe(tree.leafHashes[v.leafIdx]);
        expect(hexAll(await inclusionProof(v.leafIdx, v.treeSize, treeStore))).toEqual(hexAll(b64s(v.proof)));
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  });

  describe('consistency', () => {
    it.each(consistency)('%s', (_file, v) => {
      const ok = verifyConsistency(v.size1, v.size2, b64s(v.proof), b64(v.root1), b64(v.root2));
      expect(ok).toBe(!v.wantErr);
    });

    it('the generator reproduces every accepted proof over the tree-roots leaves', async () => {
      let compared = 0;
      for (const [, v] of consistency) {
        if (v.wantErr || v.size2 > treeLeafHashes.length) continue;
        if (hex(b64(v.root1)) !== tree.rootHashes[v.size1] || hex(b64(v.root2)) !== tree.rootHashes[v.size2]) continue;
        expect(hexAll(await consistencyProof(v.size1, v.size2, treeStore))).toEqual(hexAll(b64s(v.proof)));
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  });

  describe('tree-roots.json', () => {
    it('hashLeaf gives the listed leaf hashes', () => {
      expect(hexAll(treeLeafHashes)).toEqual(tree.leafHashes);
    });

    it.each(tree.rootHashes.map((r, n) => [n, r] as const))('root of %i leaves', (n, want) => {
      const leaves = treeLeafHashes.slice(0, n);
      expect(hex(rootFromLeafHashes(leaves))).toBe(want);
      const range = CompactRange.empty();
      leaves.forEach((l) => range.append(l));
      expect(hex(range.root())).toBe(want);
      expect(hex(treeStore.rootAt(n))).toBe(want);
    });

    it('every inclusion and consistency proof over the 8 leaves verifies against the listed roots', async () => {
      const roots = tree.rootHashes.map((r) => Buffer.from(r, 'hex'));
      for (let n = 1; n < roots.length; n++) {
        for (let i = 0; i < n; i++) {
          expect(verifyInclusion(treeLeafHashes[i], i, n, await inclusionProof(i, n, treeStore), roots[n])).toBe(true);
        }
        for (let m = 1; m <= n; m++) {
          expect(verifyConsistency(m, n, await consistencyProof(m, n, treeStore), roots[m], roots[n])).toBe(true);
        }
      }
    });
  });
});
