import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { eventually, http, startStack, Stack } from '../support/stack';
import { commissioningEvent, recallEvent } from '../support/events';

const withCheck = (body: string) => body + gs1CheckDigit(body);
const MANUFACTURER = withCheck('061414100000');
const GTIN = withCheck('0061414112345'); // company prefix 0614141, item reference 12345
const UNSERVED_GTIN = withCheck('0099999912345'); // a prefix no partner registered
const RESPONDER = withCheck('061414100009'); // the platform operator answering as VRS responder
const REQUESTER = withCheck('036000291452'); // a wholesaler verifying a saleable return
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const commissioning = commissioningEvent;

/** A verification request as the Verification Router Service forwards it. */
function vrsUrl(base: string, o: { serial: string; lot?: string; exp?: string; gtin?: string; corrUUID?: string | null; reqGLN?: string | null; context?: string }) {
  const q = new URLSearchParams({ 17: o.exp ?? '280630', linkType: 'verificationService', context: o.context ?? 'dscsaSaleableReturn' });
  if (o.reqGLN !== null) q.set('reqGLN', o.reqGLN ?? REQUESTER);
  if (o.corrUUID !== null) q.set('corrUUID', o.corrUUID ?? randomUUID());
  return `${base}/01/${o.gtin ?? GTIN}/10/${encodeURIComponent(o.lot ?? 'LOT42')}/21/${encodeURIComponent(o.serial)}?${q}`;
}

describe('the VRS responder: GS1 Lightweight Messaging verification requests answered from the ledger', () => {
  let stack: Stack;
  let db: Client;
  const key = generateKeyPair('EdDSA');
  const kid = `${MANUFACTURER}/vrs`;
  const sign = (event: Record<string, unknown>) => attachSignature(event, signJson(event, key.privateJwk, kid));

  beforeAll(async () => {
    process.env.VRS_RESPONDER_GLN = RESPONDER;
    stack = await startStack('vrs');
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const partner = {
      gln: MANUFACTURER,
      name: 'Acme Pharma Inc.',
      roles: ['manufacturer'],
      keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }],
      companyPrefixes: ['0614141'],
      licences: [{ kind: 'fda-registration', number: '3001234567', validFrom: '2026-01-01T00:00:00Z' }],
    };
    expect((await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` })).status).toBe(200);
    for (const event of [commissioning(['SER001', 'SER002'], 'LOT42', '2028-06-30'), commissioning(['OLD001'], 'OLD1', '2025-01-31'), commissioning(['REC001'], 'REC1', '2028-06-30')])
      expect((await http('POST', `${stack.ingest}/events`, sign(event))).status).toBe(201);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    delete process.env.VRS_RESPONDER_GLN;
  });

  const lastRecord = async (corrUUID: string) => (await db.query('SELECT * FROM verify.vrs_request WHERE corr_uuid = $1 ORDER BY id DESC LIMIT 1', [corrUUID])).rows[0];

  it('verifies a matching GTIN, serial, lot and expiry, answering exactly the guideline members', async () => {
    const corrUUID = randomUUID();
    const res = await eventually(async () => {
      const r = await http('GET', vrsUrl(stack.verify, { serial: 'SER001', corrUUID }));
      return r.body?.data?.verified === true ? r : undefined; // until the ledger has logged and checkpointed the commissioning
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toStrictEqual({ verificationTimestamp: expect.stringMatching(ISO_MS), responderGLN: RESPONDER, data: { verified: true }, corrUUID });
    expect(Object.keys(res.body)).toEqual(['verificationTimestamp', 'responderGLN', 'data', 'corrUUID']);

    const row = await lastRecord(corrUUID);
    expect(row).toMatchObject({ req_gln: REQUESTER, context: 'dscsaSaleableReturn', corr_uuid: corrUUID, gtin: GTIN, serial: 'SER001', lot: 'LOT42', expiry: '280630', status: 200 });
    expect(row.response).toStrictEqual(res.body);
    const access = await db.query(`SELECT actor, subject, outcome, detail FROM verify.access_log WHERE action = 'vrs' AND detail->>'vrsRequest' = $1`, [String(row.id)]);
    expect(access.rows).toEqual([
      expect.objectContaining({ subject: `https://id.gs1.org/01/${GTIN}/21/SER001`, outcome: 'verified', detail: expect.objectContaining({ reqGLN: REQUESTER, corrUUID, verdict: 'VERIFIED', status: 200 }) }),
    ]);
  });

  it('reads the lot and expiry from the query, the gs1: link type, and the Digital Link 1.0 short names', async () => {
    const corrUUID = randomUUID();
    const query = `linkType=gs1:verificationService&context=dscsaSaleableReturn&reqGLN=${REQUESTER}&corrUUID=${corrUUID}`;
    const inQuery = await http('GET', `${stack.verify}/01/${GTIN}/21/SER002?10=LOT42&17=280630&${query}`);
    expect(inQuery.body).toMatchObject({ data: { verified: true }, corrUUID });
    const short = await http('GET', `${stack.verify}/gtin/${GTIN}/lot/LOT42/ser/SER002?exp=290630&${query}`);
    expect(short.body.data).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' });
  });

  it('answers No_match_GTIN_Serial for a serial the manufacturer never commissioned', async () => {
    const res = await http('GET', vrsUrl(stack.verify, { serial: 'NOSUCH1' }));
    expect(res.status).toBe(200);
    expect(res.body.data).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' });
  });

  it('names the label element that does not match the commissioning: lot, expiry, or both', async () => {
    const lot = await http('GET', vrsUrl(stack.verify, { serial: 'SER001', lot: 'LOT43' }));
    expect(lot.body.data).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' });
    const expiry = await http('GET', vrsUrl(stack.verify, { serial: 'SER001', exp: '290630' }));
    expect(expiry.body.data).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' });
    const both = await http('GET', vrsUrl(stack.verify, { serial: 'SER001', lot: 'LOT43', exp: '290630' }));
    expect(both.body.data).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' });
  });

  it('verifies an expired package and says it expired', async () => {
    const res = await eventually(async () => {
      const r = await http('GET', vrsUrl(stack.verify, { serial: 'OLD001', lot: 'OLD1', exp: '250131' }));
      return r.body?.data?.additionalInfo === 'Expired' ? r : undefined;
    });
    expect(res.body.data).toStrictEqual({ verified: true, additionalInfo: 'Expired' });
  });

  it('verifies a package of a recalled lot and says it is recalled', async () => {
    const recall = recallEvent(['urn:epc:class:lgtin:0614141.012345.REC1']);
    expect((await http('POST', `${stack.ingest}/events`, sign(recall))).status).toBe(201);
    const res = await eventually(async () => {
      const r = await http('GET', vrsUrl(stack.verify, { serial: 'REC001', lot: 'REC1' }));
      return r.body?.data?.additionalInfo === 'Recalled' ? r : undefined;
    });
    expect(res.body.data).toStrictEqual({ verified: true, additionalInfo: 'Recalled' });
  });

  it('answers checkConnectivity without a product lookup, and 404 for a GTIN it does not serve', async () => {
    const plain = await http('GET', `${stack.verify}/checkConnectivity?gtin=${GTIN}&reqGLN=${REQUESTER}&context=dscsaSaleableReturn`);
    expect(plain.status).toBe(200);
    expect(plain.body).toStrictEqual({ verificationTimestamp: expect.stringMatching(ISO_MS), responderGLN: RESPONDER });
    const corrUUID = randomUUID();
    const link = await http('GET', `${stack.verify}/01/${GTIN}?linkType=verificationService&context=checkConnectivity&reqGLN=${REQUESTER}&corrUUID=${corrUUID}`);
    expect(link.body).toStrictEqual({ verificationTimestamp: expect.stringMatching(ISO_MS), responderGLN: RESPONDER, corrUUID });
    expect(await lastRecord(corrUUID)).toMatchObject({ context: 'checkConnectivity', gtin: GTIN, serial: null, status: 200 });
    const unserved = await http('GET', `${stack.verify}/checkConnectivity?gtin=${UNSERVED_GTIN}&reqGLN=${REQUESTER}`);
    expect(unserved.status).toBe(404);
  });

  it('answers 404 for a verification of a GTIN no registered manufacturer owns', async () => {
    const corrUUID = randomUUID();
    const res = await http('GET', vrsUrl(stack.verify, { serial: 'SER001', gtin: UNSERVED_GTIN, corrUUID }));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(/unknown-gtin$/);
    expect(await lastRecord(corrUUID)).toMatchObject({ status: 404, gtin: UNSERVED_GTIN, response: expect.objectContaining({ status: 404 }) });
  });

  it('refuses with 400 problem+json a request without reqGLN or corrUUID, with a bad reqGLN or an unknown context, and records it', async () => {
    const noGln = randomUUID();
    const cases = [
      [vrsUrl(stack.verify, { serial: 'SER001', reqGLN: null, corrUUID: noGln }), 'reqGLN'],
      [vrsUrl(stack.verify, { serial: 'SER001', reqGLN: `${REQUESTER.slice(0, 12)}${(Number(REQUESTER[12]) + 1) % 10}` }), 'reqGLN'],
      [vrsUrl(stack.verify, { serial: 'SER001', corrUUID: null }), 'corrUUID'],
      [vrsUrl(stack.verify, { serial: 'SER001', context: 'dscsaSomethingElse' }), 'context'],
    ] as const;
    for (const [url, param] of cases) {
      const res = await http('GET', url);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: expect.stringMatching(/invalid-vrs-request$/), status: 400, errors: [expect.objectContaining({ param })] });
    }
    const row = await lastRecord(noGln);
    expect(row).toMatchObject({ req_gln: null, corr_uuid: noGln, gtin: GTIN, serial: 'SER001', lot: 'LOT42', expiry: '280630', status: 400 });
    expect(row.response).toMatchObject({ status: 400, errors: [expect.objectContaining({ param: 'reqGLN' })] });
    const access = await db.query(`SELECT outcome FROM verify.access_log WHERE action = 'vrs' AND detail->>'vrsRequest' = $1`, [String(row.id)]);
    expect(access.rows).toEqual([{ outcome: 'http-400' }]);
  });
});
