/**
 * Inclusion and consistency proof VERIFICATION (RFC 9162 2.1.3.2, 2.1.4.2),
 * following transparency-dev/merkle's proof/verify.go.
 *
 * Style: `rootFrom*Proof` compute the root a proof implies and throw a
 * ProofError (with a machine-readable `reason`) when the inputs are
 * malformed; `verify*` return a boolean and never throw for bad proofs.
 */
import { bitLength, isUint53, onesCount, shr, trailingZeros, xor } from './bits';
import { HASH_SIZE, bytesEqual, hashChildren } from './hashing';

export type ProofErrorReason =
  | 'invalid-argument' // sizes/indices not integers in [0, 2^53), or non-byte inputs
  | 'index-out-of-range' // inclusion: index >= size
  | 'empty-tree' // consistency: size1 == 0
  | 'size-order' // consistency: size1 > size2
  | 'hash-length' // a leaf hash, root or proof element is not 32 bytes
  | 'proof-length' // wrong number of proof elements
  | 'root-mismatch'; // the proof does not lead to the given root

export class ProofError extends Error {
  constructor(
    readonly reason: ProofErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ProofError';
  }
}

function checkHash(h: unknown, what: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array)) throw new ProofError('invalid-argument', `${what} is not a Uint8Array`);
  if (h.length !== HASH_SIZE) throw new ProofError('hash-length', `${what} has ${h.length} bytes, want ${HASH_SIZE}`);
}

function checkProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw new ProofError('invalid-argument', 'proof is not an array');
}

/**
 * The root of the tree of `size` leaves implied by an inclusion proof of leaf
 * `index` with hash `leafHash`. Throws ProofError if the inputs are malformed.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  if (!isUint53(index) || !isUint53(size)) {
    throw new ProofError('invalid-argument', 'index and size must be integers in [0, 2^53)');
  }
  if (index >= size) throw new ProofError('index-out-of-range', `index ${index} >= tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  checkProof(proof);
  // inner: levels below the point where the paths to `index` and `size - 1`
  // diverge (siblings on either side); border: left siblings above it.
  const inner = bitLength(xor(index, size - 1));
  const border = onesCount(shr(index, inner));
  if (proof.length !== inner + border) {
    throw new ProofError('proof-length', `proof has ${proof.length} elements, want ${inner + border}`);
  }
  proof.forEach((h, i) => checkHash(h, `proof[${i}]`));
  const res = chainInner(leafHash, proof, 0, inner, index);
  return chainBorderRight(res, proof, inner, proof.length);
}

/** True iff `proof` shows that leaf `index` with `leafHash` is in the tree of `size` with `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  return proofHolds(() => {
    const calculated = rootFromInclusionProof(leafHash, index, size, proof);
    checkHash(root, 'root');
    return bytesEqual(calculated, root);
  });
}

/**
 * The root of the tree of `size2` leaves implied by a consistency proof from
 * the tree of `size1` leaves with root `root1`. Also checks the proof against
 * `root1`. Throws ProofError if the inputs are malformed or `root1` does not
 * match. Check order (as the conformance vectors expect): size1 == 0 and
 * size1 > size2 are errors; for size1 == size2 the proof must be empty and
 * root1 is returned as is (no length check); only then are lengths checked.
 */
export function rootFromConsistencyProof(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Uint8Array {
  if (!isUint53(size1) || !isUint53(size2)) {
    throw new ProofError('invalid-argument', 'sizes must be integers in [0, 2^53)');
  }
  checkProof(proof);
  if (size1 === 0) throw new ProofError('empty-tree', 'a consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new ProofError('size-order', `size1 ${size1} > size2 ${size2}`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('proof-length', 'size1 == size2 but the proof is not empty');
    if (!(root1 instanceof Uint8Array)) throw new ProofError('invalid-argument', 'root1 is not a Uint8Array');
    return root1;
  }
  checkHash(root1, 'root1');
  if (proof.length === 0) throw new ProofError('proof-length', 'empty consistency proof');
  proof.forEach((h, i) => checkHash(h, `proof[${i}]`));

  // The proof starts at the smallest frontier subtree of the old tree (level
  // `shift`, ending at size1), whose hash is root1 itself if size1 is a power
  // of two, and is the inclusion proof of that subtree in the new tree.
  const inner = bitLength(xor(size1 - 1, size2 - 1));
  const shift = trailingZeros(size1);
  const border = onesCount(shr(size1 - 1, inner));
  const innerLen = inner - shift;
  const seedFromProof = size1 !== 2 ** shift;
  const seed = seedFromProof ? proof[0] : root1;
  const start = seedFromProof ? 1 : 0;
  if (proof.length !== start + innerLen + border) {
    throw new ProofError('proof-length', `proof has ${proof.length} elements, want ${start + innerLen + border}`);
  }
  const mask = shr(size1 - 1, shift);

  // Old root: only left siblings on the inner path belong to the old tree.
  let hash1 = chainInnerRight(seed, proof, start, start + innerLen, mask);
  hash1 = chainBorderRight(hash1, proof, start + innerLen, proof.length);
  if (!bytesEqual(hash1, root1)) throw new ProofError('root-mismatch', 'proof does not match root1');

  // New root: all siblings.
  const hash2 = chainInner(seed, proof, start, start + innerLen, mask);
  return chainBorderRight(hash2, proof, start + innerLen, proof.length);
}

/** True iff `proof` shows the tree of `size2` with `root2` extends the tree of `size1` with `root1`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  return proofHolds(() => {
    const calculated = rootFromConsistencyProof(size1, size2, proof, root1);
    if (!(root2 instanceof Uint8Array)) throw new ProofError('invalid-argument', 'root2 is not a Uint8Array');
    if (size1 !== size2) checkHash(root2, 'root2');
    return bytesEqual(calculated, root2);
  });
}

function proofHolds(check: () => boolean): boolean {
  try {
    return check();
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

// proof[from:to] are siblings at increasing levels of the node at `index`
// (on its level): left sibling if the index bit is 1, right sibling if 0.
function chainInner(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  from: number,
  to: number,
  index: number,
): Uint8Array {
  for (let i = from; i < to; i++) {
    seed = shr(index, i - from) % 2 === 0 ? hashChildren(seed, proof[i]) : hashChildren(proof[i], seed);
  }
  return seed;
}

// Like chainInner but only applies left siblings: the hash of the same
// subtree as it was before the nodes to its right were appended.
function chainInnerRight(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  from: number,
  to: number,
  index: number,
): Uint8Array {
  for (let i = from; i < to; i++) {
    if (shr(index, i - from) % 2 === 1) seed = hashChildren(proof[i], seed);
  }
  return seed;
}

// proof[from:to] are left siblings along the right border of the tree.
function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[], from: number, to: number): Uint8Array {
  for (let i = from; i < to; i++) seed = hashChildren(proof[i], seed);
  return seed;
}
