import { readFile, writeFile } from 'node:fs/promises';
import { base64urlDecode, type JwkInput } from '@app/crypto';
import {
  checkConsistency,
  CheckpointError,
  COSIGNATURE_V1,
  cosign,
  formatSignatureLine,
  noteVerifier,
  openCheckpoint,
  parseVkey,
  signerKey,
  type Checkpoint,
} from '@app/checkpoint';
import { recordSignatureProblem, type LeafRecord } from '@app/ledger-store';
import { hashLeaf, verifyInclusion } from '@app/merkle';
import { CliError } from '../cli-error';
import { callApi, readJson, writeOutput } from '../io';
import { readKeyFile } from './keys';

const b64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));

/** Opens a checkpoint note with the ledger's verifier key; the key's name is the log's origin. */
function openLedgerCheckpoint(note: string, ledgerKey: string | undefined): Checkpoint {
  if (!ledgerKey) throw new CliError('--ledger-key VKEY (or LEDGER_VKEY) is required: it is the only thing trusted', 2);
  try {
    const vkey = parseVkey(ledgerKey);
    return openCheckpoint(note, vkey.name, noteVerifier(vkey)).checkpoint;
  } catch (e) {
    if (e instanceof CheckpointError) throw new CliError(`checkpoint does not verify: ${e.message}`);
    throw e;
  }
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url).catch((e: Error) => {
    throw new CliError(`cannot reach ${url}: ${(e.cause as Error | undefined)?.message ?? e.message}`);
  });
  if (!res.ok) throw new CliError(`GET ${url} failed: ${res.status}`);
  return res.text();
}

/** `proof EVENTID [--out FILE]`: the latest checkpoint and the event's inclusion proof, for offline checking. */
export async function proof(eventId: string, opts: { ledger: string; out?: string }): Promise<void> {
  const checkpoint = await fetchText(new URL('/checkpoint', opts.ledger).href);
  const size = Number(checkpoint.split('\n')[1]);
  const inclusion = await callApi('GET', new URL(`/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=${size}`, opts.ledger).href, undefined);
  await writeOutput(opts.out, JSON.stringify({ checkpoint, inclusion }, null, 2));
}

interface Bundle {
  checkpoint: string;
  inclusion: { eventId: string; leafIndex: number; treeSize: number; leafData: string; proof: string[] };
}

/**
 * `check-proof BUNDLE --ledger-key VKEY [--signer-jwk FILE]`: verifies offline that the event is in the log
 * the ledger signed, and with the signer's public key, that the partner's signature holds.
 */
export async function checkProof(file: string, opts: { ledgerKey?: string; signerJwk?: string }): Promise<void> {
  const bundle = (await readJson(file)) as Bundle;
  if (typeof bundle?.checkpoint !== 'string' || typeof bundle.inclusion?.leafData !== 'string') throw new CliError(`${file} is not a proof bundle made by dscsa proof`);
  const checkpoint = openLedgerCheckpoint(bundle.checkpoint, opts.ledgerKey);
  const { leafIndex, leafData, proof: path } = bundle.inclusion;
  const data = b64(leafData);
  if (!verifyInclusion(hashLeaf(data), leafIndex, checkpoint.size, path.map(b64), checkpoint.rootHash))
    throw new CliError(`the event is NOT in the log of size ${checkpoint.size} the ledger signed`);
  const record = JSON.parse(Buffer.from(data).toString('utf8')) as LeafRecord;
  let signature = 'not checked (no --signer-jwk)';
  if (opts.signerJwk) {
    const problem = recordSignatureProblem(record, (await readJson(opts.signerJwk)) as JwkInput);
    if (problem) throw new CliError(`the event is in the log, but ${problem}`);
    signature = `valid (${record.signer.kid})`;
  }
  await writeOutput(
    undefined,
    JSON.stringify({ included: true, eventId: record.eventId, leafIndex, treeSize: checkpoint.size, signer: record.signer, recordTime: record.recordTime, signature }, null, 2),
  );
}

/**
 * `witness --key KEYFILE --ledger-key VKEY [--state FILE]`: fetch the latest checkpoint, check it extends
 * the last one this witness saw (consistency proof), cosign it with the partner key and send the cosignature.
 */
export async function witness(opts: { ledger: string; key?: string; ledgerKey?: string; state?: string }): Promise<void> {
  const key = await readKeyFile(opts.key);
  if (key.alg !== 'EdDSA') throw new CliError('a witness cosigns with an EdDSA (Ed25519) key');
  const note = await fetchText(new URL('/checkpoint', opts.ledger).href);
  const next = openLedgerCheckpoint(note, opts.ledgerKey);
  const stateFile = opts.state ?? `${key.kid.replace(/[^A-Za-z0-9.-]/g, '_')}.witness.json`;
  const last = await readFile(stateFile, 'utf8').then(
    (t) => JSON.parse(t) as { origin: string; size: number; rootHash: string },
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(new CliError(`cannot read ${stateFile}: ${e.message}`))),
  );
  if (last && last.origin !== next.origin) throw new CliError(`${stateFile} belongs to log ${last.origin}, not ${next.origin}`);
  const proofHashes =
    last && last.size > 0 && last.size < next.size
      ? ((await callApi('GET', new URL(`/proofs/consistency?first=${last.size}&second=${next.size}`, opts.ledger).href, undefined)) as { proof: string[] }).proof.map(b64)
      : [];
  const verdict = checkConsistency(last && { size: last.size, rootHash: b64(last.rootHash) }, next, proofHashes);
  if (!verdict.ok) throw new CliError(`refusing to cosign: ${verdict.reason}: ${verdict.detail}`);
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const time = Math.floor(Date.now() / 1000);
  const line = formatSignatureLine(cosign(body, signerKey(COSIGNATURE_V1, key.kid, base64urlDecode(key.privateJwk.d)), time));
  await callApi('POST', new URL(`/checkpoints/${next.size}/cosignatures`, opts.ledger).href, { cosignature: line });
  await writeFile(stateFile, JSON.stringify({ origin: next.origin, size: next.size, rootHash: Buffer.from(next.rootHash).toString('base64') }));
  await writeOutput(undefined, JSON.stringify({ cosigned: true, origin: next.origin, treeSize: next.size, time: new Date(time * 1000).toISOString() }, null, 2));
}
