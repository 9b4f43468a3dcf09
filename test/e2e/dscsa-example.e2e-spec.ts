import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair, signDetached } from '@app/crypto';
import { batchOf, eventHashId, parseEpcisDocument } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { Client } from 'pg';
import { bearer, eventually, http, startStack, Stack } from '../support/stack';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? resolve(__dirname, '../../../shared/conformance');
const EXAMPLE = resolve(CONFORMANCE, 'epcis-documents/1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml');
const withCheck = (body: string) => body + gs1CheckDigit(body);
const SELLER = withCheck('030001111111'); // urn:epc:id:sgln:030001.111111.0, the owning party that ships
const GTIN = withCheck('0030001012345'); // urn:epc:id:sgtin:030001.0012345.*
const BUYER = withCheck('039999999999'); // urn:epc:id:sgln:039999.999999.0, the owning party it ships to
const LICENSED = '2020-01-01T00:00:00Z';

describe('the GS1 US DSCSA example (EPCIS 1.2 XML): captured, signed, in the ledger, queryable', () => {
  let stack: Stack;
  const xml = readFileSync(EXAMPLE);
  const key = generateKeyPair('EdDSA');
  const kid = `${SELLER}/dscsa`;
  let ids: string[];
  let seller: { authorization: string };

  beforeAll(async () => {
    stack = await startStack('dscsa');
    const partner = {
      gln: SELLER,
      name: 'Example Manufacturer',
      roles: ['manufacturer'],
      keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2000-01-01T00:00:00Z' }],
      companyPrefixes: ['030001'],
      licences: [{ kind: 'fda-registration', number: 'FEI-1000001', validFrom: LICENSED }],
    };
    const buyer = { gln: BUYER, name: 'Example Wholesaler', roles: ['wholesaler'], keys: [], licences: [{ kind: 'state-wholesale', number: 'WD-77', jurisdiction: 'US-NJ', validFrom: LICENSED }] };
    for (const p of [partner, buyer]) expect((await http('POST', `${stack.ingest}/admin/partners`, p, { authorization: `Bearer ${stack.adminToken}` })).status).toBe(200);
    // The partner signs the hash IDs of the document's events, computed from its own copy of the XML.
    const doc = parseEpcisDocument(xml, { contentType: 'application/xml' });
    ids = doc.events.map((e) => eventHashId(e, { context: doc.context }));
    seller = bearer(await stack.credential(SELLER));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('captures all 8 events with one document signature', async () => {
    const jws = signDetached((await batchOf(ids)).payload, key.privateJwk, { kid });
    const res = await fetch(`${stack.ingest}/capture`, { method: 'POST', headers: { 'content-type': 'application/xml', 'DSCSA-Signature': jws, ...seller }, body: xml });
    const job = await res.json();
    expect(res.status).toBe(202);
    expect(job).toMatchObject({ success: true, eventCount: 8, acceptedCount: 8, errors: [] });
  });

  it('rejects the same XML with a signature over other content, and any DOCTYPE', async () => {
    const jws = signDetached((await batchOf(ids.slice(1))).payload, key.privateJwk, { kid });
    const res = await fetch(`${stack.ingest}/capture`, { method: 'POST', headers: { 'content-type': 'application/xml', 'DSCSA-Signature': jws, ...seller }, body: xml });
    expect(res.status).toBe(422);
    const hostile = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.toString('utf8').replace(/^<\?xml[^>]*>/, '')}`;
    const bomb = await fetch(`${stack.ingest}/capture`, { method: 'POST', headers: { 'content-type': 'application/xml', ...seller }, body: hostile });
    expect(bomb.status).toBe(400);
    expect(((await bomb.json()) as { type: string }).type).toMatch(/xml-doctype$/);
  });

  it('puts the events in the ledger and answers queries about them', async () => {
    const shipping = await eventually(async () => {
      const r = await http('GET', `${stack.verify}/events?EQ_bizStep=shipping`);
      return r.body?.epcisBody?.queryResults?.resultsBody?.eventList?.[0];
    });
    expect(shipping.bizStep).toBe('urn:epcglobal:cbv:bizstep:shipping');
    // every one of the 8 events is a leaf (the tree holds access-log entries too, so its size says nothing here)
    const proofs = async () => Promise.all(ids.map(async (id) => (await http('GET', `${stack.ledger}/proofs/inclusion?eventId=${encodeURIComponent(id)}`)).status));
    await eventually(async () => ((await proofs()).every((s) => s === 200) ? true : undefined));
    const history = await http('GET', `${stack.verify}/epcs/${encodeURIComponent('urn:epc:id:sgtin:030001.0012345.11')}/events`);
    const steps = history.body.epcisBody.queryResults.resultsBody.eventList.map((e: { bizStep: string }) => e.bizStep.split(':').pop());
    expect(steps).toEqual(['commissioning', 'packing']);
  });

  it('traces a package from the example at the pharmacy counter, and knows it expired in 2025', async () => {
    // lot A123 and expiry 2025-03-27 come from the XML's ILMD; the label matches them, the calendar does not
    const scan = await http('POST', `${stack.verify}/scan`, { code: `]d201${GTIN}2111\u001d10A123\u001d17250327` });
    expect(scan.body.verdict).toBe('SUSPECT');
    expect(scan.body.reasons.map((r: { code: string }) => r.code)).toEqual(['EXPIRED']);
    const kinds = scan.body.custodyPath.map((s: { kind: string }) => s.kind);
    expect(kinds[0]).toBe('commissioned');
    expect(kinds).toContain('packed');
    expect(kinds[kinds.length - 1]).toBe('shipped'); // the shipment of the case or pallet it was packed into
    expect(scan.body.custodyPath[kinds.length - 1].via.length).toBeGreaterThan(0);
    expect(scan.body.currentHolder).toBe(SELLER); // shipped, not yet received
    expect(scan.body.custodyPath[0].signer).toMatchObject({ gln: SELLER, name: 'Example Manufacturer' });
  });

  it('keeps the product and location master data', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query(`SELECT vocabulary, id, attributes FROM ingest.master_data ORDER BY vocabulary, id`);
    await db.end();
    const product = rows.find((r) => r.vocabulary === 'EPCClass' && JSON.stringify(r.attributes).includes('regulatedProductName'));
    expect(product).toBeDefined();
    expect(rows.some((r) => r.vocabulary === 'Location')).toBe(true);
  });
});
