import { Client } from 'pg';
import { generateKeyPair, signDetached, signJson } from '@app/crypto';
import { attachSignature, batchOf, eventHashId } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { verifyConsistency } from '@app/merkle';
import { ED25519, formatSkey, formatVkey, generateSignerKey, noteVerifier, openCheckpoint, parseVkey } from '@app/checkpoint';
import { AppProcess, freePort } from '../support/processes';
import { PrivateKafka, PrivatePostgres } from '../support/private-infra';
import { bearer, eventually, auditSnapshot } from '../support/stack';
import { commissioningEvent, EPCIS_CONTEXT } from '../support/events';

const withCheck = (body: string) => body + gs1CheckDigit(body);
const MAKER = withCheck('061414100000');
const REGULATOR = withCheck('061414199999');
const GTIN = withCheck('0061414112345');
const KAFKA_PORT = 19192;
const PG_PORT = 15433;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fromB64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));


/** A request that never hangs: a client gives up after `ms`, which the test counts as a hang. */
async function call(url: string, init: RequestInit = {}, ms = 15_000): Promise<{ status: number; retryAfter: string | null; body: any }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
  } catch (e) {
    return { status: (e as Error).name === 'TimeoutError' ? -1 : 0, retryAfter: null, body: String(e) }; // -1: hung; 0: connection refused
  }
}

/**
 * Faults under load, on a Kafka broker and a PostgreSQL cluster of this test's own: while signed events are submitted
 * (single events and all-or-nothing documents) and packages are scanned, the ledger is killed with kill -9 several
 * times, the broker is stopped and started, PostgreSQL is restarted, and ingest is killed with requests in flight.
 * Afterwards every acknowledged event is in the log exactly once, no document is half in it, checkpoints before and
 * after are consistent, the audit is clean, and the apps came back by themselves; meanwhile clients got answers
 * (503 with Retry-After while a dependency was down), never a hang.
 */
describe('faults under load: nothing acknowledged is lost, nothing is half-applied', () => {
  const kafka = new PrivateKafka(KAFKA_PORT);
  const postgres = new PrivatePostgres(PG_PORT);
  const key = generateKeyPair('EdDSA');
  const kid = `${MAKER}/faults`;
  const origin = 'dscsa-trace.example/faults';
  const ledgerKey = generateSignerKey(ED25519, origin);
  const adminToken = 'faults-admin-token';
  let env: Record<string, string>;
  let apps: Record<'ingest' | 'ledger' | 'verify', AppProcess>;
  let urls: Record<'ingest' | 'ledger' | 'verify', string>;
  let db: Client;

  beforeAll(async () => {
    await Promise.all([kafka.start(), postgres.start()]);
    const admin = new Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS faults WITH (FORCE)');
    await admin.query('CREATE DATABASE faults');
    await admin.end();
    const ports = { ingest: await freePort(), ledger: await freePort(), verify: await freePort() };
    urls = { ingest: `http://127.0.0.1:${ports.ingest}`, ledger: `http://127.0.0.1:${ports.ledger}`, verify: `http://127.0.0.1:${ports.verify}` };
    env = {
      DATABASE_URL: postgres.adminUrl.replace(/\/postgres$/, '/faults'),
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_TOPIC_EVENTS: 'dscsa.events',
      KAFKA_TOPIC_ACCESS: 'dscsa.access',
      KAFKA_TOPIC_DEAD_LETTER: 'dscsa.events.dlq',
      LEDGER_CONSUMER_GROUP: 'faults',
      ADMIN_TOKEN: adminToken,
      LEDGER_ORIGIN: origin,
      LEDGER_SIGNING_KEY: formatSkey(ledgerKey),
      LEDGER_VKEY: formatVkey(ledgerKey),
      LEDGER_URL: urls.ledger,
      LEDGER_SESSION_TIMEOUT_MS: '6000',
      LEDGER_BLOCK_MAX_EVENTS: '20',
      INGEST_PUBLISH_TIMEOUT_MS: '3000',
      INGEST_PORT: String(ports.ingest),
      LEDGER_PORT: String(ports.ledger),
      VERIFY_PORT: String(ports.verify),
      LOG_LEVEL: 'error',
    };
    apps = { ingest: new AppProcess('ingest', env), ledger: new AppProcess('ledger', env), verify: new AppProcess('verify', env) };
    for (const app of Object.values(apps)) app.start();
    for (const url of Object.values(urls)) await healthy(url);
  }, 300_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    for (const app of Object.values(apps ?? {})) await app.kill9();
    await kafka.stop().catch(() => undefined);
    await postgres.drop();
  }, 300_000);

  const phases: string[] = [];
  const started = Date.now();
  /** Runs a step of the scenario; a failing step names itself and shows the apps' last output. */
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    phases.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${name}`);
    try {
      return await run();
    } catch (e) {
      const logs = Object.entries(apps).map(([app, p]) => `--- ${app}:\n${p.logs().slice(-3000)}`);
      throw new Error(`${name}: ${(e as Error).message}\nsteps: ${phases.join(' | ')}\n${logs.join('\n')}`);
    }
  };
  const healthy = (url: string, ms = 90_000) => eventually(async () => ((await call(`${url}/health`, {}, 5000)).status === 200 ? true : undefined), ms);
  const unhealthy = (url: string) => eventually(async () => ((await call(`${url}/health`, {}, 5000)).status === 503 ? true : undefined), 30_000);

  it('keeps every acknowledged event exactly once through kill -9, broker and database restarts', async () => {
    const admin = { 'content-type': 'application/json', ...bearer(adminToken) };
    const register = (body: unknown) => call(`${urls.ingest}/admin/partners`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    const partner = { gln: MAKER, name: 'Acme', roles: ['manufacturer'], keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] };
    expect((await register(partner)).status).toBe(200);
    expect((await register({ gln: REGULATOR, name: 'FDA', roles: ['regulator'], keys: [] })).status).toBe(200);
    const credential = async (gln: string) =>
      (await call(`${urls.ingest}/admin/partners/${gln}/credentials`, { method: 'POST', headers: admin, body: '{"label":"faults"}' })).body.token as string;
    const maker = bearer(await credential(MAKER));
    const regulator = bearer(await credential(REGULATOR));
    const firstCheckpoint = await eventually(async () => {
      await call(`${urls.ingest}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...maker }, body: JSON.stringify(signed('F0')) });
      const r = await call(`${urls.ledger}/checkpoint`);
      return r.status === 200 ? (r.body as string) : undefined;
    });

    // --- load: single events and 5-event documents, with scans alongside -------------------------------------
    const acknowledged = new Set<string>();
    const documents: { ids: string[]; acknowledged: boolean }[] = [];
    const statuses: number[] = [];
    const unavailable: (string | null)[] = [];
    let stop = false;
    let n = 0;
    const submitter = async () => {
      while (!stop) {
        const i = ++n;
        if (i % 6 === 0) {
          const events = Array.from({ length: 5 }, (_, j) => commissioning(`D${i}-${j}`));
          const ids = events.map((e) => eventHashId(e, { context: EPCIS_CONTEXT }));
          const jws = signDetached((await batchOf(ids)).payload, key.privateJwk, { kid });
          const doc = { '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-04T08:00:00Z', epcisBody: { eventList: events } };
          const r = await call(`${urls.ingest}/capture`, { method: 'POST', headers: { 'content-type': 'application/ld+json', 'dscsa-signature': jws, ...maker }, body: JSON.stringify(doc) });
          statuses.push(r.status);
          if (r.status === 503) unavailable.push(r.retryAfter);
          documents.push({ ids, acknowledged: r.status === 202 && r.body?.success === true });
        } else {
          const r = await call(`${urls.ingest}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...maker }, body: JSON.stringify(signed(`S${i}`)) });
          statuses.push(r.status);
          if (r.status === 503) unavailable.push(r.retryAfter);
          if (r.status === 201) acknowledged.add(r.body.eventId);
        }
      }
    };
    const scans: number[] = [];
    const scanner = async () => {
      while (!stop) {
        const r = await call(`${urls.verify}/scan`, { method: 'POST', headers: { 'content-type': 'application/json', ...regulator }, body: JSON.stringify({ code: `01${GTIN}21S${1 + Math.floor(Math.random() * Math.max(n, 1))}` }) });
        scans.push(r.status);
        await sleep(20);
      }
    };
    const load = Promise.all([...Array.from({ length: 6 }, submitter), scanner(), scanner()]);

    // --- faults -----------------------------------------------------------------------------------------------
    for (let k = 0; k < 3; k++) {
      await sleep(1500 + Math.floor(Math.random() * 1500));
      await step(`ledger kill -9 #${k + 1}`, async () => {
        await apps.ledger.kill9();
        await sleep(500);
        apps.ledger.start();
      });
    }
    await sleep(1000);
    await step('broker stopped', () => kafka.stop());
    await step('ingest unhealthy while the broker is down', () => unhealthy(urls.ingest));
    await step('a 503 while the broker is down', () => eventually(async () => (unavailable.length > 0 ? true : undefined), 30_000));
    await step('broker started', () => kafka.start());
    await step('ingest healthy again', () => healthy(urls.ingest));
    await sleep(1500);
    await step('PostgreSQL restarted', () => postgres.restart());
    await sleep(1500);
    await step('ingest kill -9 with requests in flight', async () => {
      await apps.ingest.kill9();
      apps.ingest.start();
      await healthy(urls.ingest);
    });
    await step('ledger kill -9 #4', async () => {
      await apps.ledger.kill9();
      apps.ledger.start();
    });
    await sleep(2000);
    stop = true;
    await load;
    for (const [app, url] of Object.entries(urls)) await step(`${app} healthy at the end`, () => healthy(url));

    // --- afterwards (a connection of our own, opened after the database restart) -------------------------------
    db = new Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    const logged = async (ids: string[]) =>
      new Map(
        ((await db.query('SELECT event_id, count(*)::int AS n FROM ledger.event_record WHERE event_id = ANY($1) GROUP BY event_id', [ids])).rows as { event_id: string; n: number }[]).map(
          (r) => [r.event_id, r.n],
        ),
      );
    const mustBeLogged = [...acknowledged, ...documents.filter((d) => d.acknowledged).flatMap((d) => d.ids)];
    await step('every acknowledged event logged', () => eventually(async () => ((await logged(mustBeLogged)).size === mustBeLogged.length ? true : undefined), 120_000));
    const counts = await logged(mustBeLogged);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    // a document the client never saw acknowledged is in the log whole or not at all
    for (const d of documents.filter((x) => !x.acknowledged)) expect([0, d.ids.length]).toContain((await logged(d.ids)).size);
    // clients were answered, never left hanging; a refusal while a dependency was down was a 503 with Retry-After
    expect(statuses.filter((s) => s === -1)).toEqual([]);
    expect(scans.filter((s) => s === -1)).toEqual([]);
    expect(statuses.filter((s) => ![201, 202, 503, 0].includes(s))).toEqual([]);
    expect(scans.filter((s) => ![200, 503, 0].includes(s))).toEqual([]);
    expect(unavailable.every((r) => r !== null && Number(r) > 0)).toBe(true);

    // the checkpoint from before the faults is a prefix of the one after, and the audit recomputes everything
    const vkey = noteVerifier(parseVkey(env.LEDGER_VKEY));
    const before = openCheckpoint(firstCheckpoint, origin, vkey).checkpoint;
    const after = openCheckpoint((await call(`${urls.ledger}/checkpoint`)).body as string, origin, vkey).checkpoint;
    const proof = (await call(`${urls.ledger}/proofs/consistency?first=${before.size}&second=${after.size}`)).body;
    expect(verifyConsistency(before.size, after.size, proof.proof.map(fromB64), before.rootHash, after.rootHash)).toBe(true);
    const audit = await auditSnapshot(db, env.LEDGER_VKEY);
    expect(audit.finding).toBeUndefined();
    expect(audit.ok).toBe(true);
    expect(audit.counts.records).toBeGreaterThanOrEqual(mustBeLogged.length);
    console.log(
      `faults: ${acknowledged.size} single events and ${documents.filter((d) => d.acknowledged).length} documents acknowledged, ` +
        `${statuses.length} submissions (${unavailable.length} answered 503), ${scans.length} scans, ${audit.counts.records} events and ` +
        `${audit.counts.accessRecords} access entries audited; faults: 4 ledger kill -9, 1 broker restart, 1 PostgreSQL restart, 1 ingest kill -9`,
    );
  }, 600_000);

  function commissioning(serial: string): Record<string, unknown> {
    return commissioningEvent([serial]);
  }

  function signed(serial: string): Record<string, unknown> {
    const event = commissioning(serial);
    return attachSignature(event, signJson(event, key.privateJwk, kid));
  }
});
