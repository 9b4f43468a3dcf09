import { INestApplication, Type } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { ED25519, formatSkey, formatVkey, generateSignerKey } from '@app/checkpoint';
import { auditLog, type AuditReport } from '@app/ledger-store';

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
  topics: { events: string; access: string; deadLetter: string };
  kafka: Kafka;
  /** A regulator registered at start; `http` sends its credential to the verify app unless a test sends its own. */
  regulator: { gln: string; token: string };
  /** Issues a partner credential (the partner must be registered) and returns its bearer token. */
  credential(gln: string): Promise<string>;
  stop(): Promise<void>;
}

export const REGULATOR_GLN = '0614141999996';

/** Default Authorization header per app base URL: custody-data endpoints take partner credentials. */
const defaultAuthorization = new Map<string, string>();

/**
 * Ingest takes events only from the partner that signed them. A test's POST /events or /capture without an
 * Authorization header is sent with the credential of the partner named by the signature's key id (issued once
 * per stack), the way a partner's own client submits; an unsigned body goes with the regulator's credential, and so
 * do reads of capture jobs.
 */
const submitters = new Map<string, { adminToken: string; regulatorToken: string; tokens: Map<string, Promise<string>> }>();

function signatureKid(body: unknown, headers: Record<string, string>): string | undefined {
  const header = Object.entries(headers).find(([k]) => k.toLowerCase() === 'dscsa-signature')?.[1];
  let jws = header;
  if (!jws) {
    const parsed = typeof body === 'string' ? (() => { try { return JSON.parse(body) as unknown; } catch { return undefined; } })() : body;
    const doc = parsed as { 'dscsa:signature'?: unknown; epcisBody?: { eventList?: { 'dscsa:signature'?: unknown }[] } } | undefined;
    const own = doc?.['dscsa:signature'] ?? doc?.epcisBody?.eventList?.find((e) => typeof e?.['dscsa:signature'] === 'string')?.['dscsa:signature'];
    jws = typeof own === 'string' ? own : undefined;
  }
  try {
    return jws ? (JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString()) as { kid?: string }).kid : undefined;
  } catch {
    return undefined;
  }
}

/** The Authorization header a test's request gets when it sends none. */
async function defaultAuth(method: string, url: string, body: unknown, given: Record<string, string>): Promise<string | undefined> {
  const verifyBase = [...defaultAuthorization.keys()].find((b) => url.startsWith(`${b}/`));
  if (verifyBase) return defaultAuthorization.get(verifyBase);
  const ingestBase = [...submitters.keys()].find((b) => /^\/(events|capture)(\/|$)/.test(url.slice(b.length)) && url.startsWith(`${b}/`));
  if (!ingestBase) return undefined;
  const ingest = submitters.get(ingestBase)!;
  if (method !== 'POST') return `Bearer ${ingest.regulatorToken}`; // a regulator reads any capture job
  const gln = signatureKid(body, given)?.split('/')[0];
  if (!gln || !/^\d{13}$/.test(gln)) return `Bearer ${ingest.regulatorToken}`;
  let token = ingest.tokens.get(gln);
  if (!token) {
    token = fetch(`${ingestBase}/admin/partners/${gln}/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.adminToken}` },
      body: JSON.stringify({ label: 'e2e-submitter' }),
    }).then(async (r) => (r.status === 201 ? ((await r.json()) as { token: string }).token : ''));
    ingest.tokens.set(gln, token);
  }
  const value = await token;
  return value ? `Bearer ${value}` : undefined;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

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
  const topics = { events: `e2e.${run}.events`, access: `e2e.${run}.access`, deadLetter: `e2e.${run}.dlq` };
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.events, numPartitions: 3 }, { topic: topics.access, numPartitions: 1 }, { topic: topics.deadLetter, numPartitions: 1 }] });

  const adminToken = `e2e-admin-${randomUUID()}`;
  const origin = `dscsa-trace.example/${database.replace(/_/g, '-')}`;
  const ledgerKey = generateSignerKey(ED25519, origin);
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC_EVENTS: topics.events,
    KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
    KAFKA_TOPIC_ACCESS: topics.access,
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
  const urlOf = (app: INestApplication) => app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1'));
  apps.push(await start('../../apps/ingest/src/ingest.module', 'IngestModule', 'ingest', 'INGEST_PORT'));
  let ledger = '';
  if (options.ledger !== false) {
    apps.push(await start('../../apps/ledger/src/ledger.module', 'LedgerModule', 'ledger', 'LEDGER_PORT'));
    ledger = await urlOf(apps[1]);
    process.env.LEDGER_URL = ledger; // the console's proof reads go through verify to the ledger
  }
  apps.push(await start('../../apps/verify/src/verify.module', 'VerifyModule', 'verify', 'VERIFY_PORT'));
  const [ingest, verify] = await Promise.all([urlOf(apps[0]), urlOf(apps[apps.length - 1])]);
  const adminAuth = bearer(adminToken);
  const credential = async (gln: string) => {
    const issued = await http('POST', `${ingest}/admin/partners/${gln}/credentials`, { label: 'e2e' }, adminAuth);
    if (issued.status !== 201) throw new Error(`credential for ${gln}: ${issued.status} ${JSON.stringify(issued.body)}`);
    return issued.body.token as string;
  };
  const registered = await http('POST', `${ingest}/admin/partners`, { gln: REGULATOR_GLN, name: 'FDA Office of Criminal Investigations', roles: ['regulator'], keys: [] }, adminAuth);
  if (registered.status !== 200) throw new Error(`registering the regulator: ${registered.status} ${JSON.stringify(registered.body)}`);
  const regulator = { gln: REGULATOR_GLN, token: await credential(REGULATOR_GLN) };
  defaultAuthorization.set(verify, `Bearer ${regulator.token}`);
  submitters.set(ingest, { adminToken, regulatorToken: regulator.token, tokens: new Map() });

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
    regulator,
    credential,
    async stop() {
      defaultAuthorization.delete(verify);
      submitters.delete(ingest);
      for (const app of apps.reverse()) await app.close();
      await kafkaAdmin.deleteTopics({ topics: [topics.events, topics.access, topics.deadLetter] }).catch(() => undefined);
      await kafkaAdmin.disconnect();
      const c = new Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function http(method: string, url: string, body?: unknown, given: Record<string, string> = {}) {
  // `authorization: ''` sends none, for tests of what anonymous callers get
  const auth = 'authorization' in given ? undefined : await defaultAuth(method, url, body, given);
  const headers = Object.fromEntries(Object.entries(auth ? { authorization: auth, ...given } : given).filter(([, v]) => v !== ''));
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

/**
 * The audit over one snapshot of the database, as `dscsa audit` runs it: blocks the ledger appends meanwhile
 * (access entries keep arriving while a test reads) are not mistaken for tampering.
 */
export async function auditSnapshot(db: Client, ledgerVkey: string): Promise<AuditReport> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    return await auditLog(async (sql, params) => (await db.query(sql, params)).rows, { ledgerVkey });
  } finally {
    await db.query('ROLLBACK');
  }
}
