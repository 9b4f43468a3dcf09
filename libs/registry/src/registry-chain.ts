import { canonicalize, sha256, signDetached, utf8Encode, verifyDetached, type JwkInput } from '@app/crypto';

/** One registry change as the chain commits to it. */
export interface RegistryChange {
  seq: number;
  at: string;
  actor: string;
  action: string;
  change: unknown;
  /** Hex SHA-256 of the previous entry's body; 64 zeros for the first. */
  prevHash: string;
}

export const REGISTRY_GENESIS = '0'.repeat(64);
export const REGISTRY_KEY_ID = 'registry';

/** The signed bytes: RFC 8785 JSON of the entry; its SHA-256 is the next entry's prevHash. */
export function registryEntryBytes(e: RegistryChange): Uint8Array {
  return utf8Encode(canonicalize({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, change: e.change, prevHash: e.prevHash }));
}

export function signRegistryChange(e: RegistryChange, privateJwk: JwkInput): { hash: string; signature: string } {
  const bytes = registryEntryBytes(e);
  return { hash: Buffer.from(sha256(bytes)).toString('hex'), signature: signDetached(bytes, privateJwk, { kid: REGISTRY_KEY_ID }) };
}

/** Walks the chain in order; returns the first broken entry and why, or undefined when all of it holds. */
export function checkRegistryChain(
  entries: (RegistryChange & { hash: string; signature: string })[],
  publicJwk: JwkInput,
): { seq: number; problem: string } | undefined {
  let prev = REGISTRY_GENESIS;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i) return { seq: i, problem: `entry ${i} is missing` };
    if (e.prevHash !== prev) return { seq: e.seq, problem: 'previous hash breaks the chain' };
    const bytes = registryEntryBytes(e);
    if (Buffer.from(sha256(bytes)).toString('hex') !== e.hash) return { seq: e.seq, problem: 'hash does not match the entry' };
    if (!verifyDetached(e.signature, bytes, publicJwk).ok) return { seq: e.seq, problem: 'registry signature does not verify' };
    prev = e.hash;
  }
  return undefined;
}
