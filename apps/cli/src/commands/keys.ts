import { generateKeyPair, publicJwkFromPrivate, CryptoError } from '@app/crypto';
import { isGln } from '@app/gs1';
import { CliError } from '../cli-error';
import { readJson, writeOutput } from '../io';

export interface KeyFile {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateJwk: Record<string, string>;
  publicJwk: Record<string, string>;
}

/** `keygen --gln GLN [--label L] [--alg EdDSA|ES256] [--out FILE]`: a new partner signing key. */
export async function keygen(opts: { gln?: string; label?: string; alg?: string; out?: string }): Promise<void> {
  if (!opts.gln || !isGln(opts.gln)) throw new CliError('--gln must be a 13-digit GLN with a valid check digit');
  const alg = (opts.alg ?? 'EdDSA') as KeyFile['alg'];
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new CliError('--alg must be EdDSA or ES256');
  const label = opts.label ?? new Date().toISOString().slice(0, 10);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(label)) throw new CliError('--label must be 1 to 64 of A-Z a-z 0-9 . _ -');
  const { privateJwk, publicJwk } = generateKeyPair(alg);
  const key: KeyFile = { kid: `${opts.gln}/${label}`, alg, privateJwk, publicJwk };
  await writeOutput(opts.out, JSON.stringify(key, null, 2), 0o600);
}

export async function readKeyFile(file: string | undefined): Promise<KeyFile> {
  if (!file) throw new CliError('--key FILE is required');
  const key = (await readJson(file)) as Partial<KeyFile>;
  if (typeof key?.kid !== 'string' || typeof key.privateJwk !== 'object' || key.privateJwk === null) throw new CliError(`${file} is not a key file made by keygen`);
  try {
    return { ...(key as KeyFile), publicJwk: publicJwkFromPrivate(key.privateJwk) };
  } catch (e) {
    if (e instanceof CryptoError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}
