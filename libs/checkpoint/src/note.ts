/**
 * Signed notes (c2sp.org/signed-note; reference: golang.org/x/mod/sumdb/note):
 *
 *   <text, ending in a newline>
 *   <blank line>
 *   — <key name> <base64(4-byte key ID || signature)>     one line per signature, em dash U+2014
 */
import { base64Decode, base64Encode, concatBytes, decodeUtf8, isNoteSafe, noteBytes, uint32be, uint32Bytes } from './encoding';
import { CheckpointError } from './errors';
import { ED25519, isValidKeyName, parseVkey, signEd25519, verifyEd25519, type SignerKey, type VerifierKey } from './keys';

/** x/mod/sumdb/note's limit; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
/** Room for 100 post-quantum signatures (under 5 kB each) and any reasonable text. */
export const MAX_NOTE_BYTES = 1 << 20;

/** Signs note texts; `sign` returns the signature bytes that follow the key ID. */
export interface Signer {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

/** Verifies the signature bytes (after the key ID) of one key over a note text. */
export interface Verifier {
  readonly name: string;
  readonly keyId: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** Includes the final newline, not the blank line. */
  readonly text: string;
  /** Verified, one per key, in note order. */
  readonly sigs: readonly NoteSignature[];
  /** From keys the caller did not pass, not verified; repeated identical lines appear once. */
  readonly unverified: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';

/** A Signer for an Ed25519 (type 0x01) key. */
export function noteSigner(key: SignerKey): Signer {
  if (key.type !== ED25519) throw new CheckpointError('INVALID_KEY', 'a note signer needs an Ed25519 (type 0x01) key');
  return { name: key.name, keyId: key.keyId, sign: (text) => signEd25519(key, text) };
}

/** A Verifier for an Ed25519 (type 0x01) vkey. Throws CheckpointError INVALID_KEY. */
export function noteVerifier(vkey: string | VerifierKey): Verifier {
  const key = typeof vkey === 'string' ? parseVkey(vkey) : vkey;
  if (key.type !== ED25519) throw new CheckpointError('INVALID_KEY', 'a note verifier needs an Ed25519 (type 0x01) key');
  return { name: key.name, keyId: key.keyId, verify: (text, signature) => verifyEd25519(key.publicKey, text, signature) };
}

export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new CheckpointError('INVALID_KEY', `invalid key name ${JSON.stringify(sig.name)}`);
  if (!Number.isInteger(sig.keyId) || sig.keyId < 0 || sig.keyId > 0xffffffff) {
    throw new CheckpointError('INVALID_KEY', 'a key ID is a uint32');
  }
  if (sig.signature.length === 0) throw new CheckpointError('INVALID_ARGUMENT', 'empty signature');
  return `${SIGNATURE_PREFIX}${sig.name} ${base64Encode(concatBytes(uint32Bytes(sig.keyId), sig.signature))}\n`;
}

/**
 * The signed note of `text` (non-empty, ending in a newline, no control character but newline) by each signer, in
 * order. Refuses what openNote would refuse, so every note it returns opens.
 */
export function signNote(text: string, signers: readonly Signer[]): string {
  if (!text.endsWith('\n')) throw new CheckpointError('MALFORMED_NOTE', 'note text must end with a newline');
  const bytes = noteBytes(text, 'MALFORMED_NOTE');
  if (signers.length === 0 || signers.length > MAX_SIGNATURES) {
    throw new CheckpointError('INVALID_ARGUMENT', `a note has 1 to ${MAX_SIGNATURES} signatures`);
  }
  let note = `${text}\n`;
  for (const s of signers) note += formatSignatureLine({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) });
  if (Buffer.byteLength(note) > MAX_NOTE_BYTES) throw new CheckpointError('MALFORMED_NOTE', `note exceeds ${MAX_NOTE_BYTES} bytes`);
  return note;
}

/**
 * Parses a signed note and verifies it per c2sp.org/signed-note. Signatures whose (name, key ID) match no verifier
 * are ignored (listed in `unverified`). Every signature of a known key is verified, repeats included, and one that
 * fails rejects the whole note (BAD_SIGNATURE); at least one must verify (UNVERIFIED). Anything not exactly in the
 * format, or over MAX_NOTE_BYTES or MAX_SIGNATURES, is MALFORMED_NOTE.
 */
export function openNote(note: Uint8Array | string, verifiers: readonly Verifier[]): Note {
  const bytes = typeof note === 'string' ? noteBytes(note, 'MALFORMED_NOTE') : note;
  if (bytes.length > MAX_NOTE_BYTES) malformed(`note exceeds ${MAX_NOTE_BYTES} bytes`);
  const message = decodeUtf8(bytes);
  if (message === undefined || !isNoteSafe(message)) malformed('not UTF-8 without control characters other than newline');
  // The text may contain blank lines: the signatures follow the last one.
  const split = message.lastIndexOf('\n\n');
  const block = message.slice(split + 2);
  if (split < 0 || !block.endsWith('\n')) malformed('expected text, a blank line, then newline-terminated signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed(`more than ${MAX_SIGNATURES} signatures`);

  const text = message.slice(0, split + 1);
  const textBytes = bytes.subarray(0, Buffer.byteLength(text));
  const known = byKey(verifiers);
  const sigs: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKeys = new Set<string>();
  const seenLines = new Set<string>();
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    const key = keyRef(sig);
    const verifier = known.get(key);
    if (verifier === undefined) {
      if (!seenLines.has(line)) unverified.push(sig);
      seenLines.add(line);
      continue;
    }
    if (verifier === null) throw new CheckpointError('AMBIGUOUS_KEY', `several verifiers for ${key}`);
    if (!verifier.verify(textBytes, sig.signature)) throw new CheckpointError('BAD_SIGNATURE', `invalid signature by ${key}`);
    if (!seenKeys.has(key)) sigs.push(sig);
    seenKeys.add(key);
  }
  if (sigs.length === 0) throw new CheckpointError('UNVERIFIED', 'no signature from a known key');
  return { text, sigs, unverified };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) malformed('a signature line starts with an em dash and a space');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const raw = space < 0 ? undefined : base64Decode(rest.slice(space + 1));
  // At least one signature byte after the key ID, as x/mod/sumdb/note requires.
  if (!isValidKeyName(name) || raw === undefined || raw.length < 5) {
    malformed('expected — <key name> <base64 of a key ID and a signature>');
  }
  return { name, keyId: uint32be(raw), signature: raw.subarray(4) };
}

// null marks (name, key ID) pairs claimed by several verifiers: which key signed is then unknowable.
function byKey(verifiers: readonly Verifier[]): Map<string, Verifier | null> {
  const map = new Map<string, Verifier | null>();
  for (const v of verifiers) {
    const key = keyRef(v);
    map.set(key, map.has(key) ? null : v);
  }
  return map;
}

function keyRef(k: { readonly name: string; readonly keyId: number }): string {
  return `${k.name}+${k.keyId.toString(16).padStart(8, '0')}`;
}

function malformed(message: string): never {
  throw new CheckpointError('MALFORMED_NOTE', message);
}
