import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { EpcisSchemaUnavailableError } from './types';
import { WHITESPACE_ARTEFACT } from './xsd-artefacts';
import { XSD_WORKER_SOURCE } from './xsd-worker-source';

export type XsdVersion = '2.0' | '1.2';

/** One libxml2 diagnostic: message, 1-based line (0 when unknown) and the node path when libxml2 gives one. */
export interface XsdDiagnostic {
  message: string;
  line: number;
  col: number;
  xpath?: string;
  level?: number;
  /**
   * The event element the diagnostic concerns: its position among the document's events, its node
   * path (when located by path; absent when only the line placed it) and its eventID if it has one.
   */
  event?: { index: number; path?: string; eventID?: string };
}

export type XsdOutcome =
  | { ok: true }
  /** At most MAX_XSD_DETAILS diagnostics; `more` counts those left out. */
  | { ok: false; stage: 'parse' | 'validate'; details: XsdDiagnostic[]; more: number };

/**
 * Diagnostics kept per document. Each costs libxml2 a scan of the node's siblings (its node path),
 * so the cap keeps a document whose thousands of events are all invalid linear, not quadratic.
 */
export const MAX_XSD_DETAILS = 200;

/** Where each official XSD lives under the schema directory that scripts/fetch-schemas.sh fills. */
export const XSD_LAYOUT: Record<XsdVersion, { dir: string; main: string }> = {
  '2.0': { dir: 'xsd/2_0_0', main: 'EPCglobal-epcis-2_0.xsd' },
  '1.2': { dir: 'xsd/1_2_0', main: 'EPCglobal-epcis-1_2.xsd' },
};

const SCHEMA_SUBDIR = join('.infra', 'schemas', 'epcis');

/**
 * The directory holding the fetched official XSDs: $EPCIS_SCHEMA_DIR, else the first
 * `.infra/schemas/epcis` found walking up from this file (works from libs/ and dist/) or from the
 * working directory.
 */
export function epcisSchemaDir(): string {
  const fromEnv = process.env.EPCIS_SCHEMA_DIR;
  if (fromEnv) {
    const dir = resolve(fromEnv);
    if (existsSync(join(dir, XSD_LAYOUT['2.0'].dir, XSD_LAYOUT['2.0'].main))) return dir;
    throw new EpcisSchemaUnavailableError(`EPCIS_SCHEMA_DIR=${dir} holds no EPCIS XSDs; run scripts/fetch-schemas.sh`);
  }
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, SCHEMA_SUBDIR);
      if (existsSync(join(candidate, XSD_LAYOUT['2.0'].dir, XSD_LAYOUT['2.0'].main))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new EpcisSchemaUnavailableError(
    `the official EPCIS XSDs were not found (no ${SCHEMA_SUBDIR} above ${__dirname}); run scripts/fetch-schemas.sh or set EPCIS_SCHEMA_DIR`,
  );
}

function loadSchemaFiles(root: string): { version: XsdVersion; base: string; main: string; files: Record<string, Uint8Array> }[] {
  return (Object.keys(XSD_LAYOUT) as XsdVersion[]).map((version) => {
    const { dir, main } = XSD_LAYOUT[version];
    const abs = join(root, dir);
    let names: string[];
    try {
      names = readdirSync(abs).filter((n) => n.endsWith('.xsd'));
    } catch {
      throw new EpcisSchemaUnavailableError(`missing ${abs}; run scripts/fetch-schemas.sh`);
    }
    if (!names.includes(main)) throw new EpcisSchemaUnavailableError(`missing ${join(abs, main)}; run scripts/fetch-schemas.sh`);
    const files: Record<string, Uint8Array> = {};
    for (const name of names) files[name] = new Uint8Array(readFileSync(join(abs, name)));
    // A virtual absolute base: the schemas' relative imports resolve inside this set of buffers only.
    return { version, base: `/epcis-xsd/${dir}/`, main, files };
  });
}

const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

type WorkerReply = ({ ok: true } | Extract<XsdOutcome, { ok: false }> | { error: string }) & { id: number };

/**
 * A synchronous facade over the libxml2 worker: the caller blocks (Atomics.wait) while the worker
 * validates, typically well under a millisecond per small document.
 */
class XsdWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private started = false;
  dead = false;

  constructor() {
    const schemas = loadSchemaFiles(epcisSchemaDir());
    const libxml2Url = pathToFileURL(require.resolve('libxml2-wasm')).href;
    // The low-level module behind the public API (same instance), for the capped error collector.
    const libxml2RawUrl = new URL('./libxml2.mjs', libxml2Url).href;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(XSD_WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: this.flag.buffer, libxml2Url, libxml2RawUrl, maxDetails: MAX_XSD_DETAILS, artefact: WHITESPACE_ARTEFACT, schemas },
      transferList: [port2],
      // Keep the worker's own (wasm) memory bounded; documents are validated one at a time.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    this.worker.on('error', () => (this.dead = true));
    this.worker.on('exit', () => (this.dead = true));
    this.worker.unref();
    this.port.unref();
  }

  validate(xml: string, version: XsdVersion): XsdOutcome {
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, xml, version });
    const deadline = Date.now() + (this.started ? REQUEST_TIMEOUT_MS : START_TIMEOUT_MS);
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.dead = true;
        void this.worker.terminate();
        throw new EpcisSchemaUnavailableError('the XSD validator did not answer in time');
      }
      Atomics.wait(this.flag, 0, 0, Math.min(remaining, 250));
      const received = receiveMessageOnPort(this.port);
      if (!received) continue;
      const reply = received.message as WorkerReply;
      if (reply.id === -1 && 'error' in reply) {
        // The worker hit an error outside any request: it is no longer trustworthy.
        this.dead = true;
        void this.worker.terminate();
        throw new EpcisSchemaUnavailableError(`XSD validator crashed: ${reply.error}`);
      }
      if (reply.id !== id) continue; // a stale answer to an earlier, abandoned request
      this.started = true;
      if ('error' in reply) throw new EpcisSchemaUnavailableError(`XSD validator failed: ${reply.error}`);
      if (reply.ok) return { ok: true };
      return { ok: false, stage: reply.stage, details: reply.details, more: reply.more ?? 0 };
    }
  }

  async close(): Promise<void> {
    this.dead = true;
    this.port.close();
    await this.worker.terminate();
  }
}

let instance: XsdWorker | undefined;

/**
 * Validates an XML string against the official EPCIS 2.0 or 1.2 XSD (compiled once per process, in a
 * worker thread, on first use). Throws EpcisSchemaUnavailableError when the XSDs or libxml2 cannot be
 * loaded; every problem of the document itself comes back in the outcome.
 */
export function validateWithXsd(xml: string, version: XsdVersion): XsdOutcome {
  if (!instance || instance.dead) instance = new XsdWorker();
  try {
    return instance.validate(xml, version);
  } catch (e) {
    if (instance?.dead) instance = undefined;
    throw e;
  }
}

/** Loads the XSDs now rather than on the first document (e.g. at service start-up). */
export function warmUpXsdValidator(): void {
  validateWithXsd('<warm-up/>', '2.0');
}

/** Stops the worker (tests, graceful shutdown); the next validation starts a new one. */
export async function closeXsdValidator(): Promise<void> {
  const current = instance;
  instance = undefined;
  await current?.close();
}
