/**
 * Checkpoint note texts (c2sp.org/tlog-checkpoint):
 *
 *   <origin>
 *   <tree size, decimal, no leading zeros>
 *   <root hash, base64>
 *   [<extension line>...]
 *
 * every line non-empty and newline-terminated.
 */
import { base64Decode, base64Encode, isNoteSafe } from './encoding';
import { CheckpointError } from './errors';
import { openNote, type Note, type Verifier } from './note';

export interface Checkpoint {
  /** The log's identity; any non-empty line (by convention a schema-less URL, e.g. dscsa-trace.example/ledger). */
  readonly origin: string;
  /** Number of leaves. Sizes of 2^53 and more are refused: libs/merkle takes sizes below 2^53. */
  readonly size: number;
  /** RFC 9162 root of the tree of `size` leaves (32 bytes). */
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty lines; NOT RECOMMENDED by the spec as monitors cannot audit them. */
  readonly extensions: readonly string[];
}

export type CheckpointFields = Omit<Checkpoint, 'extensions'> & { readonly extensions?: readonly string[] };

const SIZE = /^(?:0|[1-9][0-9]*)$/;
const HASH_SIZE = 32;

/** The note text of a checkpoint. Throws CheckpointError MALFORMED_CHECKPOINT for fields parseCheckpoint refuses. */
export function formatCheckpoint(c: CheckpointFields): string {
  const lines = [c.origin, String(c.size), base64Encode(c.rootHash), ...(c.extensions ?? [])];
  if (lines.some((line) => line.includes('\n'))) malformed('a checkpoint field holds a newline');
  const text = `${lines.join('\n')}\n`;
  parseCheckpoint(text); // the rules for each line live in one place
  return text;
}

/** Parses a checkpoint note text strictly. Throws CheckpointError MALFORMED_CHECKPOINT. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n') || !isNoteSafe(text)) malformed('a checkpoint is newline-terminated lines without control characters');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (root === undefined) malformed('a checkpoint has at least three lines');
  if (origin === '' || extensions.includes('')) malformed('checkpoint lines must be non-empty');
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) malformed('the tree size must be decimal without leading zeros, below 2^53');
  const rootHash = base64Decode(root);
  if (rootHash?.length !== HASH_SIZE) malformed(`the root hash must be the canonical base64 of ${HASH_SIZE} bytes`);
  return { origin, size: Number(size), rootHash, extensions };
}

/**
 * Opens a checkpoint note that must carry a valid signature by `log` (a note Verifier for the log's key) and be for
 * `origin`. Signatures by `witnesses` (cosignature verifiers) are verified too and listed in `note.sigs` beside the
 * log's; the rest are `note.unverified`. Throws CheckpointError (openNote's codes, UNVERIFIED if the log's signature
 * is missing, MALFORMED_CHECKPOINT, WRONG_ORIGIN).
 */
export function openCheckpoint(
  note: Uint8Array | string,
  origin: string,
  log: Verifier,
  witnesses: readonly Verifier[] = [],
): { checkpoint: Checkpoint; note: Note } {
  const opened = openNote(note, [log, ...witnesses]);
  if (!opened.sigs.some((s) => s.name === log.name && s.keyId === log.keyId)) {
    throw new CheckpointError('UNVERIFIED', `no valid signature by the log key ${log.name}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin) {
    throw new CheckpointError('WRONG_ORIGIN', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`);
  }
  return { checkpoint, note: opened };
}

function malformed(message: string): never {
  throw new CheckpointError('MALFORMED_CHECKPOINT', message);
}
