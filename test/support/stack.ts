import { INestApplication, Type } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { ED25519, formatSkey, formatVkey, generateSignerKey } from '@app/checkpoint';

/**
 * The three apps as Nest applications on real ports, against the real PostgreSQL and Kafka, each run
 * with its own database and topics so that runs never see each other's data.
 */
export interface Stack {
  ingest: string;
  ledger: string;
  verify: string;
  adminToken: string;
  databaseUrl: string;
  /** Origin and verifier key of the ledger's checkpoints. */
  origin: string;
  ledgerVkey: string;
  topics: { events: string; deadLetter: string };
  kafka: Kafka;
  stop(): Promise<void>;
}

const PG_ADMIN = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export interface StackOptions {
  /** Run the ledger in this process (default), or leave it to the test to start as separate processes. */
  ledger?: boolean;
}

export async function startStack(name: string, options: StackOptions = {}): Promise<Stack> {
  const run = `${name}_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
  const database = `e2e_${run}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const databaseUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${database}`);

  const kafka = new Kafka({ clientId: 'e2e', brokers: BROKERS.split(','), logLevel: 1 });
  const topics = { events: `e2e.${run}.events`, deadLetter: `e2e.${run}.dlq` };
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.events, numPartitions: 3 }, { topic: topics.deadLetter, numPartitions: 1 }] });

  const adminToken = `e2e-admin-${randomUUID()}`;
  const origin = `dscsa-trace.example/${database.replace(/_/g, '-')}`;
  const ledgerKey = generateSignerKey(ED25519, origin);
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC_EVENTS: topics.events,
    KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
    LEDGER_CONSUMER_GROUP: `e2e-${run}`,
    ADMIN_TOKEN: adminToken,
    LEDGER_ORIGIN: origin,
    LEDGER_SIGNING_KEY: formatSkey(ledgerKey),
    LEDGER_VKEY: formatVkey(ledgerKey),
    INGEST_PORT: '0',
    LEDGER_PORT: '0',
    VERIFY_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    INGEST_PUBLISH_TIMEOUT_MS: '5000',
  });
  // Modules validate the environment when they are loaded, so they are required only now.
  const { startApp } = await import('@app/platform');
  const start = async (modulePath: string, exportName: string, appName: string, portKey: string) => {
    const mod = (await import(modulePath)) as Record<string, Type<unknown>>;
    return startApp(mod[exportName], { name: appName, portKey, description: appName, bodyLimitKey: appName === 'ingest' ? 'INGEST_BODY_LIMIT' : undefined });
  };
  const apps: INestApplication[] = [];
  apps.push(await start('../../apps/ingest/src/ingest.module', 'IngestModule', 'ingest', 'INGEST_PORT'));
  apps.push(await start('../../apps/verify/src/verify.module', 'VerifyModule', 'verify', 'VERIFY_PORT'));
  if (options.ledger !== false) apps.push(await start('../../apps/ledger/src/ledger.module', 'LedgerModule', 'ledger', 'LEDGER_PORT'));
  const [ingest, verify, ledger = ''] = await Promise.all(apps.map((a) => a.getUrl().then((u) => u.replace('[::1]', '127.0.0.1'))));

  return {
    ingest,
    ledger,
    verify,
    adminToken,
    databaseUrl,
    origin,
    ledgerVkey: formatVkey(ledgerKey),
    topics,
    kafka,
    async stop() {
      for (const app of apps.reverse()) await app.close();
      await kafkaAdmin.deleteTopics({ topics: [topics.events, topics.deadLetter] }).catch(() => undefined);
      await kafkaAdmin.disconnect();
      const c = new Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

/** Polls until `probe` returns a value, for effects that cross Kafka. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
