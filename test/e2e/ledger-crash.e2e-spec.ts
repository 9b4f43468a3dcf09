import { Client } from 'pg';
import { generateKeyPair, signDetached } from '@app/crypto';
import { batchOf, eventHashId } from '@app/epcis';
import { eventually, http, startStack, Stack, auditSnapshot } from '../support/stack';
import { AppProcess } from '../support/processes';

const GLN = '0614141000005';
const CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'];

function commissioningDocument(run: number, size: number) {
  const events = Array.from({ length: size }, (_, i) => ({
    type: 'ObjectEvent',
    eventTime: new Date(Date.UTC(2026, 10, 4, 8, 0, run, i)).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.012345.K${run}-${i}`],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
  }));
  return { '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-04T08:00:00Z', epcisBody: { eventList: events } };
}

describe('the ledger survives kill -9 mid-block, and two ledgers never both append', () => {
  let stack: Stack;
  let db: Client;
  const key = generateKeyPair('EdDSA');
  const kid = `${GLN}/crash`;
  // Small blocks: many transactions in flight, so a kill lands inside one.
  const ledgers = [0, 1].map(() => new AppProcess('ledger', { LEDGER_BLOCK_MAX_EVENTS: '7', LEDGER_PORT: '0', LEDGER_SESSION_TIMEOUT_MS: '6000' }));

  beforeAll(async () => {
    stack = await startStack('crash', { ledger: false });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const partner = { gln: GLN, name: 'Acme', roles: ['manufacturer'], keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] };
    await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` });
  });
  afterAll(async () => {
    for (const l of ledgers) await l.stop();
    await db?.end();
    await stack?.stop();
  });

  // The ledgers create the table as they start, so "not there yet" reads as "nobody holds it".
  const holder = async () =>
    ((await db.query('SELECT holder, epoch FROM ledger.writer_lease').catch(() => ({ rows: [] }))).rows[0] ?? {}) as { holder?: string; epoch?: string };
  const treeSize = async () => Number((await db.query('SELECT coalesce(max(tree_size), 0) AS n FROM ledger.block')).rows[0].n);

  it('keeps every acknowledged event exactly once through repeated kill -9 of the appending ledger', async () => {
    ledgers.forEach((l) => l.start());
    const first = await eventually(async () => (await holder()).holder?.split(':')[1], 30000);
    expect(ledgers.map((l) => String(l.pid))).toContain(first);

    const acknowledged: string[] = [];
    const submit = async (run: number) => {
      const doc = commissioningDocument(run, 25);
      const ids = doc.epcisBody.eventList.map((e) => eventHashId(e, { context: CONTEXT }));
      const jws = signDetached((await batchOf(ids)).payload, key.privateJwk, { kid });
      const res = await http('POST', `${stack.ingest}/capture`, doc, { 'DSCSA-Signature': jws });
      if (res.status === 202 && res.body.success) acknowledged.push(...ids);
      else throw new Error(`capture ${run} failed: ${res.status} ${JSON.stringify(res.body)}`);
    };

    let kills = 0;
    const epochs = new Set<string>();
    for (let run = 0; run < 24; run++) {
      await submit(run);
      if (run % 4 === 3) {
        // kill whichever process holds the lease right now, mid-stream, then bring it back
        const victim = await eventually(async () => {
          const { holder: h, epoch } = await holder();
          epochs.add(String(epoch));
          return ledgers.find((l) => String(l.pid) === h?.split(':')[1]);
        }, 30000);
        await victim.kill9();
        kills++;
        victim.start();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(5);

    await eventually(async () => ((await treeSize()) >= acknowledged.length ? true : undefined), 90000);
    const { rows } = await db.query('SELECT event_id FROM ledger.event_record ORDER BY seq');
    const logged = rows.map((r) => r.event_id as string);
    expect(logged).toHaveLength(acknowledged.length);
    expect(new Set(logged)).toEqual(new Set(acknowledged));
    // several leaders took turns, each with a new fencing epoch
    epochs.add(String((await holder()).epoch));
    expect(epochs.size).toBeGreaterThanOrEqual(3);

    const report = await auditSnapshot(db, stack.ledgerVkey);
    expect(report).toMatchObject({ ok: true, counts: { records: acknowledged.length, signatures: acknowledged.length } });
    expect(report.counts.checkpoints).toBe(report.counts.blocks);
  });

  it('lets only the lease holder append while the other waits', async () => {
    const before = await holder();
    const standby = ledgers.find((l) => String(l.pid) !== before.holder?.split(':')[1])!;
    expect(standby.logs()).toMatch(/another ledger process holds the writer lease; waiting/);
    const appendedBy = (await db.query(`SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name = 'dscsa-ledger-lease'`)).rows;
    expect(appendedBy.length).toBeGreaterThanOrEqual(1);
  });
});
