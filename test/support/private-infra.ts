import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/**
 * A Kafka broker and a PostgreSQL cluster of a test's own, on ports no other test uses, so that the test can stop
 * and restart them under load without disturbing the rest of the suite.
 */
export class PrivateKafka {
  readonly brokers: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(port: number) {
    this.brokers = `127.0.0.1:${port}`;
    this.env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_HOME_DIR: resolve(ROOT, `.infra/kafka-${port}`), KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m' };
  }

  async start(): Promise<void> {
    await run('bash', [resolve(ROOT, 'scripts/kafka-up.sh')], { env: this.env, timeout: 180_000 });
  }

  async stop(): Promise<void> {
    await run('bash', [resolve(ROOT, 'scripts/kafka-down.sh')], { env: this.env, timeout: 120_000 });
  }
}

export class PrivatePostgres {
  readonly adminUrl: string;
  private readonly version = readdirSync('/etc/postgresql').sort().pop()!;
  private readonly name: string;

  constructor(private readonly port: number) {
    this.name = `e2e${port}`;
    this.adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  async start(): Promise<void> {
    const { stdout } = await run('pg_lsclusters', ['--no-header']);
    const status = stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[1] === this.name)?.[3];
    if (!status) await run('pg_createcluster', [this.version, this.name, '-p', String(this.port), '--', '--auth=trust'], { timeout: 120_000 });
    if (status !== 'online') await this.ctl('start');
  }

  /** `-m fast`: every connection is cut, as when the server crashes or fails over. */
  async restart(): Promise<void> {
    await this.ctl('restart', '-m', 'fast');
  }

  async drop(): Promise<void> {
    await run('pg_dropcluster', ['--stop', this.version, this.name], { timeout: 120_000 }).catch(() => undefined);
  }

  private async ctl(action: string, ...options: string[]): Promise<void> {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', ...options, this.version, this.name, action], { timeout: 120_000 });
  }
}
