/**
 * What a transparency-log client remembers: the leaves it proved included in a trusted tree head, carried to each
 * newer head over one consistency proof (RFC 9162 2.1.4) instead of new inclusion proofs. A head that does not
 * extend the trusted one (a failed proof, a fork, unreadable nodes) discards everything: the memory starts over from
 * that head and proves each leaf anew.
 *
 * The heads given to `advance` must already be authenticated (a checkpoint signature checked by the caller).
 */
import { bytesEqual } from './hashing';
import type { NodeId, NodeReader } from './node';
import { consistencyProof, inclusionNodes, type ProofNodes } from './proof';
import { verifyConsistency, verifyInclusion } from './verify';

export interface TreeHead {
  size: number;
  rootHash: Uint8Array;
}

/** A head the memory trusts; proofs against it are remembered as long as its lineage is. */
export interface TrustedHead extends TreeHead {
  readonly lineage: number;
}

export interface Leaf {
  index: number;
  hash: Uint8Array;
}

export class InclusionMemory {
  private trusted?: TrustedHead;
  /** Increments whenever trust starts over; heads of an earlier lineage are no longer extended by `trusted`. */
  private lineage = 0;
  /** `index:hex(leaf hash)` of leaves proven included in a head of the current lineage (insertion order = age). */
  private readonly proven = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly reader: NodeReader,
    private readonly maxLeaves = 200_000,
  ) {}

  /**
   * Trusts `head` if it extends the trusted head (one consistency proof), or starts over from it if it does not.
   * A head older than the trusted one changes nothing: the newer trusted head is returned, so callers never go back.
   * Calls are serialized, so concurrent callers with the same head share one proof.
   */
  advance(head: TreeHead): Promise<TrustedHead> {
    const next = this.queue.then(() => this.moveTo(head));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets every proof and the trusted head (after a head that could not be authenticated, say). */
  forget(): void {
    this.trusted = undefined;
    this.lineage++;
    this.proven.clear();
  }

  /**
   * Whether each leaf is included in `head` (from `advance`). Leaves proven before in its lineage need no read;
   * the others are proven together, with one read of all their proofs' nodes.
   */
  async included(head: TrustedHead, leaves: readonly Leaf[]): Promise<boolean[]> {
    const current = head.lineage === this.lineage;
    const answers = leaves.map((l): boolean | undefined => (l.index < head.size && current && this.proven.has(keyOf(l)) ? true : undefined));
    const open = leaves.flatMap((l, i) => (answers[i] === undefined && l.index < head.size ? [i] : []));
    if (open.length) {
      const plans = open.map((i): ProofNodes => inclusionNodes(leaves[i].index, head.size));
      const ids: NodeId[] = plans.flatMap((p) => p.ids);
      const hashes = ids.length ? await readNodes(this.reader, ids) : [];
      let at = 0;
      open.forEach((i, k) => {
        const proof = plans[k].rehash(hashes.slice(at, (at += plans[k].ids.length)));
        answers[i] = verifyInclusion(leaves[i].hash, leaves[i].index, head.size, proof, head.rootHash);
        if (answers[i] && head.lineage === this.lineage) this.remember(keyOf(leaves[i]));
      });
    }
    return answers.map((a) => a === true);
  }

  private async moveTo(head: TreeHead): Promise<TrustedHead> {
    const t = this.trusted;
    if (t && head.size === t.size && bytesEqual(head.rootHash, t.rootHash)) return t;
    if (t && head.size < t.size) return t;
    if (t && t.size > 0 && head.size > t.size && (await this.extends(t, head))) return (this.trusted = { ...head, lineage: this.lineage });
    this.forget();
    return (this.trusted = { ...head, lineage: this.lineage });
  }

  private async extends(old: TreeHead, head: TreeHead): Promise<boolean> {
    try {
      return verifyConsistency(old.size, head.size, await consistencyProof(old.size, head.size, this.reader), old.rootHash, head.rootHash);
    } catch {
      return false; // nodes missing or malformed: the new head cannot be shown to extend the old one
    }
  }

  private remember(key: string): void {
    this.proven.add(key);
    if (this.proven.size > this.maxLeaves) this.proven.delete(this.proven.values().next().value as string);
  }
}

const keyOf = (l: Leaf) => `${l.index}:${Buffer.from(l.hash).toString('hex')}`;

async function readNodes(reader: NodeReader, ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
  return reader.nodes ? reader.nodes(ids) : Promise.all(ids.map((id) => reader.node(id.level, id.index)));
}
