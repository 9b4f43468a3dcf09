import fc from 'fast-check';
import { EMPTY_ROOT } from './hashing';
import { rootFromLeafHashes } from './root';
import { hex, leafHashes, leavesArb } from './testing/fixtures';
import { refRoot } from './testing/rfc9162-reference';

describe('rootFromLeafHashes (RFC 9162 2.1.1 MTH)', () => {
  it('is EMPTY_ROOT for no leaves and the leaf hash for one leaf', () => {
    expect(hex(rootFromLeafHashes([]))).toBe(hex(EMPTY_ROOT));
    const [h] = leafHashes(1);
    expect(hex(rootFromLeafHashes([h]))).toBe(hex(h));
  });

  it('matches the recursive RFC definition for every size 0..130', () => {
    const leaves = leafHashes(130);
    for (let n = 0; n <= 130; n++) {
      expect(hex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(hex(refRoot(leaves.slice(0, n))));
    }
  });

  it('matches the recursive RFC definition for random leaves', () => {
    fc.assert(
      fc.property(leavesArb(0, 300), (leaves) => hex(rootFromLeafHashes(leaves)) === hex(refRoot(leaves))),
      { numRuns: 50 },
    );
  });

  it('does not modify its input', () => {
    const leaves = leafHashes(7);
    const before = leaves.map(hex);
    rootFromLeafHashes(leaves);
    expect(leaves.map(hex)).toEqual(before);
  });

  it('rejects hashes that are not 32 bytes', () => {
    expect(() => rootFromLeafHashes([...leafHashes(2), new Uint8Array(31)])).toThrow(RangeError);
  });
});
