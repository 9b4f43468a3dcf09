import { canonicalize, utf8Encode } from '@app/crypto';
import { hashLeaf, inclusionProof, MemoryNodeStore, rootFromInclusionProof } from '@app/merkle';

/**
 * One signature for a whole capture document: a detached JWS over the RFC 8785 form of
 * `{ eventCount, eventHashRoot }`, where eventHashRoot is the RFC 9162 Merkle root over the
 * documents' event hash IDs (UTF-8) in document order. Each event then carries its index and
 * inclusion proof, so it can be shown to come from its signer without the rest of the document.
 */
export interface BatchPosition {
  index: number;
  count: number;
  /** Inclusion proof of the event's hash ID in the batch tree, hex hashes. */
  proof: string[];
}

const leafOf = (eventId: string) => hashLeaf(utf8Encode(eventId));

export function batchSigningPayload(count: number, root: Uint8Array): Uint8Array {
  return utf8Encode(canonicalize({ eventCount: count, eventHashRoot: Buffer.from(root).toString('hex') }));
}

/** The payload a partner signs for a document, and each event's position in the batch tree. */
export async function batchOf(eventIds: string[]): Promise<{ payload: Uint8Array; positions: BatchPosition[] }> {
  const store = MemoryNodeStore.fromLeafHashes(eventIds.map(leafOf));
  const count = eventIds.length;
  const positions = await Promise.all(
    eventIds.map(async (_, index) => ({ index, count, proof: (await inclusionProof(index, count, store)).map((h) => Buffer.from(h).toString('hex')) })),
  );
  return { payload: batchSigningPayload(count, store.root()), positions };
}

/** Rebuilds the signed payload from one event and its position; throws ProofError on a malformed proof. */
export function batchPayloadFor(eventId: string, position: BatchPosition): Uint8Array {
  const proof = position.proof.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
  return batchSigningPayload(position.count, rootFromInclusionProof(leafOf(eventId), position.index, position.count, proof));
}
