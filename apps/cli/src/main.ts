import { parseArgs } from 'node:util';
import { CliError } from './cli-error';

export { CliError };
import { keygen } from './commands/keys';
import { issueCredential, registerPartner } from './commands/partner';
import { sign, submit, verifyScan } from './commands/events';
import { audit } from './commands/audit';
import { convert, hash, scan, validate } from './commands/epcis';
import { checkProof, proof, witness } from './commands/transparency';
import { simulate } from './commands/simulate';

const USAGE = `usage: dscsa <command> [options]

  keygen --gln GLN [--label L] [--alg EdDSA|ES256] [--out FILE]
  partner register --gln GLN --name NAME --role ROLE[,ROLE] [--prefix GS1PREFIX[,…]] --key KEYFILE [--valid-from ISO] [--valid-until ISO]
  partner credential --gln GLN [--label L]      issue an API credential for the partner; prints its token once
  sign FILE --key KEYFILE [--out FILE]          FILE may be - for standard input
  submit FILE [--key KEYFILE] --token T         signs first when --key is given; T: the signer's credential
  verify CODE --token T                         scanned DataMatrix text, element string or Digital Link
  hash FILE                                     one CBV 2.0 event hash ID per line (EPCIS JSON-LD, 2.0 XML or 1.2 XML)
  validate FILE                                 schema and GS1 checks; exit 1 with every error
  convert FILE --to jsonld [--out FILE]         EPCIS 1.2 / 2.0 XML or JSON to EPCIS 2.0 JSON-LD
  scan TEXT [--prefix-length N]                 gtin, ndc, serial, lot, expiry, SGTIN URI and Digital Link of a scan
  proof EVENTID [--out FILE]                     the latest checkpoint and the event's inclusion proof, for offline checking
  check-proof FILE --ledger-key VKEY [--signer-jwk FILE]   verify a proof bundle offline with only the ledger's key
  witness --key KEYFILE --ledger-key VKEY [--state FILE]   cosign the latest checkpoint if it extends the last one seen
  audit --ledger-key VKEY [--no-signatures]     recompute the ledger from PostgreSQL; exit 1 on the first inconsistency
  simulate [--seed N] [--units N] [--anomalies] [--concurrency N] [--summary FILE] [--dry-run [--out DIR]]
                                                a deterministic supply chain: partners registered, signed documents captured, anomalies summarized

  --ingest URL (INGEST_URL, default http://127.0.0.1:3000)  --verify URL (VERIFY_URL, default http://127.0.0.1:3002)
  --ledger URL (LEDGER_URL, default http://127.0.0.1:3001)  --ledger-key VKEY (LEDGER_VKEY; GET /log on the ledger shows it)
  --admin-token T (ADMIN_TOKEN)  --token T (DSCSA_TOKEN: a partner credential, dscsa_…)  --database-url URL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dscsa)`;

const OPTIONS = {
  gln: { type: 'string' },
  label: { type: 'string' },
  alg: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  prefix: { type: 'string' },
  'prefix-length': { type: 'string' },
  to: { type: 'string' },
  key: { type: 'string' },
  'valid-from': { type: 'string' },
  'valid-until': { type: 'string' },
  ingest: { type: 'string', default: process.env.INGEST_URL ?? 'http://127.0.0.1:3000' },
  verify: { type: 'string', default: process.env.VERIFY_URL ?? 'http://127.0.0.1:3002' },
  ledger: { type: 'string', default: process.env.LEDGER_URL ?? 'http://127.0.0.1:3001' },
  'signer-jwk': { type: 'string' },
  state: { type: 'string' },
  'admin-token': { type: 'string', default: process.env.ADMIN_TOKEN },
  token: { type: 'string', default: process.env.DSCSA_TOKEN },
  'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dscsa' },
  'no-signatures': { type: 'boolean', default: false },
  'ledger-key': { type: 'string', default: process.env.LEDGER_VKEY },
  seed: { type: 'string' },
  units: { type: 'string' },
  anomalies: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  summary: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  const { values: o, positionals } = parsed;
  const [command, ...rest] = positionals;
  const arg = (name: string) => {
    if (rest.length !== 1) throw new CliError(`${command} takes exactly one ${name}`, 2);
    return rest[0];
  };
  if (o.help || !command) return void process.stdout.write(`${USAGE}\n`);
  switch (command) {
    case 'keygen':
      return keygen(o);
    case 'partner':
      if (rest[0] === 'credential') return issueCredential({ ...o, adminToken: o['admin-token'] });
      if (rest[0] !== 'register') throw new CliError('partner: the subcommands are register and credential', 2);
      return registerPartner({ ...o, adminToken: o['admin-token'], validFrom: o['valid-from'], validUntil: o['valid-until'] });
    case 'sign':
      return sign(arg('FILE'), o);
    case 'submit':
      return submit(arg('FILE'), o);
    case 'verify':
      return verifyScan(arg('CODE'), o);
    case 'hash':
      return hash(arg('FILE'));
    case 'validate':
      return validate(arg('FILE'));
    case 'convert':
      return convert(arg('FILE'), o);
    case 'scan':
      return scan(arg('TEXT'), { prefixLength: o['prefix-length'] });
    case 'proof':
      return proof(arg('EVENTID'), o);
    case 'check-proof':
      return checkProof(arg('FILE'), { ledgerKey: o['ledger-key'], signerJwk: o['signer-jwk'] });
    case 'witness':
      return witness({ ledger: o.ledger, key: o.key, ledgerKey: o['ledger-key'], state: o.state });
    case 'audit':
      return audit({ databaseUrl: o['database-url'], signatures: !o['no-signatures'], ledgerKey: o['ledger-key'] });
    case 'simulate':
      return simulate({ ...o, adminToken: o['admin-token'], dryRun: o['dry-run'] });
    default:
      throw new CliError(`unknown command ${command}; see dscsa --help`, 2);
  }
}
