// npm start (until the embedded mode lands): the three apps as separate processes on the local
// PostgreSQL and Kafka, which `npm run infra:up` starts. Ctrl-C stops all three.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const apps = ['ingest', 'ledger', 'verify'];
const children = apps.map((app) =>
  spawn(process.execPath, [path.join(root, 'dist/apps', app, 'src/main.js')], { stdio: 'inherit', env: process.env }),
);
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
