import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EMPTY_ROOT, MemoryNodeStore, consistencyProof, hashLeaf, rootFromLeafHashes } from '@app/merkle';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint';
import { cosign, cosignatureTime, cosignatureVerifier, verifyCosignature } from './cosignature';
import example from './fixtures/checkpoint-example.json';
import { COSIGNATURE_V1, ED25519, formatVkey, parseSkey } from './keys';
import { formatSignatureLine, noteSigner, noteVerifier, openNote, signNote } from './note';
import { checkConsistency } from './witness';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('the worked example in docs/checkpoint-format.md', () => {
  const ledger = parseSkey(example.ledgerSkey);
  const witness = parseSkey(example.witnessSkey);
  const hashes = example.leaves.map((leaf) => hashLeaf(Buffer.from(leaf)));

  it('has consistent test keys: the ledger signs as the origin, the witness with a cosignature key', () => {
    expect(ledger).toMatchObject({ type: ED25519, name: example.origin });
    expect(witness.type).toBe(COSIGNATURE_V1);
    expect(formatVkey(ledger)).toBe(example.ledgerVkey);
    expect(formatVkey(witness)).toBe(example.witnessVkey);
  });

  it('has the checkpoints of the example leaves, and a consistency proof the witness accepts', async () => {
    const previous = parseCheckpoint(example.previous.checkpoint);
    const next = parseCheckpoint(example.checkpoint);
    expect(formatCheckpoint({ origin: example.origin, size: 5, rootHash: rootFromLeafHashes(hashes.slice(0, 5)) })).toBe(example.previous.checkpoint);
    expect(formatCheckpoint({ origin: example.origin, size: 8, rootHash: rootFromLeafHashes(hashes) })).toBe(example.checkpoint);
    const proof = await consistencyProof(5, 8, MemoryNodeStore.fromLeafHashes(hashes));
    expect(proof.map(b64)).toEqual(example.consistencyProof);
    expect(checkConsistency(previous, next, proof)).toEqual({ ok: true });
    expect(checkConsistency(next, previous, [])).toMatchObject({ ok: false, reason: 'SIZE_DECREASED' });
  });

  it('reproduces the signed and cosigned notes (Ed25519 is deterministic)', () => {
    expect(signNote(example.previous.checkpoint, [noteSigner(ledger)])).toBe(example.previous.signedNote);
    expect(signNote(example.checkpoint, [noteSigner(ledger)])).toBe(example.signedNote);
    const line = formatSignatureLine(cosign(example.checkpoint, witness, example.cosignatureTime));
    expect(line).toBe(example.cosignatureLine);
    expect(example.signedNote + line).toBe(example.cosignedNote);
  });

  it('verifies offline with only the ledger vkey, and with the witness vkey too', () => {
    const alone = openCheckpoint(Buffer.from(example.cosignedNote), example.origin, noteVerifier(example.ledgerVkey));
    expect(alone.checkpoint).toMatchObject({ origin: example.origin, size: 8 });
    expect(alone.note.unverified.map((s) => s.name)).toEqual([witness.name]);

    const both = openCheckpoint(example.cosignedNote, example.origin, noteVerifier(example.ledgerVkey), [cosignatureVerifier(example.witnessVkey)]);
    expect(both.note.sigs.map((s) => s.name)).toEqual([example.origin, witness.name]);
    expect(cosignatureTime(both.note.sigs[1])).toBe(example.cosignatureTime);
    expect(verifyCosignature(example.checkpoint, both.note.sigs[1], example.witnessVkey)).toBe(example.cosignatureTime);
    expect(openNote(example.previous.signedNote, [noteVerifier(example.ledgerVkey)]).text).toBe(example.previous.checkpoint);
  });

  it('is the example the document shows', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/checkpoint-format.md'), 'utf8');
    expect(doc).toContain('libs/checkpoint/src/fixtures/checkpoint-example.json');
    const cosignedMessage = `cosignature/v1\ntime ${example.cosignatureTime}\n${example.checkpoint}`;
    for (const text of [
      example.origin,
      example.ledgerSkey,
      example.ledgerVkey,
      example.witnessSkey,
      example.witnessVkey,
      `\`${example.leaves[0]}\` to \`${example.leaves[7]}\``,
      `\`\`\`\n${example.previous.signedNote}\`\`\``,
      `\`\`\`\n${example.consistencyProof.join('\n')}\n\`\`\``,
      `\`\`\`\n${example.signedNote}\`\`\``,
      `\`\`\`\n${cosignedMessage}\`\`\``,
      `\`\`\`\n${example.cosignatureLine}\`\`\``,
      `\`\`\`\n${example.cosignedNote}\`\`\``,
      `time ${example.cosignatureTime} (${new Date(example.cosignatureTime * 1000).toISOString().replace('.000', '')})`,
      `key ID \`${ledger.keyId.toString(16)}\``,
      `key ID \`${witness.keyId.toString(16)}\`, the timestamp \`${example.cosignatureTime.toString(16).padStart(16, '0')}\``,
      b64(EMPTY_ROOT),
    ]) {
      expect(doc).toContain(text);
    }
  });
});
