import fc from 'fast-check';
import { Client } from 'pg';
import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { bearer, startStack, Stack } from '../support/stack';
import { commissioningEvent, EPCIS_CONTEXT } from '../support/events';

/**
 * Hostile input over HTTP, property-based: whatever arrives at capture, scan or VRS gets a 4xx problem+json: no 5xx,
 * no crash, no memory blow-up, and nothing reaches the log. FUZZ_RUNS sets the cases per property (CI: the default;
 * `npm run fuzz` runs many more).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const withCheck = (body: string) => body + gs1CheckDigit(body);
const MAKER = withCheck('061414100000');
const GTIN = withCheck('0061414112345');
const GS = '\u001d';

/** Unicode that tricks: zero-width and bidi marks, homoglyphs, NUL, surrogates, combining marks, full-width digits. */
const TRICKS = ['\u200b', '\u202e', '\u0000', '\ud800', '\u0301', '\uff10', 'Ａ', 'І', '\u2028', '\ufeff', GS, '%00', '%', '../', '\\'];
const tricky = fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKS), fc.string({ unit: 'grapheme', maxLength: 1 }), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 40 });
const deep = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
/** Percent-encodes, lone surrogates included (as their UTF-8 replacement), which encodeURIComponent refuses. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i) => (/[\ud800-\udbff][\udc00-\udfff]/.test(s.slice(i - 1, i + 1)) || /[\ud800-\udbff][\udc00-\udfff]/.test(s.slice(i, i + 2)) ? c : '\ufffd')));

const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.integer({ min: 100, max: 200_000 }).map((d) => deep(d, '[', ']')),
  fc.integer({ min: 100, max: 50_000 }).map((d) => deep(d, '{"a":', '}').replace(/}$/, '1}')),
  // an event of the right shape with wrong types, bad check digits, impossible dates or tricky serials in it
  fc
    .record({
      eventTime: fc.oneof(fc.constant('2026-02-30T10:00:00Z'), fc.constant('2026-13-01T00:00:00+25:00'), tricky, fc.integer()),
      epc: fc.oneof(
        tricky.map((s) => `urn:epc:id:sgtin:0614141.012345.${s}`),
        fc.constant('urn:epc:id:sgtin:0614141.012345.'),
        fc.constant('https://id.gs1.org/01/00614141123453/21/X'), // wrong check digit
        fc.anything(),
      ),
      bizStep: fc.oneof(tricky, fc.anything()),
      ilmd: fc.anything(),
    })
    .map((r) =>
      JSON.stringify({ '@context': EPCIS_CONTEXT, type: 'ObjectEvent', eventTime: r.eventTime, eventTimeZoneOffset: '+00:00', epcList: [r.epc], action: 'ADD', bizStep: r.bizStep, ilmd: r.ilmd }),
    ),
);

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1">&lol3;</epcis:EPCISDocument>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1"><EPCISBody><EventList>&e;</EventList></EPCISBody></epcis:EPCISDocument>`;
const hostileXml = fc.oneof(
  fc.constant(BILLION_LAUGHS),
  fc.constant(XXE),
  fc.integer({ min: 100, max: 100_000 }).map((d) => `<?xml version="1.0"?>${deep(d, '<a>', '').replace(/$/, '</a>'.repeat(d))}`),
  fc.string({ maxLength: 300 }).map((s) => `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1">${s}</epcis:EPCISDocument>`),
  tricky.map((s) => `<?xml version="1.0"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList><ObjectEvent><eventTime>2026-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:0614141.012345.${s}</epc></epcList><action>ADD</action></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`),
);

const barcode = fc.oneof(
  tricky,
  fc.string({ unit: fc.constantFrom(...'0123456789', GS, ']', 'd', '2', 'C', '1', 'e'), maxLength: 80 }),
  fc.tuple(fc.stringMatching(/^\d{14}$/), tricky, fc.stringMatching(/^\d{6}$/)).map(([g, s, d]) => `]d201${g}21${s}${GS}17${d}`),
  fc.tuple(tricky, tricky).map(([a, b]) => `https://id.gs1.org/01/${GTIN}/21/${encode(a)}?17=${encode(b)}`),
  fc.webUrl(),
);

describe('hostile input, fuzzed: always a 4xx problem+json, never a 5xx, nothing written', () => {
  let stack: Stack;
  let maker: Record<string, string>;
  let db: Client;

  beforeAll(async () => {
    process.env.VRS_RESPONDER_GLN = withCheck('061414199998');
    stack = await startStack('fuzz');
    const key = generateKeyPair('EdDSA');
    const partner = { gln: MAKER, name: 'Acme', roles: ['manufacturer'], keys: [{ kid: `${MAKER}/k`, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] };
    await fetch(`${stack.ingest}/admin/partners`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(stack.adminToken) }, body: JSON.stringify(partner) });
    maker = bearer(await stack.credential(MAKER));
    // one real event, so scans and queries have something to find
    const event = commissioningEvent(['FUZZ1']);
    const res = await fetch(`${stack.ingest}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...maker }, body: JSON.stringify(attachSignature(event, signJson(event, key.privateJwk, `${MAKER}/k`))) });
    expect(res.status).toBe(201);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    delete process.env.VRS_RESPONDER_GLN;
    await db?.end();
    await stack?.stop();
  });

  const counts = { cases: 0 };
  /**
   * Refused: a 4xx problem+json; or, at POST /capture (asynchronous in EPCIS 2.0), a 202 capture job that failed
   * and accepted nothing, which is how the standard reports invalid events of a well-formed document.
   */
  async function expect4xx(url: string, init: RequestInit): Promise<void> {
    counts.cases++;
    const res = await fetch(url, init);
    const body = await res.text();
    const problem = res.status >= 400 && res.status < 500 && /^application\/problem\+json/.test(res.headers.get('content-type') ?? '');
    const failedJob = res.status === 202 && url.endsWith('/capture') && /"success":false/.test(body) && /"acceptedCount":0/.test(body);
    if (!problem && !failedJob) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status} ${res.headers.get('content-type')}: ${body.slice(0, 300)}`);
  }
  const post = (path: string, type: string, body: string, headers: Record<string, string> = maker) =>
    expect4xx(`${stack.ingest}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });

  it('refuses hostile JSON and XML at capture, as a single event or a document', async () => {
    const rssBefore = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(hostileJson, fc.constantFrom('/events', '/capture'), fc.constantFrom('application/json', 'application/ld+json'), (body, path, type) => post(path, type, body)),
      { numRuns: RUNS },
    );
    await fc.assert(fc.asyncProperty(hostileXml, fc.constantFrom('/events', '/capture'), (body, path) => post(path, 'application/xml', body)), { numRuns: RUNS });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('application/json', 'application/xml', 'text/plain', 'application/octet-stream', ''), (bytes, type) =>
        post('/events', type, Buffer.from(bytes).toString('latin1')),
      ),
      { numRuns: RUNS },
    );
    // a body over the limit is refused before it is read whole
    await post('/capture', 'application/json', `{"a":"${'x'.repeat(3 * 1024 * 1024)}"}`);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
  });

  it('refuses hostile scans, queries and VRS requests', async () => {
    await fc.assert(
      fc.asyncProperty(barcode, async (code) => {
        // a well-formed scan of an unknown package is a 200 NOT_FOUND, which is right: only malformed ones must be 4xx
        const res = await fetch(`${stack.verify}/scan`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(stack.regulator.token) }, body: JSON.stringify({ code }) });
        counts.cases++;
        if (res.status >= 500 || (res.status !== 200 && !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')))
          throw new Error(`scan ${JSON.stringify(code)} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('EQ_bizStep', 'MATCH_epc', 'GE_eventTime', 'perPage', 'nextPageToken', 'eventType', 'x'), tricky), async (params) => {
        const query = new URLSearchParams({ ...params, GE_eventTime: params.GE_eventTime ?? '2026-99-99' }).toString();
        await expect4xx(`${stack.verify}/events?${query}`, { headers: bearer(stack.regulator.token) });
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(tricky, tricky, (serial, reqGln) =>
        expect4xx(`${stack.verify}/01/${GTIN}/21/${encode(serial)}x?linkType=verificationService&context=${encode(reqGln)}&reqGLN=${encode(reqGln)}`, {
          headers: bearer(stack.regulator.token),
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('wrote nothing: the one real event is all the log holds', async () => {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM ingest.captured_event');
    expect(rows[0].n).toBe(1);
    const logged = await db.query('SELECT count(*)::int AS n FROM ledger.event_record');
    expect(logged.rows[0].n).toBeLessThanOrEqual(1);
    console.log(`fuzz: ${counts.cases} hostile requests, every one refused (4xx problem+json, or a failed capture job) or, for well-formed scans, answered NOT_FOUND`);
  });
});
