import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** An app run the way production runs it: `node dist/apps/<app>/src/main.js`, in its own process. */
export class AppProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly app: 'ingest' | 'ledger' | 'verify' | 'embedded',
    private readonly env: Record<string, string> = {},
    private readonly args: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): this {
    const main = resolve(ROOT, 'dist/apps', this.app, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first (npm test does)`);
    this.output = '';
    this.child = spawn(process.execPath, [main, ...this.args], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    return this;
  }

  /** The hard way: no shutdown hooks, no flushing, a transaction cut wherever it was. */
  async kill9(): Promise<void> {
    await this.stop('SIGKILL');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  logs(): string {
    return this.output;
  }
}

/** A TCP port free right now on 127.0.0.1, for an app that must keep its address across restarts. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
