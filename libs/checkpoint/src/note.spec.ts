import { COSIGNATURE_V1, ED25519, generateSignerKey, parseSkey, signerKey } from './keys';
import { MAX_NOTE_BYTES, MAX_SIGNATURES, formatSignatureLine, noteSigner, noteVerifier, openNote, signNote, type NoteSignature } from './note';

// golang.org/x/mod/sumdb/note: note.go documentation, example_test.go and note_test.go (TestSign, TestOpen).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_B64 = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 = 'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `— PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `— EnochRoot ${ENOCH_B64}\n`;

const peterSigner = noteSigner(parseSkey(PETER_SKEY));
const enochSigner = noteSigner(signerKey(ED25519, 'EnochRoot', new Uint8Array(32))); // GenerateKey(zeroReader, …)
const peter = noteVerifier(PETER_VKEY);
const enoch = noteVerifier(ENOCH_VKEY);

const code = (c: string) => expect.objectContaining({ name: 'CheckpointError', code: c });
const lines = (sigs: readonly NoteSignature[]) => sigs.map(formatSignatureLine);

describe('signNote', () => {
  it('reproduces x/mod/sumdb/note ExampleSign byte for byte', () => {
    expect(signNote(TEXT, [peterSigner])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('reproduces ExampleSign_add_signatures (EnochRoot from the all-zero seed)', () => {
    expect(signNote(TEXT, [peterSigner, enochSigner])).toBe(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
  });

  it('signs texts with empty lines, which the signatures follow after the last blank line', () => {
    // The c2sp.org/signed-note example text.
    const text = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    expect(openNote(signNote(text, [peterSigner]), [peter]).text).toBe(text);
    expect(openNote(signNote('\n\n', [peterSigner]), [peter]).text).toBe('\n\n');
  });

  it.each([
    ['text without a final newline (note_test.go)', 'abc'],
    ['an empty text', ''],
    ['a control character', 'a\tb\n'],
    ['a carriage return', 'a\r\n'],
    ['a lone surrogate', 'a\ud800\n'],
  ])('refuses %s', (_, text) => {
    expect(() => signNote(text, [peterSigner])).toThrow(code('MALFORMED_NOTE'));
  });

  it('refuses no signers, too many, a signer with an invalid name, and a cosignature key', () => {
    expect(() => signNote(TEXT, [])).toThrow(code('INVALID_ARGUMENT'));
    expect(() => signNote(TEXT, new Array(MAX_SIGNATURES + 1).fill(peterSigner))).toThrow(code('INVALID_ARGUMENT'));
    expect(() => signNote(TEXT, [{ ...peterSigner, name: 'bad name' }])).toThrow(code('INVALID_KEY'));
    expect(() => noteSigner(generateSignerKey(COSIGNATURE_V1, 'w'))).toThrow(code('INVALID_KEY'));
    expect(() => noteVerifier(`w+00000000+${Buffer.alloc(33, 4).toString('base64')}`)).toThrow(code('INVALID_KEY'));
  });
});

describe('openNote', () => {
  it('opens ExampleOpen and the c2sp.org/signed-note vkey example', () => {
    expect(lines(openNote(Buffer.from(`${TEXT}\n${PETER_SIG}`), [peter]).sigs)).toEqual([PETER_SIG]);
    const note = openNote(
      'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n',
      [noteVerifier('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')],
    );
    expect(note).toMatchObject({ text: 'This is an example message.\n', sigs: [{ name: 'example.com/foo', keyId: 0x530d903a }] });
  });

  it('verifies known keys and lists the others as unverified (TestOpen)', () => {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(both, [peter]);
    expect(one.text).toBe(TEXT);
    expect(lines(one.sigs)).toEqual([PETER_SIG]);
    expect(lines(one.unverified)).toEqual([ENOCH_SIG]);
    expect(one.sigs[0]).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });

    const two = openNote(both, [peter, enoch]);
    expect(lines(two.sigs)).toEqual([PETER_SIG, ENOCH_SIG]);
    expect(two.unverified).toEqual([]);

    expect(() => openNote(both, [])).toThrow(code('UNVERIFIED'));
  });

  it('ignores a signature with a known name but another key ID, or a known ID but another name', () => {
    const wrongId = PETER_SIG.replace('x08g', 'xxxx');
    const wrongName = PETER_SIG.replace('PeterNeumann', 'CarmenSandiego');
    expect(() => openNote(`${TEXT}\n${wrongId}${wrongName}`, [peter])).toThrow(code('UNVERIFIED'));
    expect(lines(openNote(`${TEXT}\n${wrongId}${PETER_SIG}${wrongName}`, [peter]).unverified)).toEqual([wrongId, wrongName]);
  });

  it('records repeated signatures once, and verifies each (TestOpen, duplicated signatures)', () => {
    const enochABCD = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const note = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochABCD}`, [peter]);
    expect(lines(note.sigs)).toEqual([PETER_SIG]);
    expect(lines(note.unverified)).toEqual([ENOCH_SIG, enochABCD]);
    // The spec: a signature from a known key MUST be verified. x/mod/sumdb/note skips repeats; a bad one rejects here.
    const peterABCD = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => openNote(`${TEXT}\n${PETER_SIG}${peterABCD}`, [peter])).toThrow(code('BAD_SIGNATURE'));
  });

  it('rejects the whole note when a known key signature fails, even beside a valid one', () => {
    const tampered = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`; // TestOpen, invalid signature
    expect(() => openNote(`${TEXT}\n${tampered}`, [peter])).toThrow(code('BAD_SIGNATURE'));
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}${tampered}`, [peter, enoch])).toThrow(code('BAD_SIGNATURE'));
    expect(() => openNote(`${TEXT.replace('answer', 'Answer')}\n${PETER_SIG}`, [peter])).toThrow(code('BAD_SIGNATURE'));
  });

  it('rejects truncated and non-canonical (S >= L) signatures from a known key', () => {
    const raw = Buffer.from(PETER_B64, 'base64');
    const truncated = `— PeterNeumann ${raw.subarray(0, raw.length - 1).toString('base64')}\n`;
    expect(() => openNote(`${TEXT}\n${truncated}`, [peter])).toThrow(code('BAD_SIGNATURE'));
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(raw.subarray(36)).reverse().toString('hex')}`) + L;
    const highS = Buffer.concat([raw.subarray(0, 36), Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse()]);
    expect(() => openNote(`${TEXT}\n— PeterNeumann ${highS.toString('base64')}\n`, [peter])).toThrow(code('BAD_SIGNATURE'));
  });

  it('refuses a verifier list with two keys for one (name, key ID) when a signature needs it', () => {
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow(code('AMBIGUOUS_KEY'));
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).sigs).toHaveLength(1);
  });

  it('accepts up to MAX_SIGNATURES signature lines and no more', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_SIGNATURES)}`, [peter]).sigs).toHaveLength(1);
    expect(() => openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_SIGNATURES + 1)}`, [peter])).toThrow(code('MALFORMED_NOTE'));
    expect(() => openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_SIGNATURES + 1)}`, [])).toThrow(code('MALFORMED_NOTE'));
  });

  it('refuses notes over MAX_NOTE_BYTES', () => {
    const text = `${'a'.repeat(MAX_NOTE_BYTES)}\n`;
    expect(() => signNote(text, [peterSigner])).toThrow(code('MALFORMED_NOTE'));
    expect(() => openNote(`${text}\n${PETER_SIG}`, [peter])).toThrow(code('MALFORMED_NOTE'));
  });

  const withoutFinalNewline = `${TEXT}\n${PETER_SIG.slice(0, -1)}`;
  it.each([
    // note_test.go badMsgs
    ['text alone', TEXT],
    ['a blank line but no signature', `${TEXT}\n`],
    ['no final newline', withoutFinalNewline],
    ['a control character', `\x01${TEXT}\n${PETER_SIG}`],
    ['a key name with a space', `${TEXT}\n— Bad Name ${PETER_B64}`],
    ['a line after the signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    // more
    ['CRLF line endings', `${TEXT}\n${PETER_SIG}`.replace(/\n/g, '\r\n')],
    ['a trailing blank line', `${TEXT}\n${PETER_SIG}\n`],
    ['a hyphen instead of the em dash', `${TEXT}\n- PeterNeumann ${PETER_B64}\n`],
    ['an en dash instead of the em dash', `${TEXT}\n– PeterNeumann ${PETER_B64}\n`],
    ['no space after the dash', `${TEXT}\n—PeterNeumann ${PETER_B64}\n`],
    ['two spaces before the signature', `${TEXT}\n— PeterNeumann  ${PETER_B64}\n`],
    ['a trailing space', `${TEXT}\n— PeterNeumann ${PETER_B64} \n`],
    ['no signature', `${TEXT}\n— PeterNeumann\n`],
    ['an empty signature', `${TEXT}\n— PeterNeumann \n`],
    ['a key name with a plus', `${TEXT}\n— Peter+Neumann ${PETER_B64}\n`],
    ['an empty key name', `${TEXT}\n—  ${PETER_B64}\n`],
    ['bad base64', `${TEXT}\n— PeterNeumann ${PETER_B64.replace('x08g', 'x08!')}\n`],
    ['base64 without padding', `${TEXT}\n— PeterNeumann ${PETER_B64.slice(0, -1)}\n`],
    ['URL-safe base64', `${TEXT}\n— PeterNeumann ${PETER_B64.replace(/\//g, '_')}\n`],
    ['base64 with non-zero trailing bits', `${TEXT}\n— PeterNeumann ${PETER_B64.replace(/M=$/, 'N=')}\n`],
    ['a key ID and no signature byte', `${TEXT}\n— PeterNeumann x08gow==\n`],
    ['a lone surrogate (string input)', `${TEXT}\ud800\n${PETER_SIG}`],
  ])('refuses a note with %s', (_, note) => {
    expect(() => openNote(note, [peter])).toThrow(code('MALFORMED_NOTE'));
  });

  it('refuses invalid UTF-8 (note_test.go: a leading 0xff) and overlong encodings', () => {
    for (const prefix of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      expect(() => openNote(Buffer.concat([Buffer.from(prefix), Buffer.from(`${TEXT}\n${PETER_SIG}`)]), [peter])).toThrow(code('MALFORMED_NOTE'));
    }
  });

  it('does not let extra blank lines move signatures into the text', () => {
    // The text then ends in an empty line, or holds a signature line: the signatures no longer verify.
    expect(() => openNote(`${TEXT}\n\n${PETER_SIG}`, [peter])).toThrow(code('BAD_SIGNATURE'));
    expect(() => openNote(`${TEXT}\n${PETER_SIG}\n${ENOCH_SIG}`, [peter, enoch])).toThrow(code('BAD_SIGNATURE'));
    expect(() => openNote(`${TEXT}\n${PETER_SIG}\n${ENOCH_SIG}`, [peter])).toThrow(code('UNVERIFIED'));
  });

  it('keeps a byte order mark as part of the signed text', () => {
    const text = `\ufeff${TEXT}`;
    const note = signNote(text, [peterSigner]);
    expect(openNote(Buffer.from(note), [peter]).text).toBe(text);
    expect(() => openNote(note.slice(1), [peter])).toThrow(code('BAD_SIGNATURE'));
  });
});
