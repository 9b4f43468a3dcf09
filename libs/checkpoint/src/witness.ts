/**
 * The witness rule, shared by the ledger: never (co)sign two checkpoints that are not consistent. Given the last
 * tree head a witness cosigned (or the ledger signed) for a log, a new one may be signed only if it extends it, as a
 * consistency proof shows (c2sp.org/tlog-witness, add-checkpoint; c2sp.org/tlog-checkpoint, Signatures).
 */
import { EMPTY_ROOT, bytesEqual, verifyConsistency } from '@app/merkle';
import { CheckpointError } from './errors';

export interface TreeHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export type Refusal =
  | 'SIZE_DECREASED' // the log would roll back leaves
  | 'ROOT_MISMATCH' // same size, another root: a fork, evidence of misbehaviour worth keeping
  | 'PROOF_INVALID' // the consistency proof does not lead from the last root to the new one
  | 'EMPTY_ROOT_MISMATCH'; // size 0 with a root other than SHA-256("")

export type ConsistencyCheck = { readonly ok: true } | { readonly ok: false; readonly reason: Refusal; readonly detail: string };

const OK: ConsistencyCheck = { ok: true };

/**
 * Whether `next` may be signed after `last` (undefined: nothing signed yet, like the empty tree), given an RFC 9162
 * consistency proof from `last` to `next`. The proof must be empty when there is nothing to prove: from the empty
 * tree, which every tree extends, and between equal sizes. Throws CheckpointError INVALID_ARGUMENT only for tree
 * heads no checkpoint can hold (sizes not integers in [0, 2^53), roots not 32 bytes).
 */
export function checkConsistency(last: TreeHead | undefined, next: TreeHead, proof: readonly Uint8Array[]): ConsistencyCheck {
  if (last !== undefined) checkTreeHead(last, 'last');
  checkTreeHead(next, 'next');
  if (next.size === 0 && !bytesEqual(next.rootHash, EMPTY_ROOT)) {
    return refuse('EMPTY_ROOT_MISMATCH', 'the empty tree has the root SHA-256("")');
  }
  if (last === undefined || last.size === 0) {
    return proof.length === 0 ? OK : refuse('PROOF_INVALID', 'every tree extends the empty tree: the proof must be empty');
  }
  if (next.size < last.size) return refuse('SIZE_DECREASED', `size ${next.size} is below the last signed size ${last.size}`);
  if (next.size === last.size) {
    if (!bytesEqual(next.rootHash, last.rootHash)) return refuse('ROOT_MISMATCH', `another root for the signed size ${next.size}`);
    return proof.length === 0 ? OK : refuse('PROOF_INVALID', 'equal sizes: the proof must be empty');
  }
  return verifyConsistency(last.size, next.size, proof, last.rootHash, next.rootHash)
    ? OK
    : refuse('PROOF_INVALID', `the proof does not show that size ${next.size} extends size ${last.size}`);
}

function refuse(reason: Refusal, detail: string): ConsistencyCheck {
  return { ok: false, reason, detail };
}

function checkTreeHead(head: TreeHead, what: string): void {
  if (!Number.isSafeInteger(head.size) || head.size < 0 || head.rootHash.length !== 32) {
    throw new CheckpointError('INVALID_ARGUMENT', `${what}: size must be an integer in [0, 2^53) and the root 32 bytes`);
  }
}
