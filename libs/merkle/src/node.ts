/**
 * Node addressing.
 *
 * A node is addressed by (level, index): the root of the PERFECT subtree of
 * 2^level leaves covering leaves [index * 2^level, (index + 1) * 2^level).
 * Leaves are level 0, so the node (0, i) holds the leaf hash of entry i, and
 * the parent of (level, index) is (level + 1, floor(index / 2)).
 *
 * Such a node's hash never changes once its last leaf is appended, which is
 * why it can be written once and never updated. Nodes on the right edge of a
 * tree whose size is not a power of two ("ephemeral" nodes) are NOT
 * addressable this way; they are recomputed from perfect nodes when needed.
 */

/** Address of a perfect subtree. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A perfect subtree and its hash. */
export interface Node extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * Source of perfect-subtree hashes, e.g. a PostgreSQL table keyed by
 * (level, index). `node` must return the hash of the perfect subtree at
 * (level, index). The optional `nodes` fetches many at once (one query) and
 * must return hashes in the order of `ids`.
 */
export interface NodeReader {
  node(level: number, index: number): Uint8Array | Promise<Uint8Array>;
  nodes?(ids: readonly NodeId[]): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
}

/** The half-open range of leaves [begin, end) under a node. */
export function nodeCoverage(id: NodeId): { begin: number; end: number } {
  const width = 2 ** id.level;
  return { begin: id.index * width, end: (id.index + 1) * width };
}
