import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { Summary } from '@app/simulator';
import { simulate, type SimulateOptions } from '../../apps/cli/src/commands/simulate';
import { eventually, http, startStack, Stack } from '../support/stack';

/** Runs the command in-process and returns the summary it wrote with --summary. */
async function run(opts: Omit<SimulateOptions, 'summary'>): Promise<Summary> {
  const summary = join(await mkdtemp(join(tmpdir(), 'dscsa-sim-')), 'summary.json');
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await simulate({ ...opts, summary });
  } finally {
    stdout.mockRestore();
  }
  return JSON.parse(await readFile(summary, 'utf8')) as Summary;
}

const codes = (scan: { body: { reasons: { code: string }[] } }) => scan.body.reasons.map((r) => r.code);

describe('a simulated supply chain captured by the real stack and scanned at verify', () => {
  let stack: Stack;
  let summary: Summary;

  beforeAll(async () => {
    stack = await startStack('simulator');
    summary = await run({ seed: '11', units: '40', anomalies: true, ingest: stack.ingest, adminToken: stack.adminToken });
    // Scans check inclusion proofs against the latest checkpoint: wait until it covers every event.
    await eventually(async () => ((await http('GET', `${stack.ledger}/blocks/latest`)).body?.treeSize >= summary.counts.events ? true : undefined), 60_000);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('logged every event of the chain once: 2 manufacturers, 40 units, two packages of each anomaly', async () => {
    expect(summary.counts).toMatchObject({ partners: 8, units: 40, anomalies: { counterfeit: 2, clone: 2, diversion: 2, custodyGap: 2, expired: 2, recalled: 2 } });
    expect((await http('GET', `${stack.ledger}/blocks/latest`)).body.treeSize).toBe(summary.counts.events);
  });

  it('gives every injected anomaly the reason codes the summary expects', async () => {
    for (const a of summary.anomalies) {
      const scan = await http('POST', `${stack.verify}/scan`, { code: a.scanCode });
      expect({ kind: a.kind, status: scan.status, codes: codes(scan) }).toEqual({ kind: a.kind, status: 200, codes: expect.arrayContaining(a.expectedReasonCodes) });
      expect(scan.body.verdict).not.toBe('VERIFIED');
    }
  });

  it('verifies ordinary packages on the shelf, and flags a dispensed one only as dispensed', async () => {
    expect(summary.samples.length).toBeGreaterThan(0);
    for (const s of summary.samples) {
      const scan = await http('POST', `${stack.verify}/scan`, { code: s.scanCode });
      expect({ fate: s.fate, verdict: scan.body.verdict, codes: codes(scan) }).toEqual({
        fate: s.fate,
        verdict: s.expectedReasonCodes.length ? 'SUSPECT' : 'VERIFIED',
        codes: s.expectedReasonCodes,
      });
    }
  });

  it('reports every unit of a recalled lot with its holder, for the GTIN owner and regulators only', async () => {
    const recalled = summary.anomalies.find((a) => a.kind === 'recalled')!;
    const admin = { authorization: `Bearer ${stack.adminToken}` };
    const partners = (await http('GET', `${stack.ingest}/partners`)).body as { gln: string; companyPrefixes: { prefix: string }[] }[];
    const owner = partners.find((p) => p.companyPrefixes.some((c) => recalled.gtin.slice(1).startsWith(c.prefix)))!;
    const other = partners.find((p) => p.gln !== owner.gln)!;
    const REGULATOR = '0614141000012';
    await http('POST', `${stack.ingest}/admin/partners`, { gln: REGULATOR, name: 'FDA', roles: ['regulator'], keys: [] }, admin);
    const token = async (gln: string) => (await http('POST', `${stack.ingest}/admin/partners/${gln}/credentials`, { label: 'recall' }, admin)).body.token as string;
    const url = `${stack.verify}/recalls/report?gtin=${recalled.gtin}&lot=${encodeURIComponent(recalled.lot!)}`;

    expect((await http('GET', url, undefined, { authorization: '' })).status).toBe(401);
    expect((await http('GET', url, undefined, { authorization: `Bearer ${await token(other.gln)}` })).status).toBe(403);
    const report = await http('GET', url, undefined, { authorization: `Bearer ${await token(owner.gln)}` });
    expect(report.status).toBe(200);
    expect(report.body.units.length).toBeGreaterThan(0);
    expect(report.body.units.map((u: { serial: string }) => u.serial)).toContain(recalled.serial);
    for (const u of report.body.units) expect(u.reasons).toContain('RECALLED');
    const held = report.body.byHolder.reduce((n: number, h: { quantity: number }) => n + h.quantity, 0);
    expect(held + report.body.dispensed).toBe(report.body.units.length);

    const csv = await fetch(`${url}&format=csv`, { headers: { authorization: `Bearer ${await token(REGULATOR)}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('gtin,lot,serial,sgtin,holder_gln,holder_name,dispensed,reasons');
    expect(lines).toHaveLength(report.body.units.length + 1);
  });

  it('reports every lot as per-package scans judge each unit: holder, dispensed and reasons, in JSON, NDJSON and CSV alike', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const lots = (
      await db.query(`SELECT gtin, lot, count(*)::int AS n FROM ledger.item_state WHERE lot IS NOT NULL GROUP BY gtin, lot ORDER BY gtin, lot`)
    ).rows as { gtin: string; lot: string; n: number }[];
    // Each unit scanned with the label its commissioning gave it, as the report assesses it.
    const labels = new Map(
      ((await db.query(`SELECT epc, gtin, serial, lot, to_char(expiry, 'YYMMDD') AS expiry FROM ledger.item_state`)).rows as Record<string, string | null>[]).map((r) => [
        r.epc,
        `01${r.gtin}21${r.serial}\u001d10${r.lot}${r.expiry ? `\u001d17${r.expiry}` : ''}`,
      ]),
    );
    await db.end();
    expect(lots.length).toBeGreaterThan(1);
    let anomalous = 0;
    for (const { gtin, lot, n } of lots) {
      const url = `${stack.verify}/recalls/report?gtin=${gtin}&lot=${encodeURIComponent(lot)}`;
      const report = await http('GET', url);
      expect(report.status).toBe(200);
      expect(report.body.units).toHaveLength(n);
      for (const u of report.body.units as { sgtin: string; lot: string; holder: string | null; holderName: string | null; dispensed: boolean; reasons: string[] }[]) {
        const scan = (await http('POST', `${stack.verify}/scan`, { code: labels.get(u.sgtin) })).body;
        const holder = scan.currentHolder ?? null;
        expect({ sgtin: u.sgtin, holder: u.holder, holderName: u.holderName, dispensed: u.dispensed, reasons: u.reasons }).toEqual({
          sgtin: u.sgtin,
          holder,
          holderName: scan.custodyPath.find((s: { signer: { gln: string } }) => s.signer.gln === holder)?.signer.name ?? null,
          dispensed: scan.reasons.some((r: { code: string }) => r.code === 'ALREADY_DISPENSED') || scan.custodyPath.at(-1)?.kind === 'dispensed',
          reasons: scan.reasons.map((r: { code: string }) => r.code),
        });
        if (u.reasons.length) anomalous++;
      }
      const ndjson = (await (await fetch(`${url}&format=ndjson`, { headers: { authorization: `Bearer ${stack.regulator.token}` } })).text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(ndjson).toEqual([...report.body.units, { gtin, lots: [lot], units: n, byHolder: report.body.byHolder, dispensed: report.body.dispensed }]);
      const csv = (await (await fetch(`${url}&format=csv`, { headers: { authorization: `Bearer ${stack.regulator.token}` } })).text()).trim().split('\r\n');
      expect(csv.slice(1).map((l) => l.split(',')[3])).toEqual(report.body.units.map((u: { sgtin: string }) => u.sgtin));
    }
    expect(anomalous).toBeGreaterThan(0);
  });
});

describe('dscsa simulate, without the stack', () => {
  it('writes each signed document with --dry-run --out, and the same seed gives the same summary', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'dscsa-sim-')), 'docs');
    const summary = await run({ seed: '5', units: '60', dryRun: true, out, ingest: 'http://unused' });
    const files = await readdir(out);
    expect(files.filter((f) => f.endsWith('.jsonld'))).toHaveLength(summary.counts.documents);
    expect(files.filter((f) => f.endsWith('.sig'))).toHaveLength(summary.counts.documents);
    expect(await run({ seed: '5', units: '60', dryRun: true, ingest: 'http://unused' })).toEqual(summary);
  });

  it('retries a 503 and stops with one line on a failed capture job', async () => {
    const answers = [503, 202, 202];
    const server: Server = createServer((req, res) => {
      req.resume();
      // registration, then a credential for each partner
      if (req.url?.startsWith('/admin/partners')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"dscsa_test"}');
      const status = answers.shift() ?? 202;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 503 && { 'retry-after': '1' }) });
      res.end(JSON.stringify(status === 503 ? { title: 'log unavailable' } : { captureID: 'c1', success: answers.length > 0, errors: [{ eventIndex: 3, rule: 'duplicate', message: 'already captured' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ingest = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(run({ seed: '5', units: '8', ingest, adminToken: 't', concurrency: '1' })).rejects.toThrow(/^capture c1 of a document of \d+ events signed by .* failed with 1 errors, first at event 3: duplicate: already captured$/);
      expect(answers).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('refuses bad usage with exit code 2 and a missing admin token with one line', async () => {
    await expect(run({ units: 'many', dryRun: true, ingest: '' })).rejects.toMatchObject({ exitCode: 2, message: '--units must be a positive integer' });
    await expect(run({ units: '10', ingest: 'http://unused' })).rejects.toThrow(/--admin-token/);
  });


});
