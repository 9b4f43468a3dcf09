import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANOMALY_KINDS, registrationOf, Simulation, type SignedDocument, type SimulationInput } from '@app/simulator';
import { CliError } from '../cli-error';
import { callApi, writeOutput } from '../io';

export interface SimulateOptions {
  seed?: string;
  units?: string;
  anomalies?: boolean;
  ingest: string;
  adminToken?: string;
  concurrency?: string;
  summary?: string;
  dryRun?: boolean;
  out?: string;
}

const MANUFACTURERS = 2;
const PRODUCTS_PER_MANUFACTURER = 2;
const MAX_UNITS_PER_LOT = 20_000;
const RETRIES = 8;

/**
 * `simulate [--seed N] [--units N] [--anomalies] [--concurrency N] [--summary FILE] [--dry-run [--out DIR]]`:
 * generates a deterministic supply chain (libs/simulator), registers its partners, captures its signed documents
 * at ingest and prints the summary of injected anomalies with the reason codes a scan must show. With --dry-run
 * nothing is sent; --out writes each document and its DSCSA-Signature to a directory.
 */
export async function simulate(opts: SimulateOptions): Promise<void> {
  if (!opts.dryRun && !opts.adminToken) throw new CliError('--admin-token (or ADMIN_TOKEN) is required to register the partners; --dry-run sends nothing');
  if (opts.out && !opts.dryRun) throw new CliError('--out goes with --dry-run', 2);
  // Checked now rather than after a long run: the summary file is never overwritten.
  if (opts.summary && existsSync(opts.summary)) throw new CliError(`${opts.summary} already exists; not overwriting it`);
  const sim = createSimulation(opts);
  const concurrency = positive(opts.concurrency ?? '4', '--concurrency');
  if (opts.out) await mkdir(opts.out, { recursive: true });
  // Each partner submits its own documents with its own API credential, as it would in production.
  const tokens = new Map<string, string>();
  if (!opts.dryRun)
    for (const p of sim.partners) {
      const admin = { authorization: `Bearer ${opts.adminToken}` };
      await callApi('POST', new URL('/admin/partners', opts.ingest).href, registrationOf(p), admin);
      const issued = (await callApi('POST', new URL(`/admin/partners/${p.gln}/credentials`, opts.ingest).href, { label: 'simulator' }, admin)) as { token: string };
      tokens.set(p.gln, issued.token);
    }

  const progress = new Progress(sim.eventTotal());
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let n = 0;
  for await (const doc of sim.documents()) {
    const name = `${String(++n).padStart(6, '0')}-${doc.signer.gln}`;
    const task = (opts.dryRun ? (opts.out ? save(opts.out, name, doc) : Promise.resolve()) : capture(opts.ingest, doc, tokens.get(doc.signer.gln)!))
      .then(() => progress.add(doc))
      .catch((e: unknown) => void (failure ??= e))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) break;
  }
  await Promise.all(inFlight);
  progress.end();
  if (failure) throw failure;
  const summary = JSON.stringify(sim.summary(), null, 2);
  if (opts.summary) await writeOutput(opts.summary, summary);
  await writeOutput(undefined, summary);
}

/** A chain of about `units` packages: two manufacturers with two products each, lots of at most 20,000 units. */
function createSimulation(opts: SimulateOptions): Simulation {
  const units = positive(opts.units ?? '1000', '--units');
  const products = MANUFACTURERS * PRODUCTS_PER_MANUFACTURER;
  const lotsPerProduct = Math.max(2, Math.ceil(units / products / MAX_UNITS_PER_LOT));
  const unitsPerLot = Math.ceil(units / products / lotsPerProduct);
  // Enough of each kind to see, never more than a lot can show.
  const each = Math.min(Math.max(2, Math.round(units / 10_000)), 100, unitsPerLot);
  const input: SimulationInput = {
    seed: opts.seed ?? '1',
    manufacturers: MANUFACTURERS,
    productsPerManufacturer: PRODUCTS_PER_MANUFACTURER,
    lotsPerProduct,
    unitsPerLot,
    ...(opts.anomalies && { recall: true, anomalies: Object.fromEntries(ANOMALY_KINDS.map((k) => [k, each])) }),
  };
  try {
    return new Simulation(input);
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(`simulate: ${e.message}`, 2);
    throw e;
  }
}

/** POST /capture with the document signature and the signer's credential; a 503 (Kafka did not acknowledge) is retried, as the protocol allows. */
async function capture(ingest: string, doc: SignedDocument, token: string): Promise<void> {
  const url = new URL('/capture', ingest).href;
  const body = JSON.stringify(doc.document);
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ld+json', 'dscsa-signature': doc.signature, authorization: `Bearer ${token}` }, body });
    } catch (e) {
      throw new CliError(`cannot reach ${url}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 503 && attempt < RETRIES) {
      const retryAfter = Number(res.headers.get('retry-after'));
      await sleep(retryAfter > 0 ? retryAfter * 1000 : Math.min(500 * 2 ** (attempt - 1), 30_000));
      continue;
    }
    const answer = parse(text) as CaptureAnswer | undefined;
    const what = `a document of ${doc.eventCount} events signed by ${doc.signer.name} (${doc.signer.gln})`;
    if (res.status !== 202 || !answer) throw new CliError(`POST ${url} refused ${what}: ${res.status} ${answer?.title ?? ''}${answer?.detail ? `: ${answer.detail}` : ''}`.trim());
    if (answer.success) return;
    const [first] = answer.errors ?? [];
    throw new CliError(`capture ${answer.captureID} of ${what} failed with ${answer.errors?.length} errors, first at event ${first?.eventIndex}: ${first?.rule}: ${first?.message}`);
  }
}

/** A capture job (202) or a problem+json document. */
interface CaptureAnswer {
  success?: boolean;
  captureID?: string;
  errors?: { eventIndex?: number; rule: string; message: string }[];
  title?: string;
  detail?: string;
}

async function save(dir: string, name: string, doc: SignedDocument): Promise<void> {
  try {
    await writeFile(join(dir, `${name}.jsonld`), JSON.stringify(doc.document), { flag: 'wx' });
    await writeFile(join(dir, `${name}.sig`), `${doc.signature}\n`, { flag: 'wx' });
  } catch (e) {
    throw new CliError(`cannot write ${join(dir, name)}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists; not overwriting it' : (e as Error).message}`);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function positive(value: string, name: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new CliError(`${name} must be a positive integer`, 2);
  return Number(value);
}

/** One \r line on a terminal's stderr: events done of the total, events and EPCs per second. */
class Progress {
  private readonly started = Date.now();
  private shown = 0;
  private events = 0;
  private epcs = 0;

  constructor(private readonly total: number) {}

  add(doc: SignedDocument): void {
    this.events += doc.eventCount;
    this.epcs += doc.epcCount;
    if (Date.now() - this.shown >= 250) this.show();
  }

  end(): void {
    if (this.shown) this.show('\n');
  }

  private show(end = ''): void {
    if (!process.stderr.isTTY) return;
    this.shown = Date.now();
    const seconds = Math.max((this.shown - this.started) / 1000, 0.001);
    const f = (x: number) => Math.round(x).toLocaleString('en-US');
    process.stderr.write(`\r${f(this.events)}/${f(this.total)} events (${Math.floor((100 * this.events) / this.total)}%)  ${f(this.events / seconds)} events/s  ${f(this.epcs / seconds)} EPCs/s${end}`);
  }
}
