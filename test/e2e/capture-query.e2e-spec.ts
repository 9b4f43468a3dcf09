import { generateKeyPair, signDetached, signJson } from '@app/crypto';
import { attachSignature, batchOf, eventHashId } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { eventually, http, startStack, Stack } from '../support/stack';

const withCheck = (body: string) => body + gs1CheckDigit(body);
const GLN = withCheck('061414100000');
const CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }];
const SSCC = 'urn:epc:id:sscc:0614141.1234567890';

function event(kind: 'commission' | 'pack' | 'ship', serials: string[], minute: number): Record<string, unknown> {
  const base = { type: 'ObjectEvent', eventTime: `2026-11-02T10:${String(minute).padStart(2, '0')}:00.000Z`, eventTimeZoneOffset: '+00:00' };
  const epcs = serials.map((s) => `urn:epc:id:sgtin:0614141.012345.${s}`);
  if (kind === 'commission')
    return { ...base, epcList: epcs, action: 'ADD', bizStep: 'commissioning', disposition: 'active', ilmd: { 'cbvmda:lotNumber': 'L7', 'cbvmda:itemExpirationDate': '2028-01-31' } };
  if (kind === 'pack')
    return { ...base, type: 'AggregationEvent', parentID: SSCC, childEPCs: epcs, action: 'ADD', bizStep: 'packing', disposition: 'in_progress' };
  return {
    ...base,
    epcList: [SSCC],
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0012345.00005' }],
  };
}

const document = (events: Record<string, unknown>[]) => ({
  '@context': CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-02T11:00:00.000Z',
  epcisBody: { eventList: events },
});

describe('EPCIS capture and query interfaces on the real stack', () => {
  let stack: Stack;
  const key = generateKeyPair('ES256');
  const kid = `${GLN}/capture`;
  const sign = (e: Record<string, unknown>) => attachSignature(e, signJson(e, key.privateJwk, kid));
  const hashOf = (e: Record<string, unknown>) => eventHashId(e, { context: CONTEXT });

  beforeAll(async () => {
    stack = await startStack('capture');
    const partner = { gln: GLN, name: 'Acme Pharma Inc.', roles: ['manufacturer'], keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] };
    expect((await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` })).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 409 when the same event is captured again, and 406 for an unsupported EPCIS version', async () => {
    const e = sign({ '@context': CONTEXT, ...event('commission', ['D1'], 0) });
    const first = await http('POST', `${stack.ingest}/events`, e);
    expect(first.status).toBe(201);
    expect(first.headers.get('gs1-epcis-version')).toBe('2.0.0');
    const again = await http('POST', `${stack.ingest}/events`, e);
    expect(again.status).toBe(409);
    expect(again.body.eventId).toBe(first.body.eventId);
    const version = await http('POST', `${stack.ingest}/events`, sign({ '@context': CONTEXT, ...event('commission', ['D2'], 0) }), { 'GS1-EPCIS-Version': '3.0.0' });
    expect(version.status).toBe(406);
  });

  it('captures a document signed once for all its events, and reports the job', async () => {
    const events = [event('commission', ['B1', 'B2', 'B3'], 1), event('pack', ['B1', 'B2', 'B3'], 2), event('ship', [], 3)];
    const { payload } = await batchOf(events.map(hashOf));
    const jws = signDetached(payload, key.privateJwk, { kid });
    const res = await http('POST', `${stack.ingest}/capture`, document(events), { 'DSCSA-Signature': jws });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: true, running: false, eventCount: 3, acceptedCount: 3, errors: [] });
    expect(res.headers.get('location')).toBe(`/capture/${res.body.captureID}`);
    const job = await http('GET', `${stack.ingest}${res.headers.get('location')}`);
    expect(job.body).toEqual(res.body);

    // a signature over other events is refused for the whole document
    const other = await http('POST', `${stack.ingest}/capture`, document([event('commission', ['B9'], 4)]), { 'DSCSA-Signature': jws });
    expect(other.status).toBe(422);
  });

  it('rolls back a whole document for one bad event, or proceeds with the good ones when asked', async () => {
    const good = sign(event('commission', ['R1'], 5));
    const unsigned = event('commission', ['R2'], 6);
    const rolled = await http('POST', `${stack.ingest}/capture`, document([good, unsigned]));
    expect(rolled.status).toBe(202);
    expect(rolled.body).toMatchObject({ success: false, captureErrorBehaviour: 'rollback', acceptedCount: 0 });
    expect(rolled.body.errors).toEqual([expect.objectContaining({ eventIndex: 1, rule: 'signature-missing' })]);

    const proceeded = await http('POST', `${stack.ingest}/capture`, document([good, unsigned]), { 'GS1-Capture-Error-Behaviour': 'proceed' });
    expect(proceeded.body).toMatchObject({ success: false, captureErrorBehaviour: 'proceed', acceptedCount: 1 });
    const bad = await http('POST', `${stack.ingest}/capture`, document([good]), { 'GS1-Capture-Error-Behaviour': 'sometimes' });
    expect(bad.status).toBe(400);
  });

  it('serves the captured events through the EPCIS query interface', async () => {
    const shipping = await eventually(async () => {
      const r = await http('GET', `${stack.verify}/events?EQ_bizStep=shipping`);
      return r.body?.epcisBody?.queryResults?.resultsBody?.eventList?.length === 1 ? r : undefined;
    });
    expect(shipping.headers.get('gs1-epcis-version')).toBe('2.0.0');
    expect(shipping.body.type).toBe('EPCISQueryDocument');
    const shipped = shipping.body.epcisBody.queryResults.resultsBody.eventList[0];
    expect(shipped.epcList).toEqual([SSCC]);

    const list = (r: { body: any }) => r.body.epcisBody.queryResults.resultsBody.eventList as Record<string, unknown>[];
    await eventually(async () => (list(await http('GET', `${stack.verify}/events?MATCH_anyEPC=urn:epc:idpat:sgtin:0614141.012345.*`)).length >= 4 ? true : undefined));
    const byParent = await http('GET', `${stack.verify}/events?MATCH_parentID=${encodeURIComponent(SSCC)}`);
    expect(list(byParent).map((e) => e.bizStep)).toEqual(['packing']);
    const byEpc = await http('GET', `${stack.verify}/epcs/${encodeURIComponent('https://id.gs1.org/01/00614141123452/21/B2')}/events`);
    expect(list(byEpc).map((e) => e.bizStep)).toEqual(['commissioning', 'packing']);
    const byLocation = await http('GET', `${stack.verify}/events?EQ_bizLocation=urn:epc:id:sgln:0614141.00001.0&EQ_disposition=in_transit`);
    expect(list(byLocation)).toHaveLength(1);
    const window = await http('GET', `${stack.verify}/events?GE_eventTime=2026-11-02T10:02:00Z&LT_eventTime=2026-11-02T10:03:00Z`);
    expect(list(window).map((e) => e.type)).toEqual(['AggregationEvent']);

    const one = await http('GET', `${stack.verify}/events/${encodeURIComponent(hashOf(event('ship', [], 3)))}`);
    expect(one.status).toBe(200);
    expect(one.body.bizStep).toBe('shipping');
    expect((await http('GET', `${stack.verify}/events/${encodeURIComponent('ni:///sha-256;00?ver=CBV2.0')}`)).status).toBe(404);
  });

  it('pages through results with nextPageToken and a Link header', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${stack.verify}/events?perPage=2`;
    while (url) {
      const page = await http('GET', url);
      expect(page.status).toBe(200);
      seen.push(...page.body.epcisBody.queryResults.resultsBody.eventList.map((e: Record<string, unknown>) => `${e.eventTime}|${e.bizStep}`));
      const link = page.headers.get('link');
      url = link ? `${stack.verify}${/<([^>]+)>/.exec(link)![1]}` : undefined;
    }
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
  });

  it('rejects malformed queries with problem+json naming the parameter', async () => {
    const r = await http('GET', `${stack.verify}/events?EQ_bizStepp=shipping`);
    expect(r.status).toBe(400);
    expect(r.body.param).toBe('EQ_bizStepp');
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
