import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
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
