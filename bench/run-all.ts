import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RESULTS_DIR, table, type Machine, type Target } from './harness';

/**
 * Every benchmark in turn, each in its own process with its own stack (`--quick` and `--no-profile` are passed on),
 * then one table of every target from bench/results/*.json, also written as bench/results/summary.md.
 */
const BENCHMARKS = ['ingest', 'verify', 'recall', 'audit'];
const passed: string[] = process.argv.slice(2).filter((a) => a === '--quick' || a === '--no-profile');
const unknown = process.argv.slice(2).filter((a) => !passed.includes(a));
if (unknown.length) {
  console.error(`usage: run-all [--quick] [--no-profile] (unknown: ${unknown.join(' ')}); size options go to each benchmark on its own`);
  process.exit(2);
}

const failed: string[] = [];
const started = Date.now();
for (const name of BENCHMARKS) {
  console.log(`\n##### ${name} ${passed.join(' ')}`);
  const t0 = Date.now();
  const run = spawnSync(process.execPath, [resolve(__dirname, `${name}.js`), ...passed], { stdio: 'inherit' });
  console.log(`##### ${name}: ${run.status === 0 ? 'done' : `FAILED (${run.status ?? run.signal})`} in ${Math.round((Date.now() - t0) / 1000)} s`);
  if (run.status !== 0) failed.push(name);
}

interface ResultFile {
  name: string;
  command: string;
  finishedAt: string;
  machine: Machine;
  source: { commit: string; changedFiles: string[] };
  targets: Target[];
}
const files = BENCHMARKS.map((n) => resolve(RESULTS_DIR, `${n}.json`)).filter(existsSync);
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as ResultFile);
const rows = results.flatMap((r) =>
  r.targets.map((t) => [r.name, t.name, `${t.value} ${t.unit}`, `${t.op} ${t.threshold} ${t.unit}`, t.pass ? 'met' : `missed (${t.attainment}× of target)`]),
);
console.log(`\nall targets (${Math.round((Date.now() - started) / 1000)} s in all)`);
table([['benchmark', 'target', 'measured', 'goal', ''], ...rows]);
const machine = results[0]?.machine;
const md = [
  machine && `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB RAM, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}, Kafka ${machine.kafka}.`,
  '',
  '| benchmark | target | measured | goal | |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  ...results.map((r) => `- ${r.name}: \`${r.command}\` at commit ${r.source.commit}${r.source.changedFiles.length ? ' with local changes' : ''} (finished ${r.finishedAt})`),
].join('\n');
writeFileSync(resolve(RESULTS_DIR, 'summary.md'), `${md}\n`);
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
