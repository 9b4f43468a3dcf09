/**
 * Compact Merkle range [0, size): the "frontier" of an append-only log.
 *
 * The tree of `size` leaves is a sequence of perfect subtrees, one per set
 * bit of `size`, from the largest (leftmost) to the smallest (rightmost).
 * Keeping only their hashes (at most 53 for any safe-integer size) is enough
 * to append leaves and compute the root; see transparency-dev/merkle's
 * compact.Range.
 */
import { bitLength, isUint53, onesCount, shr } from './bits';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, isHash } from './hashing';
import type { Node, NodeId } from './node';

export class CompactRange {
  private constructor(
    private _size: number,
    private readonly _hashes: Uint8Array[],
  ) {}

  /** The range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * Restores a range persisted as (size, hashes), hashes ordered as returned
   * by `hashes` (i.e. the nodes of `frontierIds(size)`, largest first).
   */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!isUint53(size)) throw new RangeError(`invalid tree size ${String(size)}`);
    const want = onesCount(size);
    if (hashes.length !== want) {
      throw new RangeError(`a compact range of size ${size} has ${want} hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => {
      if (!isHash(h)) throw new RangeError(`hash ${i} is not ${HASH_SIZE} bytes`);
    });
    return new CompactRange(size, hashes.slice());
  }

  /** Number of leaves in the range. */
  get size(): number {
    return this._size;
  }

  /** The frontier hashes, largest subtree first; persist these with `size`. */
  get hashes(): readonly Uint8Array[] {
    return this._hashes.slice();
  }

  /**
   * Appends a leaf hash. Returns every perfect subtree completed by this leaf,
   * lowest first: the leaf itself as (0, size) followed by each ancestor that
   * became complete. Persisting all returned nodes keeps a NodeReader complete.
   * The range keeps a reference to `leafHash`; do not mutate it afterwards.
   */
  append(leafHash: Uint8Array): Node[] {
    if (!isHash(leafHash)) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    if (this._size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree size limit reached');
    let index = this._size;
    let level = 0;
    let hash = leafHash;
    const completed: Node[] = [{ level, index, hash }];
    // Each trailing 1 bit of the old size is a frontier subtree of the same
    // size as `hash`, immediately to its left: merge them.
    while (index % 2 === 1) {
      hash = hashChildren(this._hashes.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      completed.push({ level, index, hash });
    }
    this._hashes.push(hash);
    this._size++;
    return completed;
  }

  /** Root hash (MTH) of the tree of `size` leaves; EMPTY_ROOT when empty. */
  root(): Uint8Array {
    const h = this._hashes;
    if (h.length === 0) return Uint8Array.from(EMPTY_ROOT);
    let root = h[h.length - 1];
    for (let i = h.length - 2; i >= 0; i--) root = hashChildren(h[i], root);
    return root;
  }
}

/**
 * The ids of the perfect subtrees making up the frontier of a tree of `size`
 * leaves, largest (leftmost) first. Reading these nodes from storage and
 * passing the hashes to `CompactRange.fromHashes(size, ...)` restores the
 * range, and hence the root, of any past tree size.
 */
export function frontierIds(size: number): NodeId[] {
  if (!isUint53(size)) throw new RangeError(`invalid tree size ${String(size)}`);
  const ids: NodeId[] = [];
  let begin = 0;
  for (let level = bitLength(size) - 1; level >= 0; level--) {
    if (shr(size, level) % 2 === 1) {
      ids.push({ level, index: begin / 2 ** level });
      begin += 2 ** level;
    }
  }
  return ids;
}
