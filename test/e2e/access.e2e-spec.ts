import { Client } from 'pg';
import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature, parseEpcisDocument } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { hashLeaf, verifyInclusion } from '@app/merkle';
import { noteVerifier, openCheckpoint, parseVkey } from '@app/checkpoint';
import { bearer, eventually, http, startStack, Stack, auditSnapshot } from '../support/stack';
import { commissioningEvent, EPCIS_CONTEXT } from '../support/events';

/**
 * Who may see what, as a matrix: anonymous callers, a regulator, and each trading partner of one package's chain
 * (manufacturer → wholesaler → pharmacy) plus a pharmacy that never handled it, against every custody-data endpoint,
 * each asking about data that is someone else's. Then: every one of those reads is in the verifiable log.
 */
const withCheck = (body: string) => body + gs1CheckDigit(body);
const MAKER = withCheck('061414100000');
const WHOLESALER = withCheck('034567800000');
const PHARMACY = withCheck('098765400000');
const STRANGER = withCheck('098765500000');
const GTIN = withCheck('0061414112345');
const SGTIN = `https://id.gs1.org/01/${GTIN}/21/SER1`;
const DATA_MATRIX = `]d201${GTIN}21SER1\u001d10LOT42\u001d17280630`;
const party = (gln: string) => `https://id.gs1.org/417/${gln}`;
const fromB64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));

function move(bizStep: 'shipping' | 'receiving', from: string, to: string, at: string, serial = 'SER1'): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'ObjectEvent',
    eventTime: at,
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.012345.${serial}`],
    action: 'OBSERVE',
    bizStep,
    disposition: bizStep === 'shipping' ? 'in_transit' : 'in_progress',
    sourceList: [{ type: 'owning_party', source: party(from) }],
    destinationList: [{ type: 'owning_party', destination: party(to) }],
  };
}

describe('access control: role × endpoint × someone else’s data, and the access log in the verifiable log', () => {
  let stack: Stack;
  const tokens: Record<string, string> = {};
  let signed: (gln: string, event: Record<string, unknown>) => Record<string, unknown>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    process.env.VRS_RESPONDER_GLN = withCheck('061414199998');
    stack = await startStack('access');
    const admin = bearer(stack.adminToken);
    const keys = new Map<string, ReturnType<typeof generateKeyPair>>();
    for (const [gln, roles, prefixes] of [
      [MAKER, ['manufacturer'], ['0614141']],
      [WHOLESALER, ['wholesaler'], []],
      [PHARMACY, ['dispenser'], []],
      [STRANGER, ['dispenser'], []],
    ] as const) {
      const key = generateKeyPair('EdDSA');
      keys.set(gln, key);
      const registered = await http(
        'POST',
        `${stack.ingest}/admin/partners`,
        {
          gln,
          name: `Partner ${gln}`,
          roles,
          keys: [{ kid: `${gln}/k1`, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }],
          companyPrefixes: prefixes,
          licences: [{ kind: roles[0] === 'manufacturer' ? 'fda-registration' : roles[0] === 'wholesaler' ? 'state-wholesale' : 'state-pharmacy', number: 'L-1', validFrom: '2026-01-01T00:00:00Z' }],
        },
        admin,
      );
      expect(registered.status).toBe(200);
      tokens[gln] = await stack.credential(gln);
    }
    signed = (gln: string, event: Record<string, unknown>) => attachSignature(event, signJson(event, keys.get(gln)!.privateJwk, `${gln}/k1`));
    const submit = async (name: string, gln: string, event: Record<string, unknown>) => {
      const res = await http('POST', `${stack.ingest}/events`, attachSignature(event, signJson(event, keys.get(gln)!.privateJwk, `${gln}/k1`)));
      expect(res.status).toBe(201);
      ids[name] = res.body.eventId;
    };
    await submit('commission', MAKER, { ...commissioningEvent(['SER1']), readPoint: undefined });
    await submit('shipToWholesaler', MAKER, move('shipping', MAKER, WHOLESALER, '2026-11-02T09:00:00Z'));
    await submit('receiveAtWholesaler', WHOLESALER, move('receiving', MAKER, WHOLESALER, '2026-11-03T09:00:00Z'));
    await submit('shipToPharmacy', WHOLESALER, move('shipping', WHOLESALER, PHARMACY, '2026-11-04T09:00:00Z'));
    await submit('receiveAtPharmacy', PHARMACY, move('receiving', WHOLESALER, PHARMACY, '2026-11-05T09:00:00Z'));
    await eventually(async () => ((await http('POST', `${stack.verify}/scan`, { code: DATA_MATRIX })).body.custodyPath?.length === 5 ? true : undefined));
  });
  afterAll(async () => {
    delete process.env.VRS_RESPONDER_GLN;
    await stack?.stop();
  });

  const as = (who: string | 'anonymous' | 'regulator') => (who === 'anonymous' ? { authorization: '' } : bearer(who === 'regulator' ? stack.regulator.token : tokens[who]));
  const vrs = (reqGln: string) =>
    `${stack.verify}/01/${GTIN}/21/SER1?10=LOT42&17=280630&linkType=verificationService&context=dscsaSaleableReturn&reqGLN=${reqGln}&corrUUID=4c7f0a58-3b0e-4bb9-8d1f-6f1b9e0d2a11`;
  const names = (events: { eventID?: string }[]) => events.length;

  it('answers 401 with problem+json to every custody-data endpoint without a valid credential', async () => {
    const urls = [
      `${stack.verify}/scan?code=${encodeURIComponent(DATA_MATRIX)}`,
      `${stack.verify}/events?MATCH_anyEPC=${encodeURIComponent(SGTIN)}`,
      `${stack.verify}/events/${encodeURIComponent(ids.commission)}`,
      `${stack.verify}/epcs/${encodeURIComponent(SGTIN)}/events`,
      `${stack.verify}/recalls/report?gtin=${GTIN}&lot=LOT42`,
      `${stack.verify}/access-log`,
      `${stack.verify}/console/ledger/proofs/inclusion?eventId=${encodeURIComponent(ids.commission)}`,
      vrs(PHARMACY),
      `${stack.verify}/investigations/t3?gtin=${GTIN}&serial=SER1`,
    ];
    for (const url of urls)
      for (const auth of [{ authorization: '' }, { authorization: 'Bearer dscsa_00000000000000000000000000000000_forged' }, { authorization: `Bearer ${stack.adminToken}` }]) {
        const res = await http('GET', url, undefined, auth);
        expect({ url, auth: auth.authorization.slice(0, 12), status: res.status, type: res.headers.get('content-type') }).toEqual({
          url,
          auth: auth.authorization.slice(0, 12),
          status: 401,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
      }
  });

  it('takes events only with the signing partner’s own credential, and shows capture jobs only to their submitter', async () => {
    const event = signed(MAKER, commissioningEvent(['SER9'], 'LOT9'));
    expect((await http('POST', `${stack.ingest}/events`, event, { authorization: '' })).status).toBe(401);
    const foreign = await http('POST', `${stack.ingest}/events`, event, as(PHARMACY));
    expect(foreign.status).toBe(403);
    expect(foreign.body.type).toMatch(/submitter-not-signer$/);
    const document = { '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-06T00:00:00Z', epcisBody: { eventList: [event] } };
    expect((await http('POST', `${stack.ingest}/capture`, document, { authorization: '' })).status).toBe(401);
    const job = await http('POST', `${stack.ingest}/capture`, document, as(MAKER));
    expect(job.status).toBe(202);
    const read = (who: string) => http('GET', `${stack.ingest}${job.headers.get('location')}`, undefined, as(who)).then((r) => r.status);
    expect(await Promise.all([read(MAKER), read('regulator'), read(PHARMACY), read('anonymous')])).toEqual([200, 200, 404, 401]);
  });

  it('scopes the custody path: the regulator sees every step, each partner the steps it took part in, a stranger none — all get the verdict', async () => {
    const path = async (who: string) => {
      const res = await http('POST', `${stack.verify}/scan`, { code: DATA_MATRIX }, as(who));
      expect(res.status).toBe(200);
      return { verdict: res.body.verdict, steps: res.body.custodyPath.map((s: { eventId: string }) => s.eventId), hidden: res.body.hiddenSteps };
    };
    const step = (...names: string[]) => names.map((n) => ids[n]);
    expect(await path('regulator')).toEqual({ verdict: 'VERIFIED', steps: step('commission', 'shipToWholesaler', 'receiveAtWholesaler', 'shipToPharmacy', 'receiveAtPharmacy'), hidden: 0 });
    expect(await path(MAKER)).toMatchObject({ steps: step('commission', 'shipToWholesaler', 'receiveAtWholesaler'), hidden: 2 });
    expect(await path(WHOLESALER)).toMatchObject({ steps: step('shipToWholesaler', 'receiveAtWholesaler', 'shipToPharmacy', 'receiveAtPharmacy'), hidden: 1 });
    expect(await path(PHARMACY)).toEqual({ verdict: 'VERIFIED', steps: step('shipToPharmacy', 'receiveAtPharmacy'), hidden: 3 });
    // a pharmacy may verify a package it scans, but learns nothing of its path; and it is not the holder
    const stranger = await path(STRANGER);
    expect(stranger).toMatchObject({ steps: [], hidden: 5 });
    expect(stranger.verdict).not.toBe('VERIFIED');
  });

  it('scopes EPCIS queries to the events a partner took part in, and hides the rest as unknown (404)', async () => {
    const query = async (who: string, url: string) => {
      const res = await http('GET', url, undefined, as(who));
      expect(res.status).toBe(200);
      return names(res.body.epcisBody.queryResults.resultsBody.eventList);
    };
    const byEpc = `${stack.verify}/epcs/${encodeURIComponent(SGTIN)}/events`;
    const all = `${stack.verify}/events?MATCH_anyEPC=${encodeURIComponent(SGTIN)}`;
    expect([await query('regulator', all), await query(MAKER, all), await query(WHOLESALER, all), await query(PHARMACY, all), await query(STRANGER, all)]).toEqual([5, 3, 4, 2, 0]);
    expect([await query('regulator', byEpc), await query(PHARMACY, byEpc), await query(STRANGER, byEpc)]).toEqual([5, 2, 0]);
    const one = (name: string, who: string) => http('GET', `${stack.verify}/events/${encodeURIComponent(ids[name])}`, undefined, as(who)).then((r) => r.status);
    expect(await Promise.all([one('commission', 'regulator'), one('commission', MAKER), one('commission', WHOLESALER), one('commission', PHARMACY), one('commission', STRANGER)])).toEqual([
      200, 200, 404, 404, 404,
    ]);
    expect(await Promise.all([one('shipToPharmacy', PHARMACY), one('shipToPharmacy', MAKER), one('receiveAtWholesaler', MAKER)])).toEqual([200, 404, 200]);
    const proof = (name: string, who: string) =>
      http('GET', `${stack.verify}/console/ledger/proofs/inclusion?eventId=${encodeURIComponent(ids[name])}`, undefined, as(who)).then((r) => r.status);
    expect(await Promise.all([proof('commission', 'regulator'), proof('commission', MAKER), proof('commission', PHARMACY), proof('receiveAtPharmacy', STRANGER)])).toEqual([200, 200, 404, 404]);
  });

  it('gives recall reports to regulators and the GTIN owner only', async () => {
    const report = (who: string) => http('GET', `${stack.verify}/recalls/report?gtin=${GTIN}&lot=LOT42`, undefined, as(who)).then((r) => r.status);
    expect(await Promise.all([report('regulator'), report(MAKER), report(WHOLESALER), report(PHARMACY), report(STRANGER)])).toEqual([200, 200, 403, 403, 403]);
  });

  it('exports transaction information, statement and history (EPCIS 1.2 XML, GS1 US layout, or JSON) scoped like the path', async () => {
    const t3 = (who: string, query: string) => http('GET', `${stack.verify}/investigations/t3?gtin=${GTIN}&${query}`, undefined, as(who));
    const eventsIn = async (who: string, query: string) => {
      const res = await fetch(`${stack.verify}/investigations/t3?gtin=${GTIN}&${query}&format=xml`, { headers: as(who) as Record<string, string> });
      const xml = await res.text();
      expect({ status: res.status, xml: res.status === 200 ? 'ok' : xml }).toEqual({ status: 200, xml: 'ok' });
      expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(xml).toContain('gs1ushc:dscsaTransactionStatement');
      return parseEpcisDocument(xml).events.length;
    };
    expect(await eventsIn('regulator', 'serial=SER1')).toBe(5);
    expect(await eventsIn(PHARMACY, 'serial=SER1')).toBe(2);
    expect(await eventsIn(MAKER, 'lot=LOT42')).toBe(3);
    const json = await t3(WHOLESALER, 'serial=SER1&format=json');
    expect(json.status).toBe(200);
    expect(json.body.transactionHistory.map((t: { from: { gln: string }; to: { gln: string } }) => [t.from.gln, t.to.gln])).toEqual([
      [MAKER, WHOLESALER],
      [WHOLESALER, PHARMACY],
    ]);
    expect((await t3(STRANGER, 'serial=SER1')).status).toBe(404);
    expect((await t3(PHARMACY, 'serial=SER1&lot=LOT42')).status).toBe(400);
    expect((await t3(PHARMACY, 'serial=SER%E2%80%8B1')).status).toBe(400); // a zero-width space is no GS1 character
  });

  it('answers VRS requests only for the authenticated requester’s own GLN (regulators may name any)', async () => {
    const status = (who: string, reqGln: string) => http('GET', vrs(reqGln), undefined, as(who)).then((r) => r.status);
    expect(await Promise.all([status(PHARMACY, PHARMACY), status(PHARMACY, WHOLESALER), status(STRANGER, PHARMACY), status('regulator', PHARMACY)])).toEqual([200, 403, 403, 200]);
  });

  it('shows the access log to regulators, and to each partner its own reads and reads of its products', async () => {
    const log = async (who: string) => {
      const res = await http('GET', `${stack.verify}/access-log?limit=1000`, undefined, as(who));
      expect(res.status).toBe(200);
      return res.body as { actor: string; action: string; gtin?: string }[];
    };
    const everything = await log('regulator');
    const actors = new Set(everything.map((e) => e.actor));
    for (const gln of [stack.regulator.gln, MAKER, WHOLESALER, PHARMACY, STRANGER, 'anonymous']) expect(actors).toContain(gln);
    const pharmacy = await log(PHARMACY);
    expect(pharmacy.length).toBeGreaterThan(0);
    expect(pharmacy.every((e) => e.actor === PHARMACY)).toBe(true);
    // the GTIN owner sees who read about its product: the pharmacy's scans and the stranger's
    const maker = await log(MAKER);
    expect(new Set(maker.map((e) => e.actor))).toEqual(new Set([MAKER, WHOLESALER, PHARMACY, STRANGER, stack.regulator.gln]));
    expect(maker.every((e) => e.actor === MAKER || e.gtin === GTIN)).toBe(true);
    expect((await http('GET', `${stack.verify}/access-log?limit=0`, undefined, as(MAKER))).status).toBe(400);
  });

  it('records concurrent reads with one INSERT, and a read whose entry PostgreSQL refuses fails alone', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      // A trigger stands in for any row PostgreSQL refuses: it takes the group's statement down with it.
      await db.query(`CREATE FUNCTION verify.refuse_e2e() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.subject LIKE '%/21/REFUSED' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
      await db.query('CREATE TRIGGER refuse_e2e BEFORE INSERT ON verify.access_log FOR EACH ROW EXECUTE FUNCTION verify.refuse_e2e()');
      const { rows: before } = await db.query('SELECT max(id) AS id FROM verify.access_log');
      const serials = [...Array.from({ length: 24 }, (_, i) => `GROUP${i}`), 'REFUSED'];
      const answers = await Promise.all(serials.map((serial) => http('POST', `${stack.verify}/scan`, { code: `01${GTIN}21${serial}` }, as(PHARMACY))));
      expect(answers.map((a) => a.status)).toEqual([...serials.slice(0, -1).map(() => 200), 500]);
      const { rows } = await db.query('SELECT subject, outcome, at FROM verify.access_log WHERE id > $1 ORDER BY id', [before[0].id]);
      expect(rows.map((r) => r.subject).sort()).toEqual(serials.slice(0, -1).map((serial) => `https://id.gs1.org/01/${GTIN}/21/${serial}`).sort());
      expect(rows.every((r) => r.outcome === 'NOT_FOUND')).toBe(true);
      // Rows of one statement share its transaction's now(): fewer distinct times than reads means they were grouped.
      expect(new Set(rows.map((r) => r.at.getTime())).size).toBeLessThan(rows.length);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS refuse_e2e ON verify.access_log');
      await db.query('DROP FUNCTION IF EXISTS verify.refuse_e2e()');
      await db.end();
    }
  });

  it('appends every access entry to the verifiable log, with inclusion proofs under the signed checkpoint, and the audit checks them', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT entry_id FROM verify.access_log ORDER BY id');
      expect(rows.length).toBeGreaterThan(30);
      const entries = rows.map((r: { entry_id: string }) => r.entry_id);
      await eventually(async () => {
        const logged = await db.query('SELECT count(*)::int AS n FROM ledger.access_record WHERE entry_id = ANY($1::uuid[])', [entries]);
        return logged.rows[0].n === entries.length ? true : undefined;
      });
      const note = await (await fetch(`${stack.ledger}/checkpoint`)).text();
      const { checkpoint } = openCheckpoint(note, stack.origin, noteVerifier(parseVkey(stack.ledgerVkey)));
      for (const entryId of [entries[0], entries[entries.length - 1]]) {
        const p = (await http('GET', `${stack.ledger}/proofs/inclusion?entryId=${entryId}&treeSize=${checkpoint.size}`)).body;
        expect(JSON.parse(Buffer.from(p.leafData, 'base64').toString())).toMatchObject({ kind: 'access', entryId });
        expect(verifyInclusion(hashLeaf(fromB64(p.leafData)), p.leafIndex, checkpoint.size, p.proof.map(fromB64), checkpoint.rootHash)).toBe(true);
      }
      const clean = await auditSnapshot(db, stack.ledgerVkey);
      expect(clean).toMatchObject({ ok: true, counts: { records: 6, accessRecords: expect.any(Number) } });
      expect(clean.counts.accessRecords).toBeGreaterThanOrEqual(entries.length);
      // rewriting who read what is found
      await db.query(`UPDATE ledger.access_record SET entry = jsonb_set(entry, '{actor}', '"${MAKER}"') WHERE entry_id = $1`, [entries[1]]);
      expect((await auditSnapshot(db, stack.ledgerVkey)).finding).toMatchObject({ table: 'access_record', problem: 'leaf hash does not match the record' });
    } finally {
      await db.end();
    }
  });

  it('refuses a shipment signed by a party it does not name, and flags one by a party that never held the package', async () => {
    const submit = (gln: string, event: Record<string, unknown>) => http('POST', `${stack.ingest}/events`, signed(gln, event), as(gln));
    expect((await submit(MAKER, commissioningEvent(['SER3'], 'LOT3'))).status).toBe(201);
    const foreign = await submit(STRANGER, move('shipping', MAKER, WHOLESALER, '2026-11-06T09:00:00Z', 'SER3'));
    expect(foreign.status).toBe(403);
    expect(foreign.body.type).toMatch(/not-a-trading-party$/);
    // the stranger names itself as the owner that ships: it may sign that, and the custody rules catch it
    expect((await submit(STRANGER, move('shipping', STRANGER, WHOLESALER, '2026-11-06T10:00:00Z', 'SER3'))).status).toBe(201);
    const verdict = await eventually(async () => {
      const r = await http('POST', `${stack.verify}/scan`, { code: `]d201${GTIN}21SER3\u001d10LOT3\u001d17280630` }, as('regulator'));
      return r.body?.custodyPath?.length === 2 ? r.body : undefined;
    });
    expect(verdict.verdict).not.toBe('VERIFIED');
    expect(verdict.reasons.map((r: { code: string }) => r.code)).toContain('CUSTODY_GAP_NOT_HOLDER');
  });
});
