import { INestApplication, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { servePglite } from './pglite-server';

export interface EmbeddedOptions {
  /** Where PGlite keeps its data; it survives restarts. */
  dataDir: string;
  /** Seed a simulated supply chain when the registry is empty. */
  demo: boolean;
}

export interface Embedded {
  urls: { console: string; ingest: string; ledger: string; verify: string };
  stop(): Promise<void>;
}


/**
 * The whole platform in one process: PGlite (PostgreSQL compiled to WebAssembly) in a data directory, served to
 * the unchanged `pg` driver through pglite-socket, and the embedded log (a table with Kafka's offsets) instead of
 * Kafka. Ingest, ledger and verify run as the same Nest modules as in production, each on its own port.
 */
export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  mkdirSync(o.dataDir, { recursive: true });
  const db = await PGlite.create(join(o.dataDir, 'pgdata'));
  const server = await servePglite(db, '127.0.0.1', 0);
  Object.assign(process.env, {
    DATABASE_URL: `postgres://postgres@${server.address}/postgres`,
    EVENT_LOG: 'embedded',
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '3',
  });
  // Each module validates the environment when it is loaded, so it is loaded only now.
  const { startApp } = await import('@app/platform');
  const apps: INestApplication[] = [];
  const start = async (module: Type<unknown>, name: string, portKey: string) => {
    apps.push(await startApp(module, { name, portKey, description: name, bodyLimitKey: name === 'ingest' ? 'INGEST_BODY_LIMIT' : undefined }));
    return (await apps[apps.length - 1].getUrl()).replace('[::1]', '127.0.0.1');
  };
  const stop = async () => {
    for (const app of apps.reverse()) await app.close();
    await server.stop();
    await db.close();
  };
  try {
    const ingest = await start((await import('../../ingest/src/ingest.module')).IngestModule, 'ingest', 'INGEST_PORT');
    const ledger = await start((await import('../../ledger/src/ledger.module')).LedgerModule, 'ledger', 'LEDGER_PORT');
    const verify = await start((await import('../../verify/src/verify.module')).VerifyModule, 'verify', 'VERIFY_PORT');
    const urls = { console: `${verify}/console/`, ingest, ledger, verify };
    // The token ingest itself checks, from ADMIN_TOKEN or ADMIN_TOKEN_FILE.
    if (o.demo) await seedDemo(urls, (await import('../../ingest/src/config')).adminToken(apps[0].get(ConfigService)));
    return { urls, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

const run = promisify(execFile);
const DEMO_REGULATOR = '0614141999996';

/**
 * A simulated supply chain (manufacturers, wholesalers, pharmacies, cases and pallets, a recall and every kind of
 * anomaly) captured through the public API by `dscsa simulate`, each partner signing its own documents; then a
 * regulator credential to sign in to the console with. Skipped when partners are registered already.
 */
async function seedDemo(urls: Embedded['urls'], adminToken: string): Promise<void> {
  const partners = (await (await fetch(`${urls.ingest}/partners`)).json()) as unknown[];
  if (partners.length > 0) return void console.log('demo: partners already registered, nothing seeded');
  console.log('demo: simulating a supply chain through the public API…');
  const cli = resolve(__dirname, '../../../../bin/dscsa.js');
  const { stdout } = await run(process.execPath, [cli, 'simulate', '--units', '400', '--anomalies', '--ingest', urls.ingest, '--admin-token', adminToken], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const summary = JSON.parse(stdout) as { samples: { scanCode: string }[]; anomalies: { kind: string; scanCode: string }[] };
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  await fetch(`${urls.ingest}/admin/partners`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ gln: DEMO_REGULATOR, name: 'Demo regulator', roles: ['regulator'], keys: [] }),
  });
  const issued = (await (await fetch(`${urls.ingest}/admin/partners/${DEMO_REGULATOR}/credentials`, { method: 'POST', headers: admin, body: '{"label":"demo"}' })).json()) as {
    token: string;
  };
  const show = (code: string) => code.replace(/\u001d/g, '<GS>');
  console.log(
    [
      'demo seeded. Sign in to the console with the regulator credential:',
      `  ${issued.token}`,
      'and scan, for example:',
      ...summary.samples.slice(0, 2).map((s) => `  ${show(s.scanCode)}   (clean)`),
      ...summary.anomalies.slice(0, 4).map((a) => `  ${show(a.scanCode)}   (${a.kind})`),
    ].join('\n'),
  );
}
