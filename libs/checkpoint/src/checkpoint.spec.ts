import { EMPTY_ROOT } from '@app/merkle';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint';
import { cosignatureSigner, cosignatureVerifier } from './cosignature';
import { COSIGNATURE_V1, ED25519, signerKey } from './keys';
import { noteSigner, noteVerifier, signNote } from './note';

const code = (c: string) => expect.objectContaining({ name: 'CheckpointError', code: c });

// c2sp.org/tlog-checkpoint (and tlog-cosignature, tlog-witness) example.
const SOFA = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SOFA_NOTE = `${SOFA}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n`;
const ROOT = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

describe('parseCheckpoint / formatCheckpoint', () => {
  it('parses the tlog-checkpoint example and formats it back byte for byte', () => {
    const c = parseCheckpoint(SOFA);
    expect(c).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: new Uint8Array(ROOT), extensions: [] });
    expect(formatCheckpoint(c)).toBe(SOFA);
    expect(formatCheckpoint({ origin: c.origin, size: c.size, rootHash: c.rootHash })).toBe(SOFA);
  });

  it('keeps extension lines, in order', () => {
    const text = `${SOFA}ext one\n— not a signature\n`;
    expect(parseCheckpoint(text).extensions).toEqual(['ext one', '— not a signature']);
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
  });

  it('accepts the empty tree and the largest size libs/merkle takes', () => {
    const empty = `log\n0\n${Buffer.from(EMPTY_ROOT).toString('base64')}\n`;
    expect(parseCheckpoint(empty)).toMatchObject({ size: 0, rootHash: new Uint8Array(EMPTY_ROOT) });
    expect(parseCheckpoint(`log\n${Number.MAX_SAFE_INTEGER}\n${ROOT.toString('base64')}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts any non-empty origin: clients must not assume the URL-like convention', () => {
    expect(parseCheckpoint(`go.sum database tree\n1\n${ROOT.toString('base64')}\n`).origin).toBe('go.sum database tree');
    expect(parseCheckpoint(`a+b ü\n1\n${ROOT.toString('base64')}\n`).origin).toBe('a+b ü');
  });

  const root = ROOT.toString('base64');
  it.each([
    // transparency-dev/formats log/checkpoint_test.go TestUnmarshalLogState error cases (with 32-byte roots)
    ['too few lines', 'Head\n9944\n'],
    ['an empty origin', `\n9944\n${root}\n`],
    ['no newline after the root hash', `Log\n123\n${root}`],
    ['a size that is not a number', `Log\nbananas\n${root}\n`],
    ['a negative size', `Log\n-34\n${root}\n`],
    ['a size too large', `Log\n3438945738945739845734895735\n${root}\n`],
    ['a root hash that is not base64', "Log\n123\nThisIsn'tBase64\n"],
    ['trailing empty lines (formats returns them as rest)', `Log\n9944\n${root}\n\n\n\n`],
    // stricter than formats, per the spec text
    ['a leading zero', `Log\n0123\n${root}\n`],
    ['a signed size', `Log\n+123\n${root}\n`],
    ['a size with spaces', `Log\n 123\n${root}\n`],
    ['an exponent', `Log\n1e3\n${root}\n`],
    ['a hexadecimal size', `Log\n0x10\n${root}\n`],
    ['a size of 2^53', `Log\n9007199254740992\n${root}\n`],
    ['an empty size', `Log\n\n${root}\n`],
    ['an empty root', 'Log\n1\n\n'],
    ['a 31-byte root', `Log\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a 33-byte root', `Log\n1\n${Buffer.alloc(33).toString('base64')}\n`],
    ['a root without padding', `Log\n1\n${root.slice(0, -1)}\n`],
    ['a URL-safe root', `Log\n1\n${Buffer.alloc(32, 0xff).toString('base64url')}=\n`],
    ['a root with non-zero trailing bits', `Log\n1\n${root.replace(/I=$/, 'J=')}\n`],
    ['an empty extension line', `${SOFA}\nafter\n`],
    ['CRLF line endings', SOFA.replace(/\n/g, '\r\n')],
    ['a control character in the origin', `Lo\x00g\n1\n${root}\n`],
    ['a lone surrogate', `Log\ud800\n1\n${root}\n`],
    ['nothing', ''],
  ])('refuses %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(code('MALFORMED_CHECKPOINT'));
  });

  it.each([
    ['an empty origin', { origin: '', size: 1, rootHash: ROOT }],
    ['a newline in the origin', { origin: 'log\n5', size: 1, rootHash: ROOT }],
    ['a newline in an extension', { origin: 'log', size: 1, rootHash: ROOT, extensions: ['a\nb'] }],
    ['an empty extension', { origin: 'log', size: 1, rootHash: ROOT, extensions: [''] }],
    ['a negative size', { origin: 'log', size: -1, rootHash: ROOT }],
    ['a fractional size', { origin: 'log', size: 1.5, rootHash: ROOT }],
    ['a size of 2^53', { origin: 'log', size: 2 ** 53, rootHash: ROOT }],
    ['a NaN size', { origin: 'log', size: NaN, rootHash: ROOT }],
    ['a 31-byte root', { origin: 'log', size: 1, rootHash: ROOT.subarray(1) }],
  ])('refuses to format %s', (_, fields) => {
    expect(() => formatCheckpoint(fields)).toThrow(code('MALFORMED_CHECKPOINT'));
  });
});

describe('openCheckpoint', () => {
  // A production sum.golang.org checkpoint and key (transparency-dev/formats log/note_test.go, TestSumDBNoteParsing).
  const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
  const SUMDB_NOTE =
    'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n' +
    '— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n';

  it('opens a real sum.golang.org checkpoint', () => {
    const { checkpoint, note } = openCheckpoint(Buffer.from(SUMDB_NOTE), 'go.sum database tree', noteVerifier(SUMDB_VKEY));
    expect(checkpoint.size).toBe(6476701);
    expect(Buffer.from(checkpoint.rootHash).toString('base64')).toBe('mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=');
    expect(note.sigs).toMatchObject([{ name: 'sum.golang.org', keyId: 0x033de0ae }]);
    // formats' "wrong logID" case
    expect(() => openCheckpoint(SUMDB_NOTE, 'Go rocks but I might have the wrong ID', noteVerifier(SUMDB_VKEY))).toThrow(code('WRONG_ORIGIN'));
    const tampered = SUMDB_NOTE.replace('6476701', '6476702');
    expect(() => openCheckpoint(tampered, 'go.sum database tree', noteVerifier(SUMDB_VKEY))).toThrow(code('BAD_SIGNATURE'));
  });

  it('shows the tlog-checkpoint example signature is by a key it cannot know', () => {
    expect(() => openCheckpoint(SOFA_NOTE, 'example.com/behind-the-sofa', noteVerifier(SUMDB_VKEY))).toThrow(code('UNVERIFIED'));
  });

  const log = signerKey(ED25519, 'dscsa-trace.example/ledger', new Uint8Array(32).fill(1));
  const witness = signerKey(COSIGNATURE_V1, 'witness.example/w1', new Uint8Array(32).fill(2));
  const logVerifier = noteVerifier(log);

  it('requires the log signature: a witness cosignature alone does not do', () => {
    const text = formatCheckpoint({ origin: log.name, size: 1, rootHash: ROOT });
    const cosignedOnly = signNote(text, [cosignatureSigner(witness, 1_700_000_000)]);
    expect(() => openCheckpoint(cosignedOnly, log.name, logVerifier, [cosignatureVerifier(witness)])).toThrow(code('UNVERIFIED'));
  });

  it('refuses a validly signed note that is not a checkpoint', () => {
    expect(() => openCheckpoint(signNote('hello\n', [noteSigner(log)]), 'hello', logVerifier)).toThrow(code('MALFORMED_CHECKPOINT'));
  });
});
