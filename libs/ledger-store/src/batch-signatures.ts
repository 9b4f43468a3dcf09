import { verifiesDetached, type DetachedCheck } from './formats';

/** Documents remembered at a time: a document's events are logged together, so only the latest few recur. */
const RECENT_DOCUMENTS = 1024;

/**
 * A document batch signature checker that runs Ed25519 once per (JWS, payload, key). The payload is the batch root
 * that recordSignatureProblem rebuilds from each leaf's own event hash ID and inclusion proof, so every leaf still
 * proves its membership; a tampered leaf rebuilds another root, misses, and is verified (and fails) in full.
 * Only successes are kept. The audit and the verify app each hold one.
 */
export function batchSignaturesOnce(check: DetachedCheck = verifiesDetached): DetachedCheck {
  const verified = new Set<string>();
  return (jws, payload, publicJwk) => {
    const signed = `${jws}\n${Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1')}\n${JSON.stringify(publicJwk)}`;
    if (verified.has(signed)) return true;
    if (!check(jws, payload, publicJwk)) return false;
    if (verified.size >= RECENT_DOCUMENTS) verified.delete(verified.values().next().value!);
    verified.add(signed);
    return true;
  };
}
