#!/usr/bin/env node
'use strict';
/*
 * Creates the secrets the production stack reads as Docker secrets (docker/compose.yaml), once:
 *   <out>/ledger_signing_key    the ledger's checkpoint key, a C2SP note signer key (PRIVATE+KEY+<origin>+…)
 *   <out>/registry_signing_key  the Ed25519 private JWK signing ingest's registry change log
 *   <out>/admin_token           the bearer token of ingest's /admin endpoints (256 random bits, hex)
 * and prints, for docker/.env, LEDGER_ORIGIN=<the key's name> and the line verify needs,
 * LEDGER_VKEY=<origin>+<key id>+<public key>.
 * Existing files are never overwritten: run again, it only prints the vkey of the key already there.
 *
 *   node docker/keygen.js [--origin ORIGIN] [--out DIR]            # needs dist/ (npm ci builds it)
 *   docker run --rm -u "$(id -u)" -v "$PWD/docker/secrets:/out" dscsa/ledger node docker/keygen.js --out /out
 *
 * ORIGIN defaults to LEDGER_ORIGIN, else dscsa-trace.example/ledger; it must equal the ledger's LEDGER_ORIGIN.
 * DIR defaults to docker/secrets. Files are written with mode 0600: the containers read them as uid 1000.
 */
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { randomBytes } = require('node:crypto');

/** The keys, from the platform's own libraries (passed in, so tests can use the TypeScript sources). */
function makeKeys(libs, origin) {
  const { checkpoint, crypto } = libs;
  return {
    ledgerSigningKey: checkpoint.formatSkey(checkpoint.generateSignerKey(checkpoint.ED25519, origin)),
    registrySigningKey: JSON.stringify(crypto.generateKeyPair('EdDSA').privateJwk),
    adminToken: randomBytes(32).toString('hex'),
  };
}

/** The ledger's verifier key for a note signer key. */
function vkeyOf(libs, skey) {
  return libs.checkpoint.formatVkey(libs.checkpoint.parseSkey(skey.trim()));
}

function main(argv) {
  const { values } = parseArgs({ args: argv, options: { origin: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const origin = values.origin || process.env.LEDGER_ORIGIN || 'dscsa-trace.example/ledger';
  const out = path.resolve(values.out || path.join(__dirname, 'secrets'));
  const dist = path.join(__dirname, '..', 'dist', 'libs');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm ci (or npm run build) first, or run this script in the image`);
  const libs = { checkpoint: require(path.join(dist, 'checkpoint', 'src')), crypto: require(path.join(dist, 'crypto', 'src')) };

  mkdirSync(out, { recursive: true, mode: 0o700 });
  const keys = makeKeys(libs, origin);
  for (const [file, value] of [
    ['ledger_signing_key', keys.ledgerSigningKey],
    ['registry_signing_key', keys.registrySigningKey],
    ['admin_token', keys.adminToken],
  ]) {
    const target = path.join(out, file);
    if (existsSync(target)) {
      process.stderr.write(`keygen: ${target} exists; kept\n`);
      continue;
    }
    writeFileSync(target, `${value}\n`, { mode: 0o600, flag: 'wx' });
    process.stderr.write(`keygen: wrote ${target}\n`);
  }
  const skey = readFileSync(path.join(out, 'ledger_signing_key'), 'utf8');
  const vkey = vkeyOf(libs, skey);
  if (!vkey.startsWith(`${origin}+`)) process.stderr.write(`keygen: warning: the existing ledger key is named ${vkey.split('+')[0]}, not ${origin}\n`);
  process.stdout.write(`LEDGER_ORIGIN=${vkey.split('+')[0]}\nLEDGER_VKEY=${vkey}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`keygen: ${e.message}\n`);
    process.exit(1);
  }
}

module.exports = { makeKeys, vkeyOf };
