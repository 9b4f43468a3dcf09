import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generateKeyPair, signJson } from '@app/crypto';
import { gs1CheckDigit } from '@app/gs1';
import { attachSignature } from '@app/epcis';
import { eventually, http, startStack, Stack } from '../support/stack';
import { commissioningEvent, recallEvent } from '../support/events';
import { runCli } from '../support/cli';

const withCheck = (body: string) => body + gs1CheckDigit(body);
const MANUFACTURER_GLN = withCheck('061414100000');
const GTIN = withCheck('0061414112345'); // indicator 0, company prefix 0614141, item reference 12345
const GS = '\u001d';

const commissioning = commissioningEvent;

const dataMatrix = (serial: string, lot = 'LOT42', yymmdd = '280630') => `]d201${GTIN}21${serial}${GS}10${lot}${GS}17${yymmdd}`;

describe('the spine: a signed commissioning event from ingest through Kafka and the ledger to a scan at verify', () => {
  let stack: Stack;
  const key = generateKeyPair('EdDSA');
  const kid = `${MANUFACTURER_GLN}/2026-a`;
  const sign = (event: Record<string, unknown>, k = key.privateJwk, id = kid) => attachSignature(event, signJson(event, k, id));

  beforeAll(async () => {
    stack = await startStack('spine');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('reports every app healthy, with its database and Kafka connection', async () => {
    for (const [url, checks] of [
      [stack.ingest, ['database', 'kafka']],
      [stack.ledger, ['database', 'kafka']],
      [stack.verify, ['database']],
    ] as const) {
      const health = await eventually(async () => {
        const r = await http('GET', `${url}/health`);
        return r.status === 200 ? r.body : undefined;
      });
      expect(Object.keys(health.info).sort()).toEqual([...checks]);
    }
  });

  it('registers the manufacturer only with the admin token', async () => {
    const partner = {
      gln: MANUFACTURER_GLN,
      name: 'Acme Pharma Inc.',
      roles: ['manufacturer'],
      keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }],
      companyPrefixes: ['0614141'],
      licences: [{ kind: 'fda-registration', number: '3001234567', validFrom: '2026-01-01T00:00:00Z' }],
    };
    const denied = await http('POST', `${stack.ingest}/admin/partners`, partner);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const wrong = await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    const ok = await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` });
    expect(ok.status).toBe(200);
    expect(ok.body.keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
    expect(ok.body.companyPrefixes).toEqual([{ prefix: '0614141', delegates: [] }]);
    expect(ok.body.licences).toEqual([expect.objectContaining({ kind: 'fda-registration', number: '3001234567' })]);
    const stolen = await http('POST', `${stack.ingest}/admin/partners`, { ...partner, gln: withCheck('061414900000'), keys: [] }, { authorization: `Bearer ${stack.adminToken}` });
    expect(stolen.status).toBe(409);
  });

  it('rejects unsigned, unknown-key and tampered events with problem+json', async () => {
    const event = commissioning(['SER001']);
    const unsigned = await http('POST', `${stack.ingest}/events`, event);
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.type).toMatch(/signature-missing$/);

    const stranger = generateKeyPair('EdDSA');
    const unknown = await http('POST', `${stack.ingest}/events`, sign(event, stranger.privateJwk, `${MANUFACTURER_GLN}/not-registered`));
    expect(unknown.status).toBe(422);
    expect(unknown.body.type).toMatch(/unknown-key$/);

    const forged = await http('POST', `${stack.ingest}/events`, sign(event, stranger.privateJwk, kid));
    expect(forged.status).toBe(422);
    expect(forged.body.type).toMatch(/signature-invalid$/);

    const tampered = { ...sign(event), ilmd: { 'cbvmda:lotNumber': 'LOT99', 'cbvmda:itemExpirationDate': '2028-06-30' } };
    const changed = await http('POST', `${stack.ingest}/events`, tampered);
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const text = await http('POST', `${stack.ingest}/events`, JSON.stringify(sign(event)), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await http('POST', `${stack.ingest}/events`, '{"type": "ObjectEvent",', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
  });

  it('accepts the signed event only after Kafka acknowledged it, and the pharmacist scan comes back VERIFIED', async () => {
    const accepted = await http('POST', `${stack.ingest}/events`, sign(commissioning(['SER001', 'SER002'])));
    expect(accepted.status).toBe(201);
    expect(accepted.body.eventId).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(accepted.headers.get('location')).toBe(`/events/${encodeURIComponent(accepted.body.eventId)}`);

    const verdict = await eventually(async () => {
      const r = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER001') });
      return r.body?.verdict === 'VERIFIED' ? r.body : undefined;
    });
    expect(verdict.scan).toMatchObject({ gtin: GTIN, serial: 'SER001', lot: 'LOT42', expiry: '2028-06-30' });
    expect(verdict.custodyPath).toHaveLength(1);
    expect(verdict.custodyPath[0]).toMatchObject({
      eventId: accepted.body.eventId,
      kind: 'commissioned',
      bizStep: 'commissioning',
      signatureValid: true,
      inclusionVerified: true,
      signer: { gln: MANUFACTURER_GLN, kid, name: 'Acme Pharma Inc.' },
    });
    const block = await http('GET', `${stack.ledger}/blocks/${verdict.custodyPath[0].block.height}`);
    expect(block.body.blockHash).toBe(verdict.custodyPath[0].block.hash);

    // Only the accepted event ever reached Kafka: the rejections above left nothing behind.
    const admin = stack.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(stack.topics.events);
    await admin.disconnect();
    expect(offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)).toBe(1);
  });

  it('keeps one log entry when the same event is submitted again', async () => {
    const again = await http('POST', `${stack.ingest}/events`, sign(commissioning(['SER001', 'SER002'])));
    expect(again.status).toBe(409);
    const marker = await http('POST', `${stack.ingest}/events`, sign(commissioning(['SER003'])));
    expect(marker.status).toBe(201);
    await eventually(async () => ((await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER003') })).body.verdict === 'VERIFIED' ? true : undefined));
    const logged = await http('GET', `${stack.verify}/events?MATCH_anyEPC=${encodeURIComponent('urn:epc:idpat:sgtin:0614141.012345.*')}`);
    expect(logged.body.epcisBody.queryResults.resultsBody.eventList).toHaveLength(2);
    const scan = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER002') });
    expect(scan.body.custodyPath).toHaveLength(1);
  });

  it('answers NOT_FOUND for an unknown serial and SUSPECT for a label that contradicts the commissioning', async () => {
    const unknown = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('NOSUCH1') });
    expect(unknown.status).toBe(200);
    expect(unknown.body.verdict).toBe('NOT_FOUND');
    expect(unknown.body.reasons[0].code).toBe('NEVER_COMMISSIONED');

    const lot = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER001', 'LOT43') });
    expect(lot.body.verdict).toBe('SUSPECT');
    expect(lot.body.reasons.map((r: { code: string }) => r.code)).toEqual(['LOT_MISMATCH']);

    const expiry = await http('GET', `${stack.verify}/scan?code=${encodeURIComponent(dataMatrix('SER001', 'LOT42', '290630'))}`);
    expect(expiry.body.verdict).toBe('SUSPECT');
    expect(expiry.body.reasons.map((r: { code: string }) => r.code)).toEqual(['EXPIRY_MISMATCH']);

    const digitalLink = await http('GET', `${stack.verify}/scan?code=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/SER002?17=280630&10=LOT42`)}`);
    expect(digitalLink.body.verdict).toBe('VERIFIED');
  });

  it('rejects a scan with a wrong check digit as problem+json', async () => {
    const badGtin = GTIN.slice(0, 13) + ((Number(GTIN[13]) + 1) % 10);
    const r = await http('POST', `${stack.verify}/scan`, { code: `]d201${badGtin}21SER001` });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('records every scan in the access log', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query(`SELECT subject, outcome FROM verify.access_log WHERE action = 'scan' ORDER BY id`);
    await db.end();
    expect(rows.map((r) => r.outcome)).toEqual(expect.arrayContaining(['VERIFIED', 'NOT_FOUND', 'SUSPECT']));
    expect(rows.every((r) => r.subject.startsWith(`https://id.gs1.org/01/${GTIN}/21/`))).toBe(true);
  });

  it('lets a user do it all by hand with the CLI: keygen, partner register, submit, verify', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dscsa-cli-'));
    const gln = withCheck('061414200000');
    const key = join(dir, 'key.json');
    await runCli('keygen', '--gln', gln, '--label', 'cli', '--out', key);
    await runCli(
      ...['partner', 'register', '--gln', gln, '--name', 'CLI Labs', '--role', 'manufacturer', '--prefix', '0614142', '--key', key],
      ...['--valid-from', '2026-01-01T00:00:00Z', '--ingest', stack.ingest, '--admin-token', stack.adminToken],
    );
    const event = { ...commissioning(['CLI001']), epcList: ['urn:epc:id:sgtin:0614142.012345.CLI001'] };
    await writeFile(join(dir, 'event.json'), JSON.stringify(event));
    await expect(runCli('submit', join(dir, 'event.json'), '--key', key, '--ingest', stack.ingest)).rejects.toThrow(/--token/);
    const token = JSON.parse(await runCli('partner', 'credential', '--gln', gln, '--ingest', stack.ingest, '--admin-token', stack.adminToken)).token as string;
    const accepted = JSON.parse(await runCli('submit', join(dir, 'event.json'), '--key', key, '--ingest', stack.ingest, '--token', token));
    expect(accepted.signer).toEqual({ gln, kid: `${gln}/cli` });
    const code = `]d201${withCheck('0061414212345')}21CLI001${GS}10LOT42${GS}17280630`;
    await expect(runCli('verify', code, '--verify', stack.verify)).rejects.toThrow(/--token/);
    await eventually(async () => (JSON.parse(await runCli('verify', code, '--verify', stack.verify, '--token', token)).verdict === 'VERIFIED' ? true : undefined));
    await expect(runCli('submit', join(dir, 'event.json'), '--ingest', stack.ingest, '--token', token)).rejects.toThrow(/400 .*signature/);
    // CLI Labs owns 0614142, not Acme's 0614141: it may not commission Acme's GTINs
    await writeFile(join(dir, 'foreign.json'), JSON.stringify(commissioning(['CLI999'])));
    await expect(runCli('submit', join(dir, 'foreign.json'), '--key', key, '--ingest', stack.ingest, '--token', token)).rejects.toThrow(/403 .*0614141/);
  });


  it('dead-letters a message on the events topic that is not a captured event, records why, and keeps logging', async () => {
    const producer = stack.kafka.producer();
    await producer.connect();
    await producer.send({ topic: stack.topics.events, messages: [{ key: 'junk', value: '{"v":1,"eventId":"x"}' }, { key: 'junk', value: Buffer.from([0xff, 0xfe]) }] });
    await producer.disconnect();
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const rows = await eventually(async () => {
      const r = await db.query('SELECT reason, message FROM ledger.dead_letter ORDER BY id');
      return r.rows.length === 2 ? r.rows : undefined;
    });
    await db.end();
    expect(rows[0]).toMatchObject({ reason: expect.stringMatching(/not a v1 captured event/), message: '{"v":1,"eventId":"x"}' });
    expect(rows[1].message).toBeNull();
    const admin = stack.kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(stack.topics.deadLetter);
    await admin.disconnect();
    expect(dlq.reduce((n, p) => n + Number(p.high), 0)).toBe(2);

    const after = await http('POST', `${stack.ingest}/events`, sign(commissioning(['SER900'])));
    expect(after.status).toBe(201);
    await eventually(async () => ((await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER900') })).body.verdict === 'VERIFIED' ? true : undefined));
  });

  it('finds a log row changed after it was scanned, and trusts it again once restored', async () => {
    const codesOf = async () => ((await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER900') })).body.reasons as { code: string }[]).map((r) => r.code);
    const integrity = (codes: string[]) => codes.filter((c) => c === 'BAD_SIGNATURE' || c === 'NOT_IN_LOG');
    const before = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER900') });
    expect(integrity(before.body.reasons.map((r: { code: string }) => r.code))).toEqual([]);
    const eventId = before.body.custodyPath[0].eventId;
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE ledger.event_record SET event = jsonb_set(event, '{eventTimeZoneOffset}', '"+09:00"') WHERE event_id = $1`, [eventId]);
      expect(integrity(await codesOf())).toEqual(['BAD_SIGNATURE', 'NOT_IN_LOG']);
    } finally {
      await db.query(`UPDATE ledger.event_record SET event = jsonb_set(event, '{eventTimeZoneOffset}', '"-05:00"') WHERE event_id = $1`, [eventId]);
      await db.end();
    }
    expect(integrity(await codesOf())).toEqual([]);
  });

  it('lets the manufacturer recall a lot, after which its packages scan as RECALLED', async () => {
    const recall = recallEvent(['urn:epc:class:lgtin:0614141.012345.LOT42']);
    expect((await http('POST', `${stack.ingest}/events`, sign(recall))).status).toBe(201);
    const scan = await eventually(async () => {
      const r = await http('POST', `${stack.verify}/scan`, { code: dataMatrix('SER001') });
      return r.body.reasons.some((x: { code: string }) => x.code === 'RECALLED') ? r.body : undefined;
    });
    expect(scan.verdict).toBe('SUSPECT');
    expect(scan.reasons.find((x: { code: string }) => x.code === 'RECALLED').message).toMatch(/recall/i);
  });
});
