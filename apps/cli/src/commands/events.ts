import { signJson, CryptoError } from '@app/crypto';
import { attachSignature, splitSignature, type JsonObject } from '@app/epcis';
import { CliError } from '../cli-error';
import { callApi, readJson, writeOutput } from '../io';
import { readKeyFile } from './keys';

function asEvent(value: unknown, file: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${file} must hold one EPCIS 2.0 event (a JSON object)`);
  return value as JsonObject;
}

/** Signs an event per docs/signature-protocol.md; an existing signature is replaced. */
export function signEvent(event: JsonObject, key: { privateJwk: Record<string, string>; kid: string }): JsonObject {
  const { unsigned } = splitSignature(event);
  try {
    return attachSignature(unsigned, signJson(unsigned, key.privateJwk, key.kid));
  } catch (e) {
    if (e instanceof CryptoError) throw new CliError(`cannot sign: ${e.message}`);
    throw e;
  }
}

/** `sign FILE --key KEYFILE [--out FILE]` */
export async function sign(file: string, opts: { key?: string; out?: string }): Promise<void> {
  const key = await readKeyFile(opts.key);
  const event = asEvent(await readJson(file), file);
  await writeOutput(opts.out, JSON.stringify(signEvent(event, key), null, 2));
}

/** `submit FILE [--key KEYFILE] --token T`: POSTs one event to ingest as the signing partner, signing it first when a key is given. */
export async function submit(file: string, opts: { ingest: string; key?: string; token?: string }): Promise<void> {
  if (!opts.token) throw new CliError('--token (or DSCSA_TOKEN), the signing partner\'s credential, is required');
  let event = asEvent(await readJson(file), file);
  if (opts.key) event = signEvent(event, await readKeyFile(opts.key));
  const accepted = await callApi('POST', new URL('/events', opts.ingest).href, event, { authorization: `Bearer ${opts.token}` });
  await writeOutput(undefined, JSON.stringify(accepted, null, 2));
}

/** `verify CODE --token T`: asks the verify app about a scanned package, as the partner the credential belongs to. */
export async function verifyScan(code: string, opts: { verify: string; token?: string }): Promise<void> {
  if (!opts.token) throw new CliError('--token (or DSCSA_TOKEN), a partner credential, is required');
  const result = await callApi('POST', new URL('/scan', opts.verify).href, { code }, { authorization: `Bearer ${opts.token}` });
  await writeOutput(undefined, JSON.stringify(result, null, 2));
}
