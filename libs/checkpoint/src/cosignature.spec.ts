import { ed25519 } from '@noble/curves/ed25519';
import { formatCheckpoint, openCheckpoint } from './checkpoint';
import { cosign, cosignatureSigner, cosignatureTime, cosignatureVerifier, verifyCosignature } from './cosignature';
import { COSIGNATURE_V1, ED25519, formatVkey, signerKey } from './keys';
import { formatSignatureLine, noteSigner, noteVerifier, openNote, signNote, type NoteSignature } from './note';

const code = (c: string) => expect.objectContaining({ name: 'CheckpointError', code: c });
const fromLine = (line: string): NoteSignature => {
  const [, name, b64] = line.trimEnd().split(' ');
  const raw = Buffer.from(b64, 'base64');
  return { name, keyId: raw.readUInt32BE(0), signature: new Uint8Array(raw.subarray(4)) };
};

// c2sp.org/tlog-cosignature example.
const SOFA = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_MESSAGE = 'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIGNATURE =
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

const witness = signerKey(COSIGNATURE_V1, 'witness.example/w1', new Uint8Array(32).fill(9));
const log = signerKey(ED25519, 'example.com/behind-the-sofa', new Uint8Array(32).fill(8));

describe('the cosignature/v1 wire format', () => {
  it('reads the spec example: key ID, then the 8-byte big-endian time the example message shows', () => {
    const sig = fromLine(SPEC_COSIGNATURE);
    expect(sig.keyId).toBe(0x8d66cf3f);
    expect(sig.signature).toHaveLength(72);
    expect(cosignatureTime(sig)).toBe(1679315147);
  });

  it('signs exactly the message of the spec example', () => {
    const sig = cosign(SOFA, witness, 1679315147);
    expect(Buffer.from(sig.signature.subarray(0, 8)).toString('hex')).toBe('00000000641850cb');
    expect(ed25519.verify(sig.signature.subarray(8), Buffer.from(SPEC_MESSAGE), witness.publicKey)).toBe(true);
  });

  it('reads times as transparency-dev/formats CoSigV1Timestamp does', () => {
    // note/note_cosigv1_test.go TestCoSigV1Timestamp
    const works = Buffer.from('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==', 'base64');
    expect(cosignatureTime({ name: 'w', keyId: works.readUInt32BE(0), signature: works.subarray(4) })).toBe(1727964367);
    const plain = Buffer.from('eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=', 'base64');
    expect(() => cosignatureTime({ name: 'w', keyId: 0, signature: plain.subarray(4) })).toThrow(code('INVALID_ARGUMENT'));
  });
});

describe('a real cosigned checkpoint', () => {
  // Published by the arche2025h1.staging.ct.transparency.dev static-ct log: one RFC 6962 signature (type 0x05, not
  // supported here), one Ed25519 note signature, four Ed25519 cosignatures by witnesses of the public witness
  // network, whose vkeys are those their operators publish.
  const ORIGIN = 'arche2025h1.staging.ct.transparency.dev';
  const NOTE = `${ORIGIN}
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
`;
  const LOG_VKEY = 'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
  const WITNESS_VKEYS = [
    'transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM',
    'witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO',
    'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    'witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv',
  ];
  const TIME = 1779573024; // 0x6a122120, in all four

  it('verifies the log signature and all four cosignatures', () => {
    const { checkpoint, note } = openCheckpoint(NOTE, ORIGIN, noteVerifier(LOG_VKEY), WITNESS_VKEYS.map(cosignatureVerifier));
    expect(checkpoint.size).toBe(1432088532);
    expect(note.sigs.map((s) => s.name)).toEqual([ORIGIN, ...WITNESS_VKEYS.map((v) => v.split('+')[0])]);
    expect(note.unverified).toMatchObject([{ name: ORIGIN, keyId: 0xcd333cb1 }]);
    expect(note.sigs.slice(1).map(cosignatureTime)).toEqual([TIME, TIME, TIME, TIME]);
    for (const [i, vkey] of WITNESS_VKEYS.entries()) expect(verifyCosignature(note.text, note.sigs[i + 1], vkey)).toBe(TIME);
  });

  it('fails every cosignature once the checkpoint changes', () => {
    const tampered = NOTE.replace('1432088532', '1432088533');
    for (const vkey of WITNESS_VKEYS) {
      expect(() => openNote(tampered, [cosignatureVerifier(vkey)])).toThrow(code('BAD_SIGNATURE'));
    }
  });
});

describe('cosign / verifyCosignature', () => {
  const text = formatCheckpoint({ origin: log.name, size: 10, rootHash: new Uint8Array(32).fill(3) });
  const vkey = formatVkey(witness);

  it('round-trips, and the line appended to the log-signed note opens with both keys', () => {
    const sig = cosign(text, witness, 1_700_000_000);
    expect(verifyCosignature(text, sig, vkey)).toBe(1_700_000_000);
    expect(verifyCosignature(text, sig, witness)).toBe(1_700_000_000);
    const cosigned = signNote(text, [noteSigner(log)]) + formatSignatureLine(sig);
    const { note } = openCheckpoint(cosigned, log.name, noteVerifier(log), [cosignatureVerifier(vkey)]);
    expect(note.sigs.map((s) => s.name)).toEqual([log.name, witness.name]);
    expect(signNote(text, [noteSigner(log), cosignatureSigner(witness, 1_700_000_000)])).toBe(cosigned);
  });

  it('covers extension lines (transparency-dev/formats TestSigCoversExtensionLines)', () => {
    const extended = `${text}Extendo\n`;
    const sig = cosign(extended, witness, 1);
    expect(verifyCosignature(extended, sig, vkey)).toBe(1);
    expect(() => verifyCosignature(`${text}Extend@\n`, sig, vkey)).toThrow(code('BAD_SIGNATURE'));
  });

  it('is domain-separated from note signatures: other key ID, other message', () => {
    const asNoteKey = signerKey(ED25519, witness.name, witness.seed);
    expect(asNoteKey.keyId).not.toBe(witness.keyId);
    const sig = cosign(text, witness, 5);
    expect(noteVerifier(asNoteKey).verify(Buffer.from(text), sig.signature.subarray(8))).toBe(false);
  });

  it('rejects a signature by another key, a changed time, truncation and S >= L', () => {
    const sig = cosign(text, witness, 1_700_000_000);
    const other = signerKey(COSIGNATURE_V1, 'witness.example/w2', new Uint8Array(32).fill(10));
    expect(() => verifyCosignature(text, cosign(text, other, 1), vkey)).toThrow(code('UNKNOWN_KEY'));
    expect(() => verifyCosignature(text, { ...sig, name: other.name }, vkey)).toThrow(code('UNKNOWN_KEY'));

    const withBytes = (edit: (b: Uint8Array) => Uint8Array): NoteSignature => ({ ...sig, signature: edit(Uint8Array.from(sig.signature)) });
    const withTime = (t: bigint) =>
      withBytes((b) => {
        new DataView(b.buffer).setBigUint64(0, t);
        return b;
      });
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const withHighS = withBytes((b) => {
      const s = BigInt(`0x${Buffer.from(b.subarray(40)).reverse().toString('hex')}`) + L;
      b.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 40);
      return b;
    });
    for (const bad of [
      withTime(1_700_000_001n),
      withTime(2n ** 53n),
      withTime(2n ** 63n),
      withBytes((b) => b.subarray(0, 71)),
      withBytes((b) => b.subarray(8)), // no timestamp
      withHighS,
    ]) {
      expect(() => verifyCosignature(text, bad, vkey)).toThrow(code('BAD_SIGNATURE'));
      expect(() => openNote(signNote(text, [noteSigner(log)]) + formatSignatureLine(bad), [cosignatureVerifier(vkey)])).toThrow(
        code('BAD_SIGNATURE'),
      );
    }
  });

  it('cosigns and accepts checkpoints only', () => {
    expect(() => cosign('hello\n', witness, 1)).toThrow(code('MALFORMED_CHECKPOINT'));
    expect(() => verifyCosignature('hello\n', cosign(text, witness, 1), vkey)).toThrow(code('MALFORMED_CHECKPOINT'));
    expect(() => signNote('hello\n', [cosignatureSigner(witness, 1)])).toThrow(code('MALFORMED_CHECKPOINT'));
    // A witness's signature line under any other note text is a bad signature, whatever its bytes.
    const hello = `hello\n\n${formatSignatureLine(cosign(text, witness, 1))}`;
    expect(() => openNote(hello, [cosignatureVerifier(vkey)])).toThrow(code('BAD_SIGNATURE'));
  });

  it('refuses wrong key types and times', () => {
    expect(() => cosign(text, log, 1)).toThrow(code('INVALID_KEY'));
    expect(() => cosignatureVerifier(formatVkey(log))).toThrow(code('INVALID_KEY'));
    for (const time of [0, -1, 1.5, 2 ** 53, NaN]) expect(() => cosign(text, witness, time)).toThrow(code('INVALID_ARGUMENT'));
  });
});
