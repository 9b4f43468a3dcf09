import fc from 'fast-check';
import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import { cosignatureSigner, cosignatureTime, cosignatureVerifier } from './cosignature';
import { CheckpointError } from './errors';
import { COSIGNATURE_V1, ED25519, formatSkey, formatVkey, parseSkey, parseVkey, signerKey } from './keys';
import { noteSigner, noteVerifier, openNote, signNote } from './note';

// Parsers and verifiers either return a value or throw CheckpointError: never another error, never a crash.
function valueOrCheckpointError<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return undefined;
  }
}

const log = signerKey(ED25519, 'dscsa-trace.example/ledger', new Uint8Array(32).fill(1));
const other = signerKey(ED25519, 'other.example/log', new Uint8Array(32).fill(2));
const witness = signerKey(COSIGNATURE_V1, 'witness.example/w1', new Uint8Array(32).fill(3));
const verifiers = [noteVerifier(log), noteVerifier(other), cosignatureVerifier(witness)];
const checkpointText = formatCheckpoint({ origin: log.name, size: 42, rootHash: new Uint8Array(32).fill(7), extensions: ['x y'] });
const validNote = Buffer.from(signNote(checkpointText, [noteSigner(log), noteSigner(other)]) + `— ${witness.name} AAAA\n`);

// A note-safe line: any Unicode but newline, control characters and lone surrogates.
const line = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => !/[\x00-\x1F]/.test(s));
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(0x0a, 0x20, 0x2b, 0x3d, 0xe2, 0x41, 0x00) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const out = Array.from(bytes);
  if (out.length === 0) return bytes;
  const at = m.at % out.length;
  if (m.kind === 'flip') out[at] ^= 1 << m.bit;
  if (m.kind === 'insert') out.splice(at, 0, m.byte);
  if (m.kind === 'delete') out.splice(at, 1);
  if (m.kind === 'truncate') out.length = at;
  return Uint8Array.from(out);
}

describe('robustness (fast-check)', () => {
  it('parseCheckpoint: arbitrary text and line soups', () => {
    const soup = fc.array(fc.oneof(line, fc.constantFrom('', '0', '01', '42', '-1', 'AAAA', Buffer.alloc(32).toString('base64'))), { maxLength: 6 });
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), soup.map((ls) => ls.map((l) => `${l}\n`).join(''))), (text) => {
      valueOrCheckpointError(() => parseCheckpoint(text));
    }), { numRuns: 2000 });
  });

  it('openNote: arbitrary bytes and strings', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (note) => {
      valueOrCheckpointError(() => openNote(note, verifiers));
    }), { numRuns: 2000 });
  });

  it('openNote: mutations of a valid note never open with another text', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const note = valueOrCheckpointError(() => openNote(ms.reduce(mutate, validNote), verifiers));
      if (note) expect(note.text).toBe(checkpointText);
    }), { numRuns: 1000 });
  });

  it('parseVkey, parseSkey: arbitrary strings and mutations of valid keys', () => {
    const mutated = (key: string) => fc.array(mutation, { minLength: 1, maxLength: 2 }).map((ms) => Buffer.from(ms.reduce(mutate, Buffer.from(key))).toString('latin1'));
    const input = fc.oneof(fc.string({ unit: 'binary' }), mutated(formatVkey(log)), mutated(formatSkey(witness)));
    fc.assert(fc.property(input, (key) => {
      valueOrCheckpointError(() => parseVkey(key));
      valueOrCheckpointError(() => parseSkey(key));
      valueOrCheckpointError(() => noteVerifier(key));
      valueOrCheckpointError(() => cosignatureVerifier(key));
    }), { numRuns: 2000 });
  });

  it('cosignatureTime: arbitrary signature bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (signature) => {
      const time = valueOrCheckpointError(() => cosignatureTime({ name: 'w', keyId: 0, signature }));
      if (time !== undefined) expect(Number.isSafeInteger(time)).toBe(true);
    }));
  });

  it('formatCheckpoint and parseCheckpoint round-trip', () => {
    const fields = fc.record({
      origin: line,
      size: fc.oneof(fc.nat(), fc.maxSafeNat()),
      rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      extensions: fc.array(line, { maxLength: 3 }),
    });
    fc.assert(fc.property(fields, (c) => {
      const text = formatCheckpoint(c);
      expect(parseCheckpoint(text)).toEqual(c);
      expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
    }));
  });

  it('signNote and openNote round-trip any note-safe text, empty lines included', () => {
    const text = fc.array(fc.oneof(line, fc.constant('')), { minLength: 1, maxLength: 5 }).map((ls) => `${ls.join('\n')}\n`);
    const signers = fc.subarray([log, other], { minLength: 1 });
    fc.assert(fc.property(text, signers, (t, keys) => {
      const note = openNote(signNote(t, keys.map(noteSigner)), verifiers);
      expect(note.text).toBe(t);
      expect(note.sigs.map((s) => s.name)).toEqual(keys.map((k) => k.name));
    }), { numRuns: 100 });
  });

  it('cosign and openNote round-trip any checkpoint and time', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (size, time) => {
      const text = formatCheckpoint({ origin: log.name, size, rootHash: new Uint8Array(32) });
      const note = openNote(signNote(text, [cosignatureSigner(witness, time)]), [cosignatureVerifier(witness)]);
      expect(cosignatureTime(note.sigs[0])).toBe(time);
    }), { numRuns: 50 });
  });
});
