import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ED25519, formatSkey, formatVkey, generateSignerKey } from '@app/checkpoint';
import type { CpuProfile } from './profiler';

/**
 * What every benchmark shares: options, the three apps as child processes on a fresh database and fresh topics,
 * peak RSS and CPU time per process, latency statistics, CPU profile summaries, and the results file.
 */

/** Compiled, this file is bench/build/bench/harness.js. */
export const ROOT = resolve(__dirname, '../../..');
const APPS_DIR = resolve(__dirname, '../apps');
/**
 * The apps' V8 heap, as docker/Dockerfile starts them. Without it V8 sizes its heap for this 24 GB machine and
 * collects lazily, so an app's resident size says more about the collector's pace than about what it holds.
 */
const APP_HEAP_MB = 320;
export const RESULTS_DIR = resolve(ROOT, process.env.BENCH_RESULTS_DIR ?? 'bench/results');
const PG_ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export const now = () => performance.now();
export const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------------- options

type OptionValue = number | number[];

/**
 * `--quick` picks the quick column, anything else the full one; `--<kebab-name> N` (or `N,M` for lists) overrides a
 * value; `--no-profile` skips the profiled pass. Unknown options are an error.
 */
export function options<T extends Record<string, OptionValue>>(full: T, quick: T): { quick: boolean; profile: boolean; values: T } {
  const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(full).map((k) => [kebab(k), { type: 'string' as const }])),
    },
  });
  const picked = { ...(values.quick ? quick : full) } as Record<string, OptionValue>;
  for (const key of Object.keys(full)) {
    const given = (values as Record<string, unknown>)[kebab(key)] as string | undefined;
    if (given === undefined) continue;
    const list = given.split(',').map(Number);
    if (list.some((x) => !Number.isFinite(x) || x <= 0)) throw new Error(`--${kebab(key)} takes positive numbers`);
    picked[key] = Array.isArray(full[key]) ? list : list[0];
  }
  return { quick: !!values.quick, profile: !values['no-profile'], values: picked as T };
}

// ---------------------------------------------------------------------------------------------------- HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP request over a shared keep-alive agent (lighter than fetch under load). A request that fails with
 * ECONNRESET on a reused connection is sent again once: the server closed the idle connection (keep-alive timeout)
 * as the request went out, so it never saw it.
 */
export async function request(method: string, url: string, body?: string | object, headers: Record<string, string> = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  try {
    return await send(method, url, payload, headers);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' || !(e as { reused?: boolean }).reused) throw e;
    return send(method, url, payload, headers);
  }
}

function send(method: string, url: string, payload: string | undefined, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => reject(Object.assign(e, { reused: req.reusedSocket })));
    req.end(payload);
  });
}

export async function json<T = any>(method: string, url: string, body?: object, headers: Record<string, string> = {}, expect = [200, 201]): Promise<T> {
  const res = await request(method, url, body, headers);
  if (!expect.includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${res.text.slice(0, 500)}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Polls `probe` until it returns a value. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

/** Runs `worker` on `concurrency` lanes until it returns false; returns the wall time. */
export async function lanes(concurrency: number, worker: (lane: number) => Promise<boolean>): Promise<number> {
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, async (_, lane) => {
    while (await worker(lane));
  }));
  return (now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------------- processes

export type AppName = 'ingest' | 'ledger' | 'verify';
export const APPS: AppName[] = ['ingest', 'ledger', 'verify'];

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM) in MB, from /proc/<pid>/status. */
function peakRssOf(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** An app run the way production runs it (`node <build>/apps/<app>/src/main.js`), with a profiling hook preloaded. */
class AppProcess {
  private child?: ChildProcess;
  private output = '';
  private sampler?: NodeJS.Timeout;
  peakRssMb = 0;
  private cpuAtExit = 0;

  constructor(
    readonly app: AppName,
    private readonly env: Record<string, string>,
    private readonly profilePrefix: string,
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  start(): void {
    const main = resolve(APPS_DIR, this.app, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build the benchmarks first (tsc -p bench/tsconfig.json && tsc-alias -p bench/tsconfig.json)`);
    const hook = resolve(__dirname, 'profiler.js');
    this.child = spawn(process.execPath, [`--max-old-space-size=${APP_HEAP_MB}`, '--require', hook, main], {
      env: { ...process.env, ...this.env, BENCH_PROFILE_PREFIX: this.profilePrefix },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    // VmHWM is gone with the process: sample it while it lives.
    this.sampler = setInterval(() => this.sample(), 500);
    this.child.on('exit', () => clearInterval(this.sampler));
  }

  sample(): void {
    if (!this.alive()) return;
    this.peakRssMb = Math.max(this.peakRssMb, peakRssOf(this.pid) ?? 0);
    this.cpuAtExit = cpuSecondsOf(this.pid);
  }

  cpuSeconds(): number {
    return this.alive() ? cpuSecondsOf(this.pid) : this.cpuAtExit;
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  assertAlive(): void {
    if (!this.alive()) throw new Error(`${this.app} exited (${this.child?.exitCode ?? this.child?.signalCode}):\n${this.output.slice(-3000)}`);
  }

  /** Asks the preloaded profiler (bench/profiler.ts) to start, or to stop and write the profile, which is returned. */
  async profiler(command: 'start' | 'stop'): Promise<CpuProfile | undefined> {
    const child = this.child!;
    const answer = new Promise<{ profile?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.app} did not answer bench:profile-${command}`)), 60_000);
      child.once('message', (m: { profile?: string }) => (clearTimeout(timer), resolve(m)));
    });
    child.send(`bench:profile-${command}`);
    const { profile: file } = await answer;
    if (!file) return undefined;
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    rmSync(file);
    return profile;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return;
    this.sample();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  logs(): string {
    return this.output;
  }
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number;
  cpuSeconds: number;
  profile?: ProfileSummary;
}

/** Runs a Node command of the benchmarks' build to the end, with its peak RSS and CPU time, and optionally its CPU profile (kept under that name). */
export async function runCommand(script: string, args: string[], o: { profile?: string } = {}): Promise<CommandRun> {
  const dir = o.profile ? mkdtempSync(resolve(os.tmpdir(), 'bench-prof-')) : undefined;
  const node = ['--require', resolve(__dirname, 'profiler.js'), ...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])];
  const started = now();
  const child = spawn(process.execPath, [...node, resolve(__dirname, script), ...args], { env: { ...process.env, BENCH_REPORT_USAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const seconds = (now() - started) / 1000;
  const usage = /\nbench:usage=(\{.*\})\n/.exec(stderr);
  const { maxRssKb, cpuSeconds } = usage ? (JSON.parse(usage[1]) as { maxRssKb: number; cpuSeconds: number }) : { maxRssKb: 0, cpuSeconds: 0 };
  let profile: ProfileSummary | undefined;
  if (dir) {
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (file) profile = summarizeProfile(keepProfile(o.profile!, JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as CpuProfile));
    rmSync(dir, { recursive: true, force: true });
  }
  return { code, stdout, stderr: usage ? stderr.replace(usage[0], '') : stderr, seconds: round(seconds, 2), peakRssMb: round(maxRssKb / 1024, 1), cpuSeconds: round(cpuSeconds, 2), profile };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

// ---------------------------------------------------------------------------------------------------- the stack

export interface StackOptions {
  /** Extra environment per app, e.g. { ledger: { LEDGER_BLOCK_MAX_EVENTS: '2000' } }. */
  env?: Partial<Record<AppName, Record<string, string>>>;
  eventPartitions?: number;
}

/**
 * The three apps as separate processes against the shared PostgreSQL and Kafka, with a database and topics of their
 * own (created here, dropped by stop), a ledger signing key made for the run, and a regulator with a credential.
 */
export class Stack {
  readonly url = {} as Record<AppName, string>;
  readonly processes = new Map<AppName, AppProcess>();
  /** A connection to the run's database, for the benchmark's own reads. */
  db!: Client;
  regulatorToken = '';
  private stopping?: Promise<void>;
  private analyzer?: Client;
  private analyzeTimer?: NodeJS.Timeout;
  private analyzing = false;

  private constructor(
    readonly run: string,
    readonly database: string,
    readonly databaseUrl: string,
    readonly topics: { events: string; access: string; deadLetter: string },
    readonly kafka: Kafka,
    readonly adminToken: string,
    readonly ledgerVkey: string,
  ) {}

  static async start(name: string, o: StackOptions = {}): Promise<Stack> {
    const run = `bench_${name}_${Date.now().toString(36)}_${randomUUID().slice(0, 4)}`;
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${run}"`);
    await admin.end();
    const kafka = new Kafka({ clientId: 'bench', brokers: BROKERS, logLevel: logLevel.ERROR });
    const topics = { events: `${run}.events`, access: `${run}.access`, deadLetter: `${run}.dlq` };
    const origin = `bench.dscsa-trace.example/${run}`;
    const key = generateSignerKey(ED25519, origin);
    const stack = new Stack(run, run, PG_ADMIN.replace(/\/[^/]*$/, `/${run}`), topics, kafka, `bench-admin-${randomUUID()}`, formatVkey(key));
    const cleanup = () => void stack.stop().finally(() => process.exit(130));
    process.once('SIGINT', cleanup);
    process.once('SIGTERM', cleanup);
    try {
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      await kafkaAdmin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: topics.events, numPartitions: o.eventPartitions ?? 6 },
          { topic: topics.access, numPartitions: 1 },
          { topic: topics.deadLetter, numPartitions: 1 },
        ],
      });
      await kafkaAdmin.disconnect();
      const ports = { ingest: await freePort(), ledger: await freePort(), verify: await freePort() };
      for (const app of APPS) stack.url[app] = `http://127.0.0.1:${ports[app]}`;
      const common = {
        DATABASE_URL: stack.databaseUrl,
        KAFKA_BROKERS: BROKERS.join(','),
        KAFKA_TOPIC_EVENTS: topics.events,
        KAFKA_TOPIC_ACCESS: topics.access,
        KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
        LEDGER_CONSUMER_GROUP: run,
        ADMIN_TOKEN: stack.adminToken,
        LEDGER_ORIGIN: origin,
        LEDGER_SIGNING_KEY: formatSkey(key),
        LEDGER_VKEY: stack.ledgerVkey,
        LEDGER_URL: stack.url.ledger,
        INGEST_PORT: String(ports.ingest),
        LEDGER_PORT: String(ports.ledger),
        VERIFY_PORT: String(ports.verify),
        LOG_LEVEL: 'warn',
      };
      mkdirSync(RESULTS_DIR, { recursive: true });
      // Each app migrates its own schema; verify reads the others', so it starts last.
      for (const app of APPS) {
        const p = new AppProcess(app, { ...common, ...o.env?.[app] }, resolve(os.tmpdir(), `${run}-${app}`));
        stack.processes.set(app, p);
        p.start();
        await waitFor(`${app} healthy`, async () => {
          p.assertAlive();
          return (await request('GET', `${stack.url[app]}/health`).catch(() => undefined))?.status === 200 ? true : undefined;
        }, 90_000, 200);
      }
      stack.db = new Client({ connectionString: stack.databaseUrl });
      await stack.db.connect();
      await stack.emulateAutovacuum();
      await stack.admin('/admin/partners', { gln: REGULATOR_GLN, name: 'Bench Regulator', roles: ['regulator'], keys: [] });
      stack.regulatorToken = await stack.credential(REGULATOR_GLN);
      return stack;
    } catch (e) {
      await stack.stop();
      throw e;
    }
  }

  /**
   * PostgreSQL's statistics as autovacuum keeps them. This machine's server runs with autovacuum off, and without
   * statistics the planner takes the custody query's recursive CTE for thousands of rows and scans whole indexes
   * (about 1 s a scan at 200,000 units instead of 1 ms). Where it is off, the run's database is analyzed every 30 s
   * on a connection of its own, as autovacuum's analyze would (default naptime 1 min), and at analyze().
   */
  get emulatingAutovacuum(): boolean {
    return !!this.analyzer;
  }

  private async emulateAutovacuum(): Promise<void> {
    if ((await this.db.query('SHOW autovacuum')).rows[0].autovacuum !== 'off') return;
    this.analyzer = new Client({ connectionString: this.databaseUrl });
    await this.analyzer.connect();
    this.analyzeTimer = setInterval(() => void this.analyze().catch(() => undefined), 30_000);
  }

  /** ANALYZE of the run's database (when autovacuum is off; otherwise autovacuum's job). */
  async analyze(): Promise<void> {
    if (!this.analyzer || this.analyzing) return;
    this.analyzing = true;
    try {
      await this.analyzer.query('ANALYZE');
    } finally {
      this.analyzing = false;
    }
  }

  async admin<T = any>(path: string, body: object): Promise<T> {
    return json<T>('POST', `${this.url.ingest}${path}`, body, bearer(this.adminToken));
  }

  /** Issues an API credential for a registered partner. */
  async credential(gln: string): Promise<string> {
    return (await this.admin<{ token: string }>(`/admin/partners/${gln}/credentials`, { label: 'bench' })).token;
  }

  /** Registers a partner (POST /admin/partners body) and returns a credential for it. */
  async register(partner: { gln: string }): Promise<string> {
    await this.admin('/admin/partners', partner);
    return this.credential(partner.gln);
  }

  assertAlive(): void {
    for (const p of this.processes.values()) p.assertAlive();
  }

  /** Size of the latest signed checkpoint (0 before the first block). */
  async treeSize(): Promise<number> {
    const { rows } = await this.db.query('SELECT tree_size FROM ledger.checkpoint ORDER BY tree_size DESC LIMIT 1');
    return rows.length ? Number(rows[0].tree_size) : 0;
  }

  /** Waits until the signed log holds `size` leaves, printing progress. */
  async waitForLog(size: number, timeoutMs = 1_800_000): Promise<number> {
    const started = now();
    let shown = 0;
    await waitFor('the ledger catching up', async () => {
      this.assertAlive();
      const tree = await this.treeSize();
      if (now() - shown > 5000) {
        shown = now();
        progress(`ledger: ${tree.toLocaleString('en-US')} / ${size.toLocaleString('en-US')} leaves in signed checkpoints`);
      }
      return tree >= size ? true : undefined;
    }, timeoutMs, 100);
    return (now() - started) / 1000;
  }

  /** Peak RSS of each app so far, MB. */
  peakRss(): Record<AppName, number> {
    return Object.fromEntries(APPS.map((a) => {
      const p = this.processes.get(a)!;
      p.sample();
      return [a, round(p.peakRssMb, 1)];
    })) as Record<AppName, number>;
  }

  /** Runs `fn` with the named apps under the CPU profiler, and summarizes each profile (kept as bench/results/profiles/<name>-<app>.cpuprofile). */
  async profile<T>(name: string, apps: AppName[], fn: () => Promise<T>): Promise<{ result: T; profiles: Partial<Record<AppName, ProfileSummary>> }> {
    for (const a of apps) await this.processes.get(a)!.profiler('start');
    const result = await fn();
    const profiles: Partial<Record<AppName, ProfileSummary>> = {};
    for (const a of apps) profiles[a] = summarizeProfile(keepProfile(`${name}-${a}`, (await this.processes.get(a)!.profiler('stop'))!));
    return { result, profiles };
  }

  /** Transactions committed in the run's database so far (each statement outside a transaction is one). */
  async pgCommits(): Promise<number> {
    const { rows } = await this.db.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].xact_commit);
  }

  /** Snapshot of CPU time per component, for cpuUse() and cpuCost(). */
  cpu(): CpuSnapshot {
    return cpuSnapshot(Object.fromEntries([...this.processes].map(([a, p]) => [a, p.cpuSeconds()])));
  }

  /** Stops the apps, deletes the topics and drops the database; every caller waits for the one teardown. */
  stop(): Promise<void> {
    return (this.stopping ??= this.teardown());
  }

  private async teardown(): Promise<void> {
    clearInterval(this.analyzeTimer);
    for (const p of [...this.processes.values()].reverse()) await p.stop().catch(() => undefined);
    await this.analyzer?.end().catch(() => undefined);
    await this.db?.end().catch(() => undefined);
    if (process.env.BENCH_KEEP) return void console.error(`BENCH_KEEP: database ${this.database} and topics ${Object.values(this.topics).join(', ')} are left in place`);
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteTopics({ topics: Object.values(this.topics) }))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
    const c = new Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    await c.end();
  }

  logs(app: AppName): string {
    return this.processes.get(app)?.logs() ?? '';
  }
}

export const REGULATOR_GLN = '0614141999996';

/** Starts a stack, runs the benchmark and always stops the stack; exit code 1 on a crash (missed targets are not one). */
export function main(name: string, body: (stack: Stack) => Promise<void>, stackOptions: StackOptions = {}): void {
  (async () => {
    const stack = await Stack.start(name, stackOptions);
    try {
      await body(stack);
    } catch (e) {
      for (const app of APPS) if (!stack.processes.get(app)?.alive()) console.error(`--- ${app} output:\n${stack.logs(app).slice(-3000)}`);
      throw e;
    } finally {
      await stack.stop();
    }
  })().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`${name} benchmark failed: ${e.stack ?? e.message}`);
      process.exit(1);
    },
  );
}

export function progress(line: string): void {
  process.stderr.write(`  · ${line}\n`);
}

// ---------------------------------------------------------------------------------------------------- CPU use

export interface CpuSnapshot {
  at: number;
  procs: Record<string, number>;
  machineBusy: number;
}

function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Kafka (the broker's JVM) and every PostgreSQL process on the machine, beside the given app processes and this one. */
function cpuSnapshot(apps: Record<string, number>): CpuSnapshot {
  let kafka = 0;
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') postgres += cpuSecondsOf(Number(pid));
    else if (comm === 'java' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka')) kafka += cpuSecondsOf(Number(pid));
  }
  const self = process.cpuUsage();
  return { at: now(), procs: { ...apps, kafka, postgres, bench: (self.user + self.system) / 1e6 }, machineBusy: machineBusySeconds() };
}

/** CPU milliseconds per item (event, scan, ...) of each component between two snapshots: the cost, whatever the noise. */
export function cpuCost(a: CpuSnapshot, b: CpuSnapshot, items: number): Record<string, number> {
  const cost: Record<string, number> = {};
  let total = 0;
  for (const k of Object.keys(b.procs)) {
    const ms = (Math.max(0, b.procs[k] - (a.procs[k] ?? 0)) * 1000) / items;
    total += ms;
    cost[k] = round(ms, 3);
  }
  cost.total = round(total, 3);
  return cost;
}

/** Cores busy on average per component between two snapshots; `other` is the rest of the machine (other users). */
export function cpuUse(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const wall = (b.at - a.at) / 1000;
  const use: Record<string, number> = {};
  let known = 0;
  for (const k of Object.keys(b.procs)) {
    const seconds = Math.max(0, b.procs[k] - (a.procs[k] ?? 0));
    known += seconds;
    use[k] = round(seconds / wall, 2);
  }
  const busy = b.machineBusy - a.machineBusy;
  use.other = round(Math.max(0, busy - known) / wall, 2);
  use.machine = round(busy / wall, 2);
  return use;
}

// ---------------------------------------------------------------------------------------------------- statistics

export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in the unit given (ms throughout). */
export function latencyStats(values: number[]): LatencyStats {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return { count: sorted.length, p50: round(at(50), 1), p90: round(at(90), 1), p99: round(at(99), 1), max: round(at(100), 1), mean: round(mean, 1) };
}

// ---------------------------------------------------------------------------------------------------- profiles

export interface ProfileSummary {
  seconds: number;
  /** Share of the window the thread was not idle. */
  busy: number;
  /** Self time by area (npm package, @app lib, app, node core, GC, VM) as a share of busy time. */
  areas: { area: string; share: number }[];
  /** Functions with the most self time, as a share of busy time. */
  functions: { fn: string; at: string; share: number }[];
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node core';
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return npm[1];
  const own = /\/(libs|apps)\/([^/]+)\//.exec(url);
  if (own) return own[1] === 'libs' ? `@app/${own[2]}` : `apps/${own[2]}`;
  return 'other';
}

/** Writes a profile where Chrome's DevTools (Performance, load profile) can open it; returns it. */
export function keepProfile(name: string, profile: CpuProfile): CpuProfile {
  mkdirSync(resolve(RESULTS_DIR, 'profiles'), { recursive: true });
  writeFileSync(resolve(RESULTS_DIR, 'profiles', `${name}.cpuprofile`), JSON.stringify(profile));
  return profile;
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const where = (url: string, line: number) => `${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '').replace(/^bench\/build\//, '')}:${line + 1}`;
  const areas = new Map<string, number>();
  const functions = new Map<string, { fn: string; at: string; us: number }>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    // Native code is named after the JavaScript that called it, which says more than "writev" alone.
    let caller = parent.get(id);
    while (!url && caller !== undefined && !byId.get(caller)!.callFrame.url) caller = parent.get(caller);
    const from = !url && caller !== undefined ? byId.get(caller)!.callFrame : undefined;
    if (from?.url === 'node:inspector') {
      idle += us; // the profiler's own work, not the app's
      continue;
    }
    const area = areaOf(functionName, from?.url ?? url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    // Node's own code (socket writes, crypto) is also named after the package or app that called into it.
    let via = area === 'node core' ? parent.get(id) : undefined;
    while (via !== undefined && ['node core', 'native'].includes(areaOf(byId.get(via)!.callFrame.functionName, byId.get(via)!.callFrame.url))) via = parent.get(via);
    const viaArea = via === undefined ? undefined : areaOf(byId.get(via)!.callFrame.functionName, byId.get(via)!.callFrame.url);
    const fn = `${functionName || '(anonymous)'}${from ? ` ← ${from.functionName || '(anonymous)'}` : ''}${viaArea && !viaArea.startsWith('(') ? ` (from ${viaArea})` : ''}`;
    const at = from ? where(from.url, from.lineNumber) : url ? where(url, lineNumber) : '';
    const f = functions.get(`${fn}@${at}`) ?? { fn, at, us: 0 };
    f.us += us;
    functions.set(`${fn}@${at}`, f);
  }
  const busy = total - idle || 1;
  const share = (us: number) => round((100 * us) / busy, 1);
  return {
    seconds: round((profile.endTime - profile.startTime) / 1e6, 1),
    busy: round((100 * (total - idle)) / (total || 1), 1),
    areas: [...areas].sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, us]) => ({ area, share: share(us) })),
    functions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ fn: f.fn, at: f.at, share: share(f.us) })),
  };
}

// ---------------------------------------------------------------------------------------------------- results

export interface Target {
  name: string;
  value: number;
  op: '>=' | '<=';
  threshold: number;
  unit: string;
  pass: boolean;
  /** value / threshold for >=, threshold / value for <=: below 1 is a miss by that factor. */
  attainment: number;
  note?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  kafka: string;
  loadAverage: number[];
}

/**
 * The commit the apps were built from, as far as a shared working tree allows: HEAD, the tracked files changed in it,
 * and app or lib sources newer than the benchmarks' build (then the build is not what the figures describe).
 */
export function sourceState(): { commit: string; changedFiles: string[]; newerThanBuild: string[] } {
  const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const built = statSync(resolve(__dirname, 'harness.js')).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = resolve(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && statSync(path).mtimeMs > built) newer.push(relative(ROOT, path));
    }
  };
  ['apps', 'libs'].forEach((d) => walk(resolve(ROOT, d)));
  return { commit: git(['rev-parse', '--short', 'HEAD']), changedFiles: git(['status', '--porcelain', '--', 'apps', 'libs']).split('\n').filter(Boolean), newerThanBuild: newer };
}

export async function machine(db: Client): Promise<Machine> {
  const libs = resolve(ROOT, 'docker/kafka/target/libs');
  const jar = existsSync(libs) ? readdirSync(libs).find((f) => /^kafka_[\d.]+-[\d.]+\.jar$/.test(f)) : undefined;
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    ramGb: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: String((await db.query('SHOW server_version')).rows[0].server_version),
    postgresSettings: Object.fromEntries(
      (await db.query(`SELECT name, setting FROM pg_settings WHERE name = ANY($1)`, [['autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'jit', 'max_connections']])).rows.map((r) => [r.name, r.setting]),
    ),
    kafka: jar ? jar.replace(/^kafka_([\d.]+)-([\d.]+)\.jar$/, '$2 (Scala $1)') : 'unknown',
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
}

/** What a benchmark found: printed as tables and written to bench/results/<name>.json. */
export class Results {
  readonly figures: Record<string, unknown> = {};
  readonly baselines: Record<string, unknown> = {};
  readonly ratios: Record<string, number> = {};
  readonly targets: Target[] = [];
  readonly cpu: Record<string, Record<string, number>> = {};
  readonly profiles: Record<string, Record<string, ProfileSummary>> = {};
  readonly notes: string[] = [];
  memory: Record<string, number> = {};
  private readonly started = new Date();
  /** Taken at the start: the build under test is older than anything committed during the run. */
  private readonly source = sourceState();

  constructor(
    readonly name: string,
    readonly parameters: object,
  ) {}

  target(name: string, value: number, op: '>=' | '<=', threshold: number, unit: string, note?: string): void {
    const pass = op === '>=' ? value >= threshold : value <= threshold;
    const attainment = Number((op === '>=' ? value / threshold : threshold / value).toPrecision(2));
    this.targets.push({ name, value: round(value, Math.abs(value) < 10 ? 3 : 1), op, threshold, unit, pass, attainment, ...(note && { note }) });
  }

  /** Peak RSS of each app against the 512 MB target. */
  memoryOf(stack: Stack): void {
    this.memory = stack.peakRss();
    for (const [app, mb] of Object.entries(this.memory)) this.target(`peak RSS ${app}`, mb, '<=', 512, 'MB');
  }

  async write(stack: Stack | undefined, db: Client): Promise<void> {
    const m = await machine(db);
    if (stack?.emulatingAutovacuum)
      this.notes.push('autovacuum is off on this PostgreSQL server: the run analyzed its database every 30 s and after each data load, as autovacuum would');
    const out = {
      name: this.name,
      command: `node ${relative(ROOT, process.argv[1])} ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt: this.started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: m,
      source: this.source,
      parameters: this.parameters,
      figures: this.figures,
      baselines: this.baselines,
      ratios: this.ratios,
      targets: this.targets,
      memoryMb: this.memory,
      cpuCores: this.cpu,
      profiles: this.profiles,
      notes: this.notes,
      ...(stack && { stack: { database: stack.database, topics: stack.topics } }),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = resolve(RESULTS_DIR, `${this.name}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    this.print(m);
    console.log(`\nwritten to ${relative(process.cwd(), file)}`);
  }

  private print(m: Machine): void {
    console.log(`\n== ${this.name} ==  commit ${this.source.commit}${this.source.changedFiles.length ? ' + local changes' : ''}, ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB, node ${m.node}, PostgreSQL ${m.postgres}, Kafka ${m.kafka}, load ${m.loadAverage.join(' ')}`);
    const section = (title: string, rows: [string, unknown][]) => {
      if (!rows.length) return;
      console.log(`\n${title}`);
      table(rows.map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]));
    };
    section('figures', flatten(this.figures));
    section('baselines', flatten(this.baselines));
    section('ratios', Object.entries(this.ratios));
    section('CPU (cores busy on average)', Object.entries(this.cpu).map(([phase, use]) => [phase, Object.entries(use).map(([k, v]) => `${k} ${v}`).join('  ')]));
    for (const [phase, apps] of Object.entries(this.profiles))
      for (const [app, p] of Object.entries(apps))
        section(`profile: ${app} during ${phase} (${p!.seconds} s, ${p!.busy}% busy; self time, % of busy)`, [
          ['by area', p!.areas.map((a) => `${a.area} ${a.share}`).join(', ')],
          ...p!.functions.slice(0, 10).map((f): [string, unknown] => [`${f.share}%`, `${f.fn} ${f.at}`]),
        ]);
    if (this.targets.length) {
      console.log('\ntargets');
      table([
        ['target', 'value', 'goal', 'met', 'attainment'],
        ...this.targets.map((t) => [t.name, `${t.value} ${t.unit}`, `${t.op} ${t.threshold} ${t.unit}`, t.pass ? 'yes' : 'NO', `${t.attainment}×`]),
      ]);
    }
    for (const n of this.notes) console.log(`note: ${n}`);
  }
}

function flatten(o: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]): [string, unknown][] =>
    v && typeof v === 'object' && !Array.isArray(v) && !('p50' in v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v]],
  );
}

export function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`);
}
