/**
 * Ed25519 witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1, key type 0x04). The witness signs
 *
 *   cosignature/v1\n
 *   time <POSIX seconds, decimal>\n
 *   <checkpoint note text>
 *
 * and the note signature is the 8-byte big-endian timestamp followed by the 64-byte Ed25519 signature.
 */
import { concatBytes, decodeUtf8, noteBytes, utf8 } from './encoding';
import { parseCheckpoint } from './checkpoint';
import { CheckpointError } from './errors';
import { COSIGNATURE_V1, parseVkey, signEd25519, verifyEd25519, type SignerKey, type VerifierKey } from './keys';
import type { NoteSignature, Signer, Verifier } from './note';

const TIMESTAMP_SIZE = 8;
const SIGNATURE_SIZE = TIMESTAMP_SIZE + 64;

/**
 * A Signer (for signNote) cosigning checkpoints as of `time`, in POSIX seconds: a positive integer, since a witness
 * states what it saw at that time (tlog-witness forbids a zero timestamp).
 */
export function cosignatureSigner(key: SignerKey, time: number): Signer {
  if (key.type !== COSIGNATURE_V1) throw new CheckpointError('INVALID_KEY', 'a cosigner needs a cosignature/v1 (type 0x04) key');
  if (!Number.isSafeInteger(time) || time <= 0) throw new CheckpointError('INVALID_ARGUMENT', 'time must be a positive integer below 2^53');
  const timestamp = new Uint8Array(TIMESTAMP_SIZE);
  new DataView(timestamp.buffer).setBigUint64(0, BigInt(time));
  return {
    name: key.name,
    keyId: key.keyId,
    sign(text) {
      if (!isCheckpoint(text)) throw new CheckpointError('MALFORMED_CHECKPOINT', 'a witness cosigns checkpoints only');
      return concatBytes(timestamp, signEd25519(key, signedMessage(time, text)));
    },
  };
}

/**
 * The witness's cosignature of a checkpoint note text (a tlog-witness add-checkpoint response is its
 * formatSignatureLine). Decide with checkConsistency first: a witness never cosigns two inconsistent checkpoints.
 */
export function cosign(checkpointText: string, key: SignerKey, time: number): NoteSignature {
  const signer = cosignatureSigner(key, time);
  return { name: key.name, keyId: key.keyId, signature: signer.sign(noteBytes(checkpointText, 'MALFORMED_CHECKPOINT')) };
}

/** A Verifier (for openNote / openCheckpoint) of a witness's cosignature/v1 vkey. Throws CheckpointError INVALID_KEY. */
export function cosignatureVerifier(vkey: string | VerifierKey): Verifier {
  const key = typeof vkey === 'string' ? parseVkey(vkey) : vkey;
  if (key.type !== COSIGNATURE_V1) throw new CheckpointError('INVALID_KEY', 'a cosignature verifier needs a type 0x04 key');
  return {
    name: key.name,
    keyId: key.keyId,
    verify(text, signature) {
      const time = readTime(signature);
      if (time === undefined || !isCheckpoint(text)) return false;
      return verifyEd25519(key.publicKey, signedMessage(time, text), signature.subarray(TIMESTAMP_SIZE));
    },
  };
}

/**
 * Checks one cosignature of `checkpointText` by the witness key `witness` and returns its time (POSIX seconds).
 * Throws CheckpointError: UNKNOWN_KEY if the signature is by another key, BAD_SIGNATURE if it does not verify,
 * MALFORMED_CHECKPOINT / INVALID_KEY for bad arguments.
 */
export function verifyCosignature(checkpointText: string, signature: NoteSignature, witness: string | VerifierKey): number {
  parseCheckpoint(checkpointText);
  const verifier = cosignatureVerifier(witness);
  if (signature.name !== verifier.name || signature.keyId !== verifier.keyId) {
    throw new CheckpointError('UNKNOWN_KEY', `the signature is by ${signature.name}, not by the witness key ${verifier.name}`);
  }
  if (!verifier.verify(noteBytes(checkpointText, 'MALFORMED_CHECKPOINT'), signature.signature)) {
    throw new CheckpointError('BAD_SIGNATURE', `invalid cosignature by ${verifier.name}`);
  }
  return cosignatureTime(signature);
}

/** The time a cosignature/v1 signature claims, unverified. Throws CheckpointError INVALID_ARGUMENT if it is not one. */
export function cosignatureTime(signature: NoteSignature): number {
  const time = readTime(signature.signature);
  if (time === undefined) throw new CheckpointError('INVALID_ARGUMENT', 'not a cosignature/v1 signature with a time below 2^53');
  return time;
}

// The spec caps timestamps at 2^63 - 1 and lets verifiers reject times in the future: 2^53 s is 285 million years
// away, so refusing more keeps times exact as numbers.
function readTime(signature: Uint8Array): number | undefined {
  if (signature.length !== SIGNATURE_SIZE) return undefined;
  const time = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  return time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : undefined;
}

function signedMessage(time: number, checkpointText: Uint8Array): Uint8Array {
  return concatBytes(utf8(`cosignature/v1\ntime ${time}\n`), checkpointText);
}

// Cosignatures are statements about checkpoints: neither made nor accepted over any other text.
function isCheckpoint(text: Uint8Array): boolean {
  const body = decodeUtf8(text);
  if (body === undefined) return false;
  try {
    parseCheckpoint(body);
    return true;
  } catch {
    return false;
  }
}
