import { Client } from 'pg';
import { ANOMALY_CODES, type Anomaly } from '@app/custody';
import { registrationOf, Simulation, type Summary } from '@app/simulator';
import { bearer, eventually, http, startStack, type Stack } from '../support/stack';

const DAY = 86_400_000;
type Package = Summary['anomalies'][number] | Summary['samples'][number];
const sgtinOf = (p: { gtin: string; serial: string }) => `https://id.gs1.org/01/${p.gtin}/21/${p.serial}`;
const inOrder = (codes: string[]) => [...codes].sort((a, b) => ANOMALY_CODES.indexOf(a as never) - ANOMALY_CODES.indexOf(b as never));

describe('the diversion report over a simulated supply chain captured by the real stack', () => {
  let stack: Stack;
  let db: Client;
  let sim: Simulation;
  let summary: Summary;
  /** The whole chain: it starts 120 days ago and ends weeks later, so every shipment is overdue by now. */
  let window: string;
  let full: { status: number; body: { anomalies: Anomaly[]; counts: Record<string, number>; units: number; parameters: Record<string, unknown> } };
  const report = (query: string, token?: string) => http('GET', `${stack.verify}/investigations/diversion?${window}${query}`, undefined, token ? bearer(token) : {});

  beforeAll(async () => {
    stack = await startStack('diversion');
    const start = Date.now() - 120 * DAY;
    sim = new Simulation({
      seed: 'diversion',
      start: new Date(start).toISOString(),
      unitsPerLot: 6,
      unitsPerCase: 3,
      casesPerPallet: 2,
      recall: true,
      anomalies: { counterfeit: 1, clone: 1, diversion: 1, custodyGap: 2, expired: 1, recalled: 1, reverseDirection: 1, unlicensedRecipient: 1, vanished: 1, velocity: 1 },
    });
    const admin = bearer(stack.adminToken);
    for (const p of sim.partners) expect([200, 201]).toContain((await http('POST', `${stack.ingest}/admin/partners`, registrationOf(p), admin)).status);
    for await (const doc of sim.documents()) {
      const capture = await http('POST', `${stack.ingest}/capture`, JSON.stringify(doc.document), { 'content-type': 'application/ld+json', 'dscsa-signature': doc.signature });
      expect({ status: capture.status, success: capture.body?.success }).toEqual({ status: 202, success: true });
    }
    summary = sim.summary();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    // Assessments check inclusion proofs against the latest checkpoint: wait until it covers every event.
    await eventually(async () => {
      const { rows } = await db.query(
        'SELECT (SELECT count(*) FROM ledger.event_record)::int AS events, (SELECT max(seq) + 1 FROM ledger.event_record)::int AS size, (SELECT max(tree_size) FROM ledger.checkpoint)::int AS signed',
      );
      return rows[0].events === summary.counts.events && rows[0].signed >= rows[0].size ? true : undefined;
    }, 90_000);
    window = `from=${new Date(start - DAY).toISOString()}&to=${new Date().toISOString()}`;
    full = await report('');
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('reports every injected anomaly, old kinds and trade patterns, with the codes the simulator expects and logged evidence', async () => {
    expect(full.status).toBe(200);
    expect(new Set(summary.anomalies.map((a) => a.kind))).toEqual(new Set(Object.keys(summary.counts.anomalies)));
    const codesOf = (p: Package) => inOrder(full.body.anomalies.filter((a) => a.sgtin === sgtinOf(p)).map((a) => a.code));
    for (const p of [...summary.anomalies, ...summary.samples])
      expect({ package: p, codes: codesOf(p) }).toEqual({ package: p, codes: p.expectedDiversionCodes });
    for (const code of ['REVERSE_DIRECTION', 'UNLICENSED_RECIPIENT', 'VANISHED_IN_TRANSIT', 'IMPOSSIBLE_VELOCITY']) expect(full.body.counts[code]).toBeGreaterThan(0);

    const evidence = [...new Set(full.body.anomalies.flatMap((a) => a.evidence))];
    for (const a of full.body.anomalies) expect({ a, shown: a.evidence.length > 0 && a.parties.length > 0 && a.message.length > 0 }).toEqual({ a, shown: true });
    const { rows } = await db.query('SELECT count(*)::int AS n FROM ledger.event_record WHERE event_id = ANY($1)', [evidence]);
    expect(rows[0].n).toBe(evidence.length);
    // Packages the simulator did not single out show only what their whole lot has.
    const singled = new Set([...summary.anomalies, ...summary.samples].map(sgtinOf));
    expect(new Set(full.body.anomalies.filter((a) => !singled.has(a.sgtin!)).map((a) => a.code))).toEqual(new Set(['EXPIRED', 'RECALLED']));
    const counted = Object.fromEntries(Object.entries(full.body.counts).filter(([, n]) => n > 0));
    expect(Object.values(counted).reduce((x, y) => x + y, 0)).toBe(full.body.anomalies.length);
  });

  it('takes its thresholds and product from the query', async () => {
    const patient = await report('&vanishAfterHours=8760&minTransitMinutes=10');
    expect(patient.body.parameters).toEqual({ partner: null, gtin: null, vanishAfterHours: 8760, minTransitMinutes: 10 });
    expect(patient.body.counts).toMatchObject({ VANISHED_IN_TRANSIT: 0, IMPOSSIBLE_VELOCITY: 0, REVERSE_DIRECTION: full.body.counts.REVERSE_DIRECTION });
    const velocity = summary.anomalies.find((a) => a.kind === 'velocity')!;
    const product = await report(`&gtin=${velocity.gtin}`);
    expect(product.body.units).toBeLessThan(full.body.units);
    expect(product.body.anomalies).toEqual(full.body.anomalies.filter((a) => a.gtin === velocity.gtin));
  });

  it('shows a trading partner the anomalies that name it, and refuses it another partner’s', async () => {
    const vanished = full.body.anomalies.find((a) => a.code === 'VANISHED_IN_TRANSIT')!;
    const pharmacy = vanished.parties[0];
    expect(sim.pharmacies.map((p) => p.gln)).toContain(pharmacy);
    const token = await stack.credential(pharmacy);
    const other = sim.partners.find((p) => p.gln !== pharmacy)!.gln;
    expect((await report(`&partner=${other}`, token)).status).toBe(403);
    const own = await report('', token);
    expect(own.status).toBe(200);
    expect(own.body.parameters.partner).toBe(pharmacy);
    const named = full.body.anomalies.filter((a) => a.parties.includes(pharmacy));
    const finding = (a: Anomaly) => [a.code, a.sgtin, a.at, a.severity];
    expect(own.body.anomalies.map(finding)).toEqual(named.map(finding));
    expect(own.body.anomalies.map((a: Anomaly) => a.code)).toContain('VANISHED_IN_TRANSIT');
    expect(own.body.anomalies.length).toBeLessThan(full.body.anomalies.length);
    expect((await report(`&partner=${pharmacy}`, token)).body.anomalies).toEqual(own.body.anomalies);
    // A regulator naming the pharmacy sees the same findings unscoped.
    expect((await report(`&partner=${pharmacy}`)).body.anomalies).toEqual(named);

    // As on a scan, the pharmacy reads only events it took part in (and recall announcements), and their parties.
    const { rows } = await db.query(
      `SELECT e.event_id FROM ledger.event_record e WHERE e.seq IN (SELECT seq FROM ledger.event_party WHERE gln = $1) OR e.seq IN (SELECT seq FROM ledger.recall)`,
      [pharmacy],
    );
    const readable = new Set(rows.map((r) => r.event_id));
    own.body.anomalies.forEach((a: Anomaly, i: number) => {
      expect({ a, hidden: a.evidence.filter((id) => !readable.has(id)), extra: a.parties.filter((gln) => !named[i].parties.includes(gln)) }).toEqual({ a, hidden: [], extra: [] });
      expect(named[i].evidence).toEqual(expect.arrayContaining(a.evidence));
    });
    expect(own.body.anomalies.some((a: Anomaly, i: number) => a.evidence.length < named[i].evidence.length)).toBe(true);
  });

  it('answers CSV, one anomaly a line, and logs who read the report', async () => {
    const csv = await fetch(`${stack.verify}/investigations/diversion?${window}&format=csv`, { headers: bearer(stack.regulator.token) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,code,severity,gtin,lot,sgtin,parties,evidence,message');
    expect(lines).toHaveLength(full.body.anomalies.length + 1);
    const { rows } = await db.query(`SELECT actor, outcome FROM verify.access_log WHERE action = 'diversion-report' AND actor = $1`, [stack.regulator.gln]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].outcome).toBe(`${full.body.anomalies.length} anomalies in ${full.body.units} units`);
  });

  it('refuses a bad query with a problem that says what is wrong, and a caller without a credential', async () => {
    const problem = async (query: string) => {
      const res = await http('GET', `${stack.verify}/investigations/diversion?${query}`);
      return [res.status, res.headers.get('content-type')?.split(';')[0], res.body?.detail];
    };
    const ok = window;
    expect(await problem('to=2026-01-01')).toEqual([400, 'application/problem+json', 'from is required: YYYY-MM-DD or an RFC 3339 date-time']);
    expect(await problem('from=2026-02-01&to=2026-01-01')).toEqual([400, 'application/problem+json', 'from must be before to']);
    expect(await problem('from=2025-01-01&to=2026-02-01')).toEqual([400, 'application/problem+json', 'the window is at most 366 days']);
    expect(await problem('from=2026-01-01T10:00&to=2026-02-01')).toEqual([400, 'application/problem+json', expect.stringMatching(/^from must be YYYY-MM-DD or an RFC 3339 date-time/)]);
    expect(await problem(`${ok}&gtin=12345`)).toEqual([400, 'application/problem+json', 'gtin must be a GTIN with a valid check digit']);
    expect(await problem(`${ok}&partner=0614141000011`)).toEqual([400, 'application/problem+json', 'partner must be a GLN: 13 digits with a valid check digit']);
    expect(await problem(`${ok}&vanishAfterHours=0`)).toEqual([400, 'application/problem+json', 'vanishAfterHours must be a whole number from 1 to 8760']);
    expect(await problem(`${ok}&minTransitMinutes=1.5`)).toEqual([400, 'application/problem+json', 'minTransitMinutes must be a whole number from 1 to 10080']);
    expect(await problem(`${ok}&format=xml`)).toEqual([400, 'application/problem+json', 'format must be json or csv']);
    expect(await problem(`${ok}&partner=1&partner=2`)).toEqual([400, 'application/problem+json', 'give partner once']);
    expect(await problem(`${ok}&lot=A1`)).toEqual([400, 'application/problem+json', expect.stringMatching(/^unknown parameter lot;/)]);
    expect((await http('GET', `${stack.verify}/investigations/diversion?${ok}`, undefined, { authorization: '' })).status).toBe(401);
    expect((await http('GET', `${stack.verify}/investigations/diversion?${ok}`, undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});
