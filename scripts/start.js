// npm start: the whole platform.
// - Without KAFKA_BROKERS and DATABASE_URL: one process on an embedded PostgreSQL (PGlite, data in .data/embedded)
//   and the embedded log instead of Kafka (apps/embedded). `npm start -- --demo` seeds a simulated supply chain.
// - With both set: ingest, ledger and verify as separate processes on that Kafka and PostgreSQL
//   (`npm run infra:up` starts local ones). Ctrl-C stops all three.
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (!existsSync(path.join(root, 'dist/apps/embedded/src/main.js'))) {
  console.error('start: dist/ is missing; run npm ci (or npm run build) first');
  process.exit(1);
}
const checkpoint = require(path.join(root, 'dist/libs/checkpoint/src'));

// One development checkpoint key, shared: the ledger signs with it, verify checks proofs against it.
if (!process.env.LEDGER_SIGNING_KEY) {
  const file = path.resolve(root, process.env.LEDGER_SIGNING_KEY_FILE ?? '.infra/ledger/checkpoint.skey');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const origin = process.env.LEDGER_ORIGIN ?? 'dscsa-trace.example/ledger';
    writeFileSync(file, `${checkpoint.formatSkey(checkpoint.generateSignerKey(checkpoint.ED25519, origin))}\n`, { mode: 0o600 });
  }
  process.env.LEDGER_SIGNING_KEY = readFileSync(file, 'utf8').trim();
}
process.env.LEDGER_VKEY ??= checkpoint.formatVkey(checkpoint.parseSkey(process.env.LEDGER_SIGNING_KEY));
process.env.VRS_RESPONDER_GLN ??= '0614141999989';

if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) {
  require(path.join(root, 'dist/apps/embedded/src/main.js'));
} else {
  const apps = ['ingest', 'ledger', 'verify'];
  const children = apps.map((app) => spawn(process.execPath, [path.join(root, 'dist/apps', app, 'src/main.js')], { stdio: 'inherit', env: process.env }));
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    process.exitCode = code;
  };
  children.forEach((child, i) =>
    child.on('exit', (code) => {
      if (!stopping) console.error(`${apps[i]} exited with ${code}; stopping the others`);
      stop(code ?? 1);
    }),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  console.log(`console: http://127.0.0.1:${process.env.VERIFY_PORT ?? 3002}/console/  ·  ingest http://127.0.0.1:${process.env.INGEST_PORT ?? 3000}/docs  ·  ledger http://127.0.0.1:${process.env.LEDGER_PORT ?? 3001}/checkpoint`);
}
