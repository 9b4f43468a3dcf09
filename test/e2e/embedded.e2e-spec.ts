import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { ED25519, formatSkey, formatVkey, generateSignerKey } from '@app/checkpoint';
import { AppProcess, freePort } from '../support/processes';
import { bearer, eventually, http } from '../support/stack';
import { commissioningEvent } from '../support/events';

const withCheck = (body: string) => body + gs1CheckDigit(body);
const MAKER = withCheck('061414100000');
const REGULATOR = withCheck('061414199999');
const GTIN = withCheck('0061414112345');


/**
 * The single-process mode `npm start` runs without Kafka or PostgreSQL: PGlite behind the pg wire protocol and the
 * embedded log. What ingest acknowledged survives kill -9 of the whole process and reaches the signed log after a
 * restart on the same data directory.
 */
describe('embedded mode: one process, PGlite and the embedded log', () => {
  const origin = 'dscsa-trace.example/embedded-e2e';
  const ledgerKey = generateSignerKey(ED25519, origin);
  const key = generateKeyPair('EdDSA');
  const kid = `${MAKER}/k1`;
  let env: Record<string, string>;
  let dataDir: string;
  let urls: { ingest: string; verify: string; ledger: string };
  let platform: AppProcess | undefined;

  const start = async () => {
    platform = new AppProcess('embedded', env, ['--data', dataDir]).start();
    await eventually(async () => ((await fetch(`${urls.verify}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 60000).catch((e: Error) => {
      throw new Error(`${e.message}; its output:\n${platform?.logs()}`);
    });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dscsa-embedded-'));
    const [ingest, ledger, verify] = [await freePort(), await freePort(), await freePort()];
    urls = { ingest: `http://127.0.0.1:${ingest}`, ledger: `http://127.0.0.1:${ledger}`, verify: `http://127.0.0.1:${verify}` };
    env = {
      INGEST_PORT: String(ingest),
      LEDGER_PORT: String(ledger),
      VERIFY_PORT: String(verify),
      LEDGER_URL: urls.ledger,
      LEDGER_ORIGIN: origin,
      LEDGER_SIGNING_KEY: formatSkey(ledgerKey),
      LEDGER_VKEY: formatVkey(ledgerKey),
      ADMIN_TOKEN: 'embedded-e2e-admin-token',
      LOG_LEVEL: 'warn',
    };
    await start();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('keeps every acknowledged event through kill -9 and logs each once after the restart', async () => {
    const admin = bearer(env.ADMIN_TOKEN);
    const partner = {
      gln: MAKER,
      name: 'Acme Pharma',
      roles: ['manufacturer'],
      keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }],
      companyPrefixes: ['0614141'],
      licences: [{ kind: 'fda-registration', number: 'F-1', validFrom: '2026-01-01T00:00:00Z' }],
    };
    expect((await http('POST', `${urls.ingest}/admin/partners`, partner, admin)).status).toBe(200);
    expect((await http('POST', `${urls.ingest}/admin/partners`, { gln: REGULATOR, name: 'FDA', roles: ['regulator'], keys: [] }, admin)).status).toBe(200);
    const maker = bearer((await http('POST', `${urls.ingest}/admin/partners/${MAKER}/credentials`, { label: 'e2e' }, admin)).body.token);
    const regulator = bearer((await http('POST', `${urls.ingest}/admin/partners/${REGULATOR}/credentials`, { label: 'e2e' }, admin)).body.token);

    const serials = Array.from({ length: 40 }, (_, i) => `EMB${i}`);
    const accepted = await Promise.all(
      serials.map(async (serial) => {
        const event = commissioningEvent([serial]);
        const res = await http('POST', `${urls.ingest}/events`, attachSignature(event, signJson(event, key.privateJwk, kid)), maker);
        expect(res.status).toBe(201);
        return res.body.eventId as string;
      }),
    );
    await platform!.kill9();
    await start();

    const scan = (serial: string) => http('POST', `${urls.verify}/scan`, { code: `]d201${GTIN}21${serial}\u001d10LOT42\u001d17280630` }, regulator);
    for (const serial of serials) await eventually(async () => ((await scan(serial)).body?.verdict === 'VERIFIED' ? true : undefined), 30000);
    const logged = await http('GET', `${urls.verify}/events?EQ_bizStep=commissioning&perPage=100`, undefined, regulator);
    const ids = logged.body.epcisBody.queryResults.resultsBody.eventList.map((e: { eventID: string }) => e.eventID).sort();
    expect(ids).toEqual([...accepted].sort());
    const checkpoint = await (await fetch(`${urls.ledger}/checkpoint`)).text();
    expect(checkpoint.split('\n')[0]).toBe(origin);
  });
});
