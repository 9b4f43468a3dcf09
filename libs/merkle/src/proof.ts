/**
 * Inclusion and consistency proof GENERATION (RFC 9162 2.1.3.1, 2.1.4.1),
 * split like transparency-dev/merkle's proof.Inclusion / proof.Consistency:
 *
 *   1. `inclusionNodes(index, size)` / `consistencyNodes(size1, size2)`
 *      return a `ProofNodes` plan: the ids of the perfect subtrees to read.
 *   2. The caller reads those hashes (e.g. one SQL query for all ids).
 *   3. `plan.rehash(hashes)` returns the proof, folding runs of right-edge
 *      perfect subtrees into the "ephemeral" node the proof needs when the
 *      tree size is not a power of two.
 *
 * `inclusionProof` / `consistencyProof` do all three against a NodeReader.
 * Every id in a plan for tree size N covers only leaves below N.
 */
import { bitLength, isPowerOfTwo, isUint53, shr, trailingZeros, xor } from './bits';
import { HASH_SIZE, hashChildren, isHash } from './hashing';
import type { NodeId, NodeReader } from './node';

/** The perfect-subtree reads needed for a proof, and how to assemble it. */
export class ProofNodes {
  /**
   * @param ids nodes to read, in proof order (lower levels first)
   * @param ephemBegin,ephemEnd ids[ephemBegin:ephemEnd] (lowest level first)
   *   are the right-edge perfect subtrees that rehash() folds into the single
   *   ephemeral node the proof uses in their place; empty if there is none
   */
  constructor(
    readonly ids: readonly NodeId[],
    readonly ephemBegin = 0,
    readonly ephemEnd = 0,
  ) {}

  /** Builds the proof from the hashes of `ids`, given in the same order. */
  rehash(hashes: readonly Uint8Array[]): Uint8Array[] {
    if (hashes.length !== this.ids.length) {
      throw new RangeError(`expected ${this.ids.length} node hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => {
      if (!isHash(h)) {
        const { level, index } = this.ids[i];
        throw new RangeError(`hash of node (${level}, ${index}) is not ${HASH_SIZE} bytes`);
      }
    });
    const proof: Uint8Array[] = [];
    for (let i = 0; i < hashes.length; i++) {
      let hash = hashes[i];
      if (i === this.ephemBegin && this.ephemEnd - this.ephemBegin > 1) {
        for (i++; i < this.ephemEnd; i++) hash = hashChildren(hashes[i], hash);
        i--;
      }
      proof.push(hash);
    }
    return proof;
  }
}

/**
 * Ids proving that node (level, index) is in the tree of `size`, the node
 * itself first (transparency-dev's proof.nodes).
 */
function pathNodes(index: number, level: number, size: number): ProofNodes {
  // Fork: the highest ancestor of (level, index) that is still a perfect
  // subtree of the tree of `size`. Its sibling is the ephemeral node.
  const inner = bitLength(xor(index, shr(size, level))) - 1;
  const forkLevel = level + inner;
  const forkBegin = shr(index, inner) * 2 ** forkLevel;
  const forkEnd = forkBegin + 2 ** forkLevel;

  const ids: NodeId[] = [{ level, index }];
  // Siblings on the path up to the fork.
  for (let l = level, i = index; l < forkLevel; l++, i = shr(i, 1)) {
    ids.push({ level: l, index: i % 2 === 0 ? i + 1 : i - 1 });
  }
  // Right of the fork: the subtrees covering [forkEnd, size), lowest first;
  // rehash() folds them into the ephemeral node.
  let begin = ids.length;
  ids.push(...decompose(forkEnd, size).reverse());
  let end = ids.length;
  // Left of the fork: the subtrees covering [0, forkBegin), lowest first.
  ids.push(...decompose(0, forkBegin).reverse());
  if (begin >= end) begin = end = 0;
  return new ProofNodes(ids, begin, end);
}

function skipFirst(p: ProofNodes): ProofNodes {
  const shift = p.ephemBegin < p.ephemEnd ? 1 : 0;
  return new ProofNodes(p.ids.slice(1), p.ephemBegin - shift, p.ephemEnd - shift);
}

/**
 * Perfect subtrees covering [begin, end), largest (leftmost) first. Requires
 * begin to be a multiple of the largest power of two <= end - begin, which
 * holds for both calls in pathNodes.
 */
function decompose(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  const width = end - begin;
  let pos = begin;
  for (let level = bitLength(width) - 1; level >= 0; level--) {
    if (shr(width, level) % 2 === 1) {
      ids.push({ level, index: pos / 2 ** level });
      pos += 2 ** level;
    }
  }
  return ids;
}

/** Nodes for the inclusion proof of leaf `index` in the tree of `size`. Requires 0 <= index < size. */
export function inclusionNodes(index: number, size: number): ProofNodes {
  if (!isUint53(index) || !isUint53(size)) throw new RangeError('index and size must be integers in [0, 2^53)');
  if (index >= size) throw new RangeError(`index ${index} out of range for tree size ${size}`);
  return skipFirst(pathNodes(index, 0, size));
}

/** Nodes for the consistency proof from tree size1 to size2. Requires 0 < size1 <= size2. */
export function consistencyNodes(size1: number, size2: number): ProofNodes {
  if (!isUint53(size1) || !isUint53(size2)) throw new RangeError('sizes must be integers in [0, 2^53)');
  if (size1 === 0) throw new RangeError('a consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new RangeError(`size1 ${size1} > size2 ${size2}`);
  if (size1 === size2) return new ProofNodes([]);
  // Start from the smallest frontier subtree of the old tree, which ends at
  // size1, and prove its inclusion in the new tree. If the old tree is
  // perfect, that subtree is the old root, which the verifier already has.
  const level = trailingZeros(size1);
  const plan = pathNodes(shr(size1 - 1, level), level, size2);
  return isPowerOfTwo(size1) ? skipFirst(plan) : plan;
}

/** Reads a plan's nodes (in one `nodes` call when the reader has one) and builds the proof. */
export async function readProof(plan: ProofNodes, reader: NodeReader): Promise<Uint8Array[]> {
  const hashes = reader.nodes
    ? await reader.nodes(plan.ids)
    : await Promise.all(plan.ids.map((id) => reader.node(id.level, id.index)));
  return plan.rehash(hashes);
}

/** Inclusion proof (audit path) of leaf `index` in the tree of `size`. */
export async function inclusionProof(index: number, size: number, reader: NodeReader): Promise<Uint8Array[]> {
  return readProof(inclusionNodes(index, size), reader);
}

/** Consistency proof between tree sizes size1 and size2 (0 < size1 <= size2). */
export async function consistencyProof(size1: number, size2: number, reader: NodeReader): Promise<Uint8Array[]> {
  return readProof(consistencyNodes(size1, size2), reader);
}
