/**
 * In-memory log: a CompactRange plus every perfect subtree it completed,
 * stored write-once by (level, index). It is the reference NodeReader for
 * tests, and models what the ledger persists (see README.md).
 */
import { CompactRange, frontierIds } from './compact-range';
import { bytesEqual } from './hashing';
import type { Node, NodeId, NodeReader } from './node';

export class MemoryNodeStore implements NodeReader {
  /** levels[level][index] = hash of the perfect subtree at (level, index). */
  private readonly levels: Uint8Array[][] = [];
  private readonly range = CompactRange.empty();

  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MemoryNodeStore {
    const store = new MemoryNodeStore();
    for (const h of leafHashes) store.append(h);
    return store;
  }

  /** Number of leaves. */
  get size(): number {
    return this.range.size;
  }

  /** Appends a leaf hash and stores the nodes it completes; returns them. */
  append(leafHash: Uint8Array): Node[] {
    const completed = this.range.append(leafHash);
    for (const n of completed) this.put(n);
    return completed;
  }

  /** Stores a node. Nodes are immutable: re-writing one with a different hash throws. */
  put(node: Node): void {
    const level = (this.levels[node.level] ??= []);
    const existing = level[node.index];
    if (existing !== undefined && !bytesEqual(existing, node.hash)) {
      throw new Error(`node (${node.level}, ${node.index}) already stored with a different hash`);
    }
    level[node.index] = node.hash;
  }

  node(level: number, index: number): Uint8Array {
    const hash = this.levels[level]?.[index];
    if (hash === undefined) throw new RangeError(`node (${level}, ${index}) not stored`);
    return hash;
  }

  nodes(ids: readonly NodeId[]): Uint8Array[] {
    return ids.map((id) => this.node(id.level, id.index));
  }

  /** Root of the current tree. */
  root(): Uint8Array {
    return this.range.root();
  }

  /** Root of the tree as it was at `size` leaves (size <= this.size). */
  rootAt(size: number): Uint8Array {
    if (size > this.size) throw new RangeError(`size ${size} > current size ${this.size}`);
    return CompactRange.fromHashes(size, this.nodes(frontierIds(size))).root();
  }
}
