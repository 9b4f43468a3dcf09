/**
 * In-browser verification of the ledger's answers, so a pharmacist does not have to trust the server that shows them:
 *
 * - C2SP signed notes and checkpoints (docs/checkpoint-format.md), opened with the ledger's verifier key (vkey);
 * - RFC 9162 leaf hashes (SHA-256 of 0x00 ‖ leaf data) and inclusion proofs, mirroring libs/merkle/src/verify.ts.
 *
 * Hashing with WebCrypto SHA-256, signatures with ed25519.js. Pure functions of their inputs: no network, no DOM.
 */
import { ed25519Verify } from './ed25519.js';

export const HASH_SIZE = 32;
export const ED25519_NOTE = 0x01;
/** Key type of witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1). */
export const COSIGNATURE_V1 = 0x04;
const COSIGNATURE_TIMESTAMP = 8;
const MAX_NOTE_BYTES = 1 << 20;
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
// Signed notes forbid ASCII control characters other than newline; key names also forbid white space and plus signs.
const FORBIDDEN_IN_NOTE = /[\x00-\x09\x0B-\x1F]|[\uD800-\uDFFF]/u;
const INVALID_NAME = /[\p{White_Space}+\x00-\x1F]|[\uD800-\uDFFF]/u;
const SIZE = /^(?:0|[1-9][0-9]*)$/;
const TWO_32 = 2 ** 32;

const encoder = new TextEncoder();

/** A refusal with a machine-readable code (the codes of @app/checkpoint and @app/merkle where they exist). */
export class VerificationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes

/** Canonical RFC 4648 base64 only: the text must re-encode to itself (one spelling per byte string). */
export function base64Decode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  let binary;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return base64Encode(bytes) === text ? bytes : undefined;
}

export function base64Encode(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Strict UTF-8 (a byte that is not UTF-8 is an error, not U+FFFD). */
export function decodeUtf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 9162 hashing and inclusion proofs

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** SHA-256(0x00 ‖ data): the hash of a log entry. */
export function hashLeaf(data) {
  return sha256(concatBytes(Uint8Array.of(0x00), data));
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function hashChildren(left, right) {
  return sha256(concatBytes(Uint8Array.of(0x01), left, right));
}

// 53-bit-exact bit helpers (JavaScript's bitwise operators work on 32 bits), as libs/merkle/src/bits.ts.
const isUint53 = (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
function bitLength(x) {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}
function popCount32(v) {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
const onesCount = (x) => popCount32(x % TWO_32) + popCount32(Math.floor(x / TWO_32));
function xor(a, b) {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a % TWO_32) ^ (b % TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}
const shr = (x, n) => Math.floor(x / 2 ** n);

function checkHash(h, what) {
  if (!(h instanceof Uint8Array)) throw new VerificationError('invalid-argument', `${what} is not a Uint8Array`);
  if (h.length !== HASH_SIZE) throw new VerificationError('hash-length', `${what} has ${h.length} bytes, want ${HASH_SIZE}`);
}

/**
 * The root of the tree of `size` leaves implied by the inclusion proof of leaf `index` with hash `leafHash`
 * (RFC 9162 §2.1.3.2, as transparency-dev/merkle's proof/verify.go). Throws VerificationError on malformed input.
 */
export async function rootFromInclusionProof(leafHash, index, size, proof) {
  if (!isUint53(index) || !isUint53(size)) throw new VerificationError('invalid-argument', 'index and size must be integers in [0, 2^53)');
  if (index >= size) throw new VerificationError('index-out-of-range', `index ${index} >= tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  if (!Array.isArray(proof)) throw new VerificationError('invalid-argument', 'proof is not an array');
  // inner: levels below the point where the paths to `index` and `size - 1` diverge (siblings on either side);
  // border: left siblings above it.
  const inner = bitLength(xor(index, size - 1));
  const border = onesCount(shr(index, inner));
  if (proof.length !== inner + border) throw new VerificationError('proof-length', `proof has ${proof.length} elements, want ${inner + border}`);
  proof.forEach((h, i) => checkHash(h, `proof[${i}]`));
  let hash = leafHash;
  for (let i = 0; i < inner; i++) hash = shr(index, i) % 2 === 0 ? await hashChildren(hash, proof[i]) : await hashChildren(proof[i], hash);
  for (let i = inner; i < proof.length; i++) hash = await hashChildren(proof[i], hash);
  return hash;
}

/** True iff `proof` shows that leaf `index` with `leafHash` is in the tree of `size` leaves with `root`. */
export async function verifyInclusion(leafHash, index, size, proof, root) {
  try {
    const calculated = await rootFromInclusionProof(leafHash, index, size, proof);
    checkHash(root, 'root');
    return bytesEqual(calculated, root);
  } catch (e) {
    if (e instanceof VerificationError) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys, signed notes, checkpoints (docs/checkpoint-format.md sections 3, 4 and 6)

export const isValidKeyName = (name) => typeof name === 'string' && name !== '' && !INVALID_NAME.test(name);

/** SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] as a big-endian uint32. */
export async function keyId(name, type, publicKey) {
  const digest = await sha256(concatBytes(encoder.encode(`${name}\n`), Uint8Array.of(type), publicKey));
  return new DataView(digest.buffer).getUint32(0);
}

export const hex32 = (value) => value.toString(16).padStart(8, '0');

/**
 * Parses a note verifier key `<name>+<key ID hex>+<base64(0x01 ‖ 32-byte Ed25519 key)>`, recomputing the key ID.
 * Throws VerificationError INVALID_KEY.
 */
export async function parseVkey(vkey) {
  const match = typeof vkey === 'string' ? /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey) : null;
  const typed = match && base64Decode(match[3]);
  if (!match || !/^[0-9a-f]{8}$/.test(match[2]) || !typed || typed.length !== 33)
    throw new VerificationError('INVALID_KEY', 'expected <name>+<8 lowercase hex digits>+<base64 of a type byte and a 32-byte key>');
  const [, name, id] = match;
  if (!isValidKeyName(name)) throw new VerificationError('INVALID_KEY', `invalid key name ${JSON.stringify(name)}`);
  if (typed[0] !== ED25519_NOTE) throw new VerificationError('INVALID_KEY', `a ledger key has type 0x01, not 0x${typed[0].toString(16)}`);
  const publicKey = typed.subarray(1);
  const computed = await keyId(name, ED25519_NOTE, publicKey);
  if (hex32(computed) !== id) throw new VerificationError('INVALID_KEY', `key ID ${id} does not match the name and key (want ${hex32(computed)})`);
  return { name, keyId: computed, publicKey };
}

/**
 * Opens a signed note with one trusted Ed25519 key (c2sp.org/signed-note): lines of other keys are ignored and
 * counted, every line of the trusted key must verify (one failure rejects the whole note), and at least one must.
 * Throws VerificationError MALFORMED_NOTE, BAD_SIGNATURE or UNVERIFIED.
 */
export async function openNote(noteBytes, key) {
  if (!(noteBytes instanceof Uint8Array)) noteBytes = encoder.encode(String(noteBytes));
  if (noteBytes.length > MAX_NOTE_BYTES) malformed(`note exceeds ${MAX_NOTE_BYTES} bytes`);
  const message = decodeUtf8(noteBytes);
  if (message === undefined || FORBIDDEN_IN_NOTE.test(message)) malformed('not UTF-8 without control characters other than newline');
  const split = message.lastIndexOf('\n\n');
  const block = message.slice(split + 2);
  if (split < 0 || !block.endsWith('\n')) malformed('expected text, a blank line, then newline-terminated signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);
  const text = message.slice(0, split + 1);
  const textBytes = encoder.encode(text);
  let verified = 0;
  const others = new Map();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) malformed('a signature line starts with an em dash and a space');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const raw = space < 0 ? undefined : base64Decode(rest.slice(space + 1));
    if (!isValidKeyName(name) || raw === undefined || raw.length < 5) malformed('expected — <key name> <base64 of a key ID and a signature>');
    const id = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
    if (name !== key.name || id !== key.keyId) {
      if (!others.has(line)) others.set(line, { line, name, keyId: id, signature: raw.subarray(4) });
      continue;
    }
    if (!(await ed25519Verify(key.publicKey, textBytes, raw.subarray(4))))
      throw new VerificationError('BAD_SIGNATURE', `invalid signature by ${key.name}+${hex32(key.keyId)}`);
    verified++;
  }
  if (verified === 0) throw new VerificationError('UNVERIFIED', `no signature by the ledger key ${key.name}+${hex32(key.keyId)}`);
  // The lines of other keys (witnesses), unverified: verifyCosignature checks one with its witness's key.
  return { text, otherSignatures: others.size, cosignatures: [...others.values()] };
}

/** Parses a checkpoint note text strictly (docs/checkpoint-format.md section 3). Throws MALFORMED_CHECKPOINT. */
export function parseCheckpoint(text) {
  const bad = (message) => {
    throw new VerificationError('MALFORMED_CHECKPOINT', message);
  };
  if (!text.endsWith('\n') || FORBIDDEN_IN_NOTE.test(text)) bad('a checkpoint is newline-terminated lines without control characters');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (root === undefined) bad('a checkpoint has at least three lines');
  if (origin === '' || extensions.includes('')) bad('checkpoint lines must be non-empty');
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) bad('the tree size must be decimal without leading zeros, below 2^53');
  const rootHash = base64Decode(root);
  if (rootHash?.length !== HASH_SIZE) bad(`the root hash must be the canonical base64 of ${HASH_SIZE} bytes`);
  return { origin, size: Number(size), rootHash, extensions };
}

/**
 * A checkpoint note that carries a valid signature of the ledger key and names the key's origin.
 * Throws VerificationError (openNote's codes, MALFORMED_CHECKPOINT, WRONG_ORIGIN).
 */
export async function openCheckpoint(noteBytes, key) {
  const note = await openNote(noteBytes, key);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== key.name)
    throw new VerificationError('WRONG_ORIGIN', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(key.name)}`);
  return { ...checkpoint, text: note.text, otherSignatures: note.otherSignatures, cosignatures: note.cosignatures };
}

/**
 * The time (POSIX seconds) a cosignature/v1 signature line claims, unverified; undefined if the signature is not
 * an 8-byte timestamp and a 64-byte signature, or the time is not below 2^53.
 */
export function cosignatureTime(cosignature) {
  const sig = cosignature?.signature;
  if (!(sig instanceof Uint8Array) || sig.length !== COSIGNATURE_TIMESTAMP + 64) return undefined;
  const view = new DataView(sig.buffer, sig.byteOffset, COSIGNATURE_TIMESTAMP);
  const time = view.getUint32(0) * TWO_32 + view.getUint32(4);
  return Number.isSafeInteger(time) ? time : undefined;
}

/**
 * Checks a witness's cosignature (one of openCheckpoint's `cosignatures`) of the checkpoint with the witness's
 * 32-byte Ed25519 public key: the key ID of (name, type 0x04, key) must be the line's, and the signature must cover
 * "cosignature/v1\ntime <t>\n" and the checkpoint text (c2sp.org/tlog-cosignature).
 * Returns { ok: true, time } or { ok: false, reason }.
 */
export async function verifyCosignature(checkpoint, cosignature, publicKey) {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return { ok: false, reason: 'the witness key is not a 32-byte Ed25519 key' };
  if ((await keyId(cosignature.name, COSIGNATURE_V1, publicKey)) !== cosignature.keyId)
    return { ok: false, reason: "the key ID does not match the witness's registered key" };
  const time = cosignatureTime(cosignature);
  if (time === undefined) return { ok: false, reason: 'not a cosignature/v1 signature' };
  const message = concatBytes(encoder.encode(`cosignature/v1\ntime ${time}\n`), encoder.encode(checkpoint.text));
  if (!(await ed25519Verify(publicKey, message, cosignature.signature.subarray(COSIGNATURE_TIMESTAMP)))) return { ok: false, reason: 'the signature does not verify' };
  return { ok: true, time };
}

function malformed(message) {
  throw new VerificationError('MALFORMED_NOTE', message);
}

// ---------------------------------------------------------------------------------------------------------------
// One custody step against a verified checkpoint

/**
 * Checks the ledger's inclusion proof answer (GET /proofs/inclusion, docs/ledger-formats.md section 7.2) against a
 * verified checkpoint: the leaf hash recomputed from the leaf data and the proof leading to the signed root.
 * Returns { ok: true, leafIndex, leafHash, leafData } or { ok: false, reason }.
 */
export async function checkInclusion(checkpoint, answer) {
  if (!answer || typeof answer !== 'object') return fail('the ledger sent no proof');
  if (answer.treeSize !== checkpoint.size) return fail(`the proof is for tree size ${answer.treeSize}, not the signed ${checkpoint.size}`);
  const leafData = base64Decode(answer.leafData);
  const proof = Array.isArray(answer.proof) ? answer.proof.map(base64Decode) : undefined;
  if (!leafData || !proof || proof.some((h) => h === undefined) || !isUint53(answer.leafIndex)) return fail('the proof answer is malformed');
  const leafHash = await hashLeaf(leafData);
  if (!(await verifyInclusion(leafHash, answer.leafIndex, checkpoint.size, proof, checkpoint.rootHash)))
    return fail('the inclusion proof does not lead to the signed root hash');
  return { ok: true, leafIndex: answer.leafIndex, leafHash, leafData };
}

/** The logged leaf record (JSON), or undefined. */
function parseLeaf(leafData) {
  try {
    const leaf = JSON.parse(decodeUtf8(leafData) ?? '');
    return leaf && typeof leaf === 'object' ? leaf : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the inclusion proof of one step the verify app reported (checkInclusion), and that the proven leaf is the
 * step's event (event hash ID, event time, signer and record time as the log holds them).
 * Returns { ok: true, leafIndex, leafHash } or { ok: false, reason }.
 */
export async function checkStepProof(step, checkpoint, answer) {
  const proven = await checkInclusion(checkpoint, answer);
  if (!proven.ok) return proven;
  const leaf = parseLeaf(proven.leafData);
  if (!leaf) return fail('the logged leaf is not JSON');
  const mismatch = [
    leaf.eventId !== step.eventId && 'event hash ID',
    leaf.event?.eventTime !== step.eventTime && 'event time',
    leaf.recordTime !== step.recordTime && 'record time',
    (leaf.signer?.gln !== step.signer?.gln || leaf.signer?.kid !== step.signer?.kid) && 'signer',
  ].filter(Boolean);
  if (mismatch.length) return fail(`the logged leaf differs from the step shown (${mismatch.join(', ')})`);
  return { ok: true, leafIndex: proven.leafIndex, leafHash: proven.leafHash };
}

/**
 * Checks the inclusion proof of the event with hash ID `eventId` (checkInclusion), and that the proven leaf is
 * that event. Returns { ok: true, leafIndex, leafHash, leaf } (the logged record) or { ok: false, reason }.
 */
export async function checkEventProof(eventId, checkpoint, answer) {
  const proven = await checkInclusion(checkpoint, answer);
  if (!proven.ok) return proven;
  const leaf = parseLeaf(proven.leafData);
  if (!leaf) return fail('the logged leaf is not JSON');
  if (leaf.eventId !== eventId) return fail(`the proven leaf is another event (${String(leaf.eventId ?? leaf.entryId ?? 'no event ID')})`);
  return { ok: true, leafIndex: proven.leafIndex, leafHash: proven.leafHash, leaf };
}

function fail(reason) {
  return { ok: false, reason };
}
