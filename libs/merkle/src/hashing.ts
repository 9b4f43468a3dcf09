/**
 * RFC 9162 section 2.1 hashing with SHA-256.
 *
 *   leaf hash     = SHA-256(0x00 || data)
 *   interior node = SHA-256(0x01 || left || right)
 *   empty tree    = SHA-256("")
 *
 * This is the ledger's hot path, so it uses node:crypto's one-shot `hash()`
 * (Node >= 20.12, about 1.5x faster than createHash for small inputs) over a
 * reused scratch buffer, falling back to createHash for large inputs and for
 * older runtimes. Every function returns a fresh Buffer (a Uint8Array).
 */
import * as crypto from 'node:crypto';

/** Size in bytes of every hash in the tree. */
export const HASH_SIZE = 32;
/** Domain-separation prefix of leaf hashes. */
export const LEAF_PREFIX = 0x00;
/** Domain-separation prefix of interior node hashes. */
export const NODE_PREFIX = 0x01;

/** Root of the empty tree: SHA-256(""). Treat as read-only. */
export const EMPTY_ROOT: Uint8Array = crypto.createHash('sha256').digest();

const oneShot: typeof crypto.hash | undefined = typeof crypto.hash === 'function' ? crypto.hash : undefined;
const LEAF_PREFIX_BYTES = Uint8Array.of(LEAF_PREFIX);
const NODE_PREFIX_BYTES = Uint8Array.of(NODE_PREFIX);

// Leaves up to this many bytes are hashed from the scratch buffer in one call.
const MAX_SCRATCH_LEAF = 2048;
const leafScratch = Buffer.allocUnsafe(1 + MAX_SCRATCH_LEAF);
leafScratch[0] = LEAF_PREFIX;
const nodeScratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;

/** SHA-256(0x00 || data): the hash of a log entry. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  if (oneShot !== undefined && data.length <= MAX_SCRATCH_LEAF) {
    leafScratch.set(data, 1);
    return oneShot('sha256', leafScratch.subarray(0, 1 + data.length), 'buffer');
  }
  return crypto.createHash('sha256').update(LEAF_PREFIX_BYTES).update(data).digest();
}

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (oneShot !== undefined && left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return oneShot('sha256', nodeScratch, 'buffer');
  }
  return crypto.createHash('sha256').update(NODE_PREFIX_BYTES).update(left).update(right).digest();
}

/** Byte-wise equality (hashes are public, so no constant-time compare is needed). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True if `h` is a Uint8Array of HASH_SIZE bytes. */
export function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}
