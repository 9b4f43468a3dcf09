import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { hashLeaf, verifyConsistency, verifyInclusion } from '@app/merkle';
import { auditLog } from '@app/ledger-store';
import {
  COSIGNATURE_V1,
  cosign,
  ED25519,
  formatSignatureLine,
  formatVkey,
  generateSignerKey,
  noteVerifier,
  openCheckpoint,
  parseVkey,
  signerKey,
} from '@app/checkpoint';
import { Client } from 'pg';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, http, startStack, Stack } from '../support/stack';
import { runCli } from '../support/cli';

const GLN = '0614141000005';
const withCheck = (body: string) => body + gs1CheckDigit(body);
const fromB64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('the ledger proves what it holds', () => {
  let stack: Stack;
  const key = generateKeyPair('EdDSA');
  const kid = `${GLN}/proofs`;
  const ids: string[] = [];

  async function commission(i: number): Promise<void> {
    const e = {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }],
      type: 'ObjectEvent',
      eventTime: `2026-11-03T09:0${i}:00Z`,
      eventTimeZoneOffset: '+00:00',
      epcList: [`urn:epc:id:sgtin:0614141.012345.P${i}`],
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
    };
    const res = await http('POST', `${stack.ingest}/events`, attachSignature(e, signJson(e, key.privateJwk, kid)));
    expect(res.status).toBe(201);
    ids.push(res.body.eventId);
    await eventually(async () => ((await http('GET', `${stack.ledger}/blocks/latest`)).body?.treeSize === i + 1 ? true : undefined));
  }

  beforeAll(async () => {
    expect(gs1CheckDigit(GLN.slice(0, 12))).toBe(Number(GLN[12]));
    stack = await startStack('proofs');
    const partner = { gln: GLN, name: 'Acme', roles: ['manufacturer'], keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] };
    await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` });
    // one request at a time, each waited into the log, so that the log has several blocks
    for (let i = 0; i < 5; i++) await commission(i);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives every event an inclusion proof that verifies offline against a block root', async () => {
    const head = (await http('GET', `${stack.ledger}/blocks/latest`)).body;
    for (const eventId of ids) {
      const p = (await http('GET', `${stack.ledger}/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=${head.treeSize}`)).body;
      const leafData = fromB64(p.leafData);
      expect(JSON.parse(Buffer.from(leafData).toString('utf8')).eventId).toBe(eventId);
      const leafHash = hashLeaf(leafData);
      expect(Buffer.from(leafHash).toString('base64')).toBe(p.leafHash);
      expect(verifyInclusion(leafHash, p.leafIndex, p.treeSize, p.proof.map(fromB64), fromHex(head.rootHash))).toBe(true);
      expect(verifyInclusion(leafHash, p.leafIndex, p.treeSize, p.proof.map(fromB64), fromHex(head.prevHash))).toBe(false);
    }
  });

  it('proves every block consistent with every later one', async () => {
    const head = (await http('GET', `${stack.ledger}/blocks/latest`)).body;
    const blocks = await Promise.all(Array.from({ length: head.height + 1 }, async (_, h) => (await http('GET', `${stack.ledger}/blocks/${h}`)).body));
    for (const a of blocks)
      for (const b of blocks.filter((x) => x.treeSize >= a.treeSize)) {
        const p = (await http('GET', `${stack.ledger}/proofs/consistency?first=${a.treeSize}&second=${b.treeSize}`)).body;
        expect(verifyConsistency(a.treeSize, b.treeSize, p.proof.map(fromB64), fromHex(a.rootHash), fromHex(b.rootHash))).toBe(true);
      }
  });

  it('signs a checkpoint the inclusion proofs verify against with only the ledger public key', async () => {
    const log = (await http('GET', `${stack.ledger}/log`)).body;
    expect(log).toEqual({ origin: stack.origin, vkey: stack.ledgerVkey });
    const note = await (await fetch(`${stack.ledger}/checkpoint`)).text();
    const { checkpoint } = openCheckpoint(note, stack.origin, noteVerifier(parseVkey(stack.ledgerVkey)));
    expect(checkpoint.size).toBe(5);
    for (const eventId of ids) {
      const p = (await http('GET', `${stack.ledger}/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=${checkpoint.size}`)).body;
      expect(verifyInclusion(hashLeaf(fromB64(p.leafData)), p.leafIndex, checkpoint.size, p.proof.map(fromB64), checkpoint.rootHash)).toBe(true);
    }
    const forged = note.replace(/\n5\n/, '\n6\n');
    expect(() => openCheckpoint(forged, stack.origin, noteVerifier(parseVkey(stack.ledgerVkey)))).toThrow();
  });

  it('stores and serves the cosignature of a registered witness, and refuses a forged one', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const witnessKid = `${GLN}/witness`;
    const { ed25519 } = await import('@noble/curves/ed25519');
    const x = Buffer.from(ed25519.getPublicKey(seed)).toString('base64url');
    const partner = { gln: GLN, name: 'Acme', roles: ['manufacturer'], keys: [{ kid: witnessKid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x }, validFrom: '2026-01-01T00:00:00Z' }] };
    expect((await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` })).status).toBe(200);
    const note = await (await fetch(`${stack.ledger}/checkpoints/5`)).text();
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const line = formatSignatureLine(cosign(body, signerKey(COSIGNATURE_V1, witnessKid, seed), Math.floor(Date.now() / 1000)));
    const stored = await http('POST', `${stack.ledger}/checkpoints/5/cosignatures`, { cosignature: line });
    expect(stored.status).toBe(201);
    expect(await (await fetch(`${stack.ledger}/checkpoints/5`)).text()).toBe(note + line);
    const other = formatSignatureLine(cosign(body.replace('\n5\n', '\n4\n'), signerKey(COSIGNATURE_V1, witnessKid, seed), 1));
    expect((await http('POST', `${stack.ledger}/checkpoints/5/cosignatures`, { cosignature: other })).status).toBe(422);
    expect((await http('POST', `${stack.ledger}/checkpoints/5/cosignatures`, { cosignature: line.replace(witnessKid, `${GLN}/nobody`) })).status).toBe(422);
  });

  describe('from the command line', () => {
    const run = runCli;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dscsa-proof-'));
    });

    it('fetches a proof and verifies it offline with only the ledger key (and the signer key for the signature)', async () => {
      const bundle = join(dir, 'bundle.json');
      await run('proof', ids[2], '--ledger', stack.ledger, '--out', bundle);
      await writeFile(join(dir, 'signer.json'), JSON.stringify(key.publicJwk));
      const checked = JSON.parse(await run('check-proof', bundle, '--ledger-key', stack.ledgerVkey, '--signer-jwk', join(dir, 'signer.json')));
      expect(checked).toMatchObject({ included: true, eventId: ids[2], leafIndex: 2, signature: `valid (${kid})` });

      const b = JSON.parse(await readFile(bundle, 'utf8'));
      const record = JSON.parse(Buffer.from(b.inclusion.leafData, 'base64').toString());
      record.event.epcList = ['urn:epc:id:sgtin:0614141.012345.FORGED'];
      await writeFile(join(dir, 'forged.json'), JSON.stringify({ ...b, inclusion: { ...b.inclusion, leafData: Buffer.from(JSON.stringify(record)).toString('base64') } }));
      await expect(run('check-proof', join(dir, 'forged.json'), '--ledger-key', stack.ledgerVkey)).rejects.toThrow(/NOT in the log/);
      const otherLedger = formatVkey(generateSignerKey(ED25519, stack.origin)); // same origin, another key
      await expect(run('check-proof', bundle, '--ledger-key', otherLedger)).rejects.toThrow(/checkpoint does not verify/);
    });

    it('witnesses: cosigns checkpoints that extend the last one seen, refuses a fork', async () => {
      await run('keygen', '--gln', GLN, '--label', 'cli-witness', '--out', join(dir, 'witness.json'));
      const w = JSON.parse(await readFile(join(dir, 'witness.json'), 'utf8'));
      const partner = { gln: GLN, name: 'Acme', roles: ['manufacturer'], keys: [{ kid: w.kid, publicJwk: w.publicJwk, validFrom: '2026-01-01T00:00:00Z' }] };
      await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` });
      const state = join(dir, 'witness-state.json');
      const args = ['witness', '--key', join(dir, 'witness.json'), '--ledger', stack.ledger, '--ledger-key', stack.ledgerVkey, '--state', state];
      expect(JSON.parse(await run(...args))).toMatchObject({ cosigned: true, treeSize: 5 });
      expect(await (await fetch(`${stack.ledger}/checkpoint`)).text()).toContain(`— ${w.kid} `);
      expect(JSON.parse(await run(...args))).toMatchObject({ cosigned: true, treeSize: 5 });
      await commission(5); // the log grows: the witness checks a consistency proof from 5 to 6
      expect(JSON.parse(await run(...args))).toMatchObject({ cosigned: true, treeSize: 6 });

      const seen = JSON.parse(await readFile(state, 'utf8'));
      await writeFile(state, JSON.stringify({ ...seen, rootHash: Buffer.alloc(32, 7).toString('base64') }));
      await expect(run(...args)).rejects.toThrow(/refusing to cosign: ROOT_MISMATCH/);
      await writeFile(state, JSON.stringify({ ...seen, size: 99 }));
      await expect(run(...args)).rejects.toThrow(/refusing to cosign: SIZE_DECREASED/);
    });
  });

  it('chains every block to its predecessor', async () => {
    const head = (await http('GET', `${stack.ledger}/blocks/latest`)).body;
    let previous = '0'.repeat(64);
    for (let h = 0; h <= head.height; h++) {
      const block = (await http('GET', `${stack.ledger}/blocks/${h}`)).body;
      expect(block.prevHash).toBe(previous);
      previous = block.blockHash;
    }
  });

  it('refuses proofs it cannot give', async () => {
    expect((await http('GET', `${stack.ledger}/proofs/inclusion?eventId=${encodeURIComponent(ids[4])}&treeSize=2`)).status).toBe(400);
    expect((await http('GET', `${stack.ledger}/proofs/inclusion?eventId=nope`)).status).toBe(404);
    expect((await http('GET', `${stack.ledger}/proofs/consistency?first=3&second=999`)).status).toBe(400);
    expect((await http('GET', `${stack.ledger}/proofs/consistency?first=x&second=2`)).status).toBe(400);
  });

  describe('audit', () => {
    let db: Client;
    const audit = () => auditLog(async (sql, params) => (await db.query(sql, params)).rows, { ledgerVkey: stack.ledgerVkey });

    beforeAll(async () => {
      db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      // two reads at verify: two access entries join the log as leaves 6 and 7
      for (const serial of ['P0', 'P1']) await http('GET', `${stack.verify}/scan?code=${encodeURIComponent(`01${withCheck('0061414112345')}21${serial}`)}`);
      await eventually(async () => ((await db.query('SELECT count(*)::int AS n FROM ledger.access_record')).rows[0].n === 2 ? true : undefined));
    });
    afterAll(async () => {
      await db?.end();
    });

    it('gives an untouched log a clean bill with counts', async () => {
      const report = await audit();
      expect(report.ok).toBe(true);
      expect(report.counts).toMatchObject({ records: ids.length, accessRecords: 2, items: ids.length, recalls: 0, signatures: ids.length, epcLinks: ids.length, checkpoints: report.counts.blocks });
      expect(report.counts.partyLinks).toBe(ids.length); // each commissioning names its signer only
      expect(report.counts.blocks).toBeGreaterThanOrEqual(2);
      expect(report.counts.treeNodes).toBe(7); // 8 leaves: 4 + 2 + 1 perfect subtrees above them
    });

    // Each tampering runs in a transaction the audit reads through, then is rolled back.
    // session_replication_role=replica switches off foreign keys, as a hostile superuser could.
    const tamperings: [string, string][] = [
      ['event_record: event changed', `UPDATE ledger.event_record SET event = jsonb_set(event, '{eventTime}', '"2026-11-03T09:09:00Z"') WHERE seq = $1`],
      ['event_record: record time moved', `UPDATE ledger.event_record SET record_time = record_time + interval '1 second' WHERE seq = $1`],
      ['event_record: signer changed', `UPDATE ledger.event_record SET signer_gln = '0614142000001' WHERE seq = $1`],
      ['event_record: query column changed (business step)', `UPDATE ledger.event_record SET biz_step = 'shipping' WHERE seq = $1`],
      ['event_record: query column changed (event time)', `UPDATE ledger.event_record SET event_time = event_time + interval '1 microsecond' WHERE seq = $1`],
      ['event_record: Kafka offset changed', `UPDATE ledger.event_record SET kafka_offset = kafka_offset + 7 WHERE seq = $1`],
      ['event_record: leaf hash replaced', `UPDATE ledger.event_record SET leaf_hash = sha256(leaf_hash) WHERE seq = $1`],
      ['event_record: record deleted', `DELETE FROM ledger.event_record WHERE seq = $1`],
      ['event_record: record inserted', `INSERT INTO ledger.event_record SELECT (SELECT max(seq) + 1 FROM ledger.event_record), 'ni:///forged', event, event_type, event_time, biz_step, signer_gln, kid, record_time, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height, disposition, biz_location, read_point, batch_signature, context FROM ledger.event_record WHERE seq = $1`],
      ['block: block root replaced', `UPDATE ledger.block SET root_hash = sha256(root_hash) WHERE height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['block: block time moved', `UPDATE ledger.block SET created_at = created_at + interval '1 ms' WHERE height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['block: block chain link replaced', `UPDATE ledger.block SET prev_hash = sha256(prev_hash) WHERE height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['block: block deleted', `DELETE FROM ledger.block WHERE height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['block: block inserted', `INSERT INTO ledger.block SELECT height + 100, first_seq, leaf_count, tree_size, root_hash, prev_hash, sha256(block_hash), frontier, created_at FROM ledger.block WHERE height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['tree_node: Merkle node replaced', `UPDATE ledger.tree_node SET hash = sha256(hash) WHERE (level, idx) = (SELECT level, idx FROM ledger.tree_node ORDER BY level, idx OFFSET $1 % 4 LIMIT 1)`],
      ['tree_node: Merkle node deleted', `DELETE FROM ledger.tree_node WHERE (level, idx) = (SELECT level, idx FROM ledger.tree_node ORDER BY level, idx OFFSET $1 % 4 LIMIT 1)`],
      ['tree_node: Merkle node inserted', `INSERT INTO ledger.tree_node VALUES (9, $1, sha256('x'))`],
      ['epc_event: EPC index entry changed', `UPDATE ledger.epc_event SET epc = epc || '0' WHERE seq = $1`],
      ['epc_event: EPC index entries deleted', `DELETE FROM ledger.epc_event WHERE seq = $1`],
      ['checkpoint: root replaced', `UPDATE ledger.checkpoint SET root_hash = sha256(root_hash) WHERE block_height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['checkpoint: note re-signed by someone else', `UPDATE ledger.checkpoint SET note = replace(note, '—', '— x') WHERE block_height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['checkpoint: deleted', `DELETE FROM ledger.checkpoint WHERE block_height = (SELECT block_height FROM ledger.event_record WHERE seq = $1)`],
      ['checkpoint: inserted', `INSERT INTO ledger.checkpoint SELECT tree_size + 1000 + $1, block_height + 1000, root_hash, note, created_at FROM ledger.checkpoint LIMIT 1`],
      ['epc_event: EPC index entry inserted', `INSERT INTO ledger.epc_event SELECT epc, seq, 'parent' FROM ledger.epc_event WHERE seq = $1`],
      ['event_party: party index entry changed', `UPDATE ledger.event_party SET gln = '0614142000001' WHERE seq = $1`],
      ['event_party: party index entries deleted', `DELETE FROM ledger.event_party WHERE seq = $1`],
      ['event_party: party index entry inserted', `INSERT INTO ledger.event_party VALUES ('0614142000001', $1)`],
      ['item_state: lot changed', `UPDATE ledger.item_state SET lot = 'L-FORGED' WHERE commissioned_seq = $1`],
      ['item_state: commission count changed (a clone hidden)', `UPDATE ledger.item_state SET commission_count = commission_count + 1 WHERE commissioned_seq = $1`],
      ['item_state: first commissioning moved', `UPDATE ledger.item_state SET commissioned_seq = commissioned_seq + 1 WHERE commissioned_seq = $1`],
      ['item_state: last commissioning moved (an item waits for one the log lacks)', `UPDATE ledger.item_state SET last_seq = last_seq + 1 WHERE commissioned_seq = $1`],
      ['item_state: item deleted (hidden from recall reports)', `DELETE FROM ledger.item_state WHERE commissioned_seq = $1`],
      ['item_state: item inserted', `INSERT INTO ledger.item_state SELECT epc || 'X', gtin, serial || 'X', lot, expiry, commissioned_seq, commission_count, last_seq FROM ledger.item_state WHERE commissioned_seq = $1`],
      ['recall: recalled lot inserted', `INSERT INTO ledger.recall VALUES ('00614141123452', 'LOT-' || $1::int, $1::bigint)`],
      ['access_record: who read changed', `UPDATE ledger.access_record SET entry = jsonb_set(entry, '{actor}', '"0614142000001"') WHERE seq = (SELECT seq FROM ledger.access_record ORDER BY seq OFFSET $1 % 2 LIMIT 1)`],
      ['access_record: what was answered changed', `UPDATE ledger.access_record SET entry = jsonb_set(entry, '{outcome}', '"ILLEGITIMATE"') WHERE seq = (SELECT seq FROM ledger.access_record ORDER BY seq OFFSET $1 % 2 LIMIT 1)`],
      ['access_record: entry deleted', `DELETE FROM ledger.access_record WHERE seq = (SELECT seq FROM ledger.access_record ORDER BY seq OFFSET $1 % 2 LIMIT 1)`],
      ['access_record: entry inserted', `INSERT INTO ledger.access_record SELECT seq + 100, gen_random_uuid(), entry, kafka_topic, kafka_partition, kafka_offset, leaf_hash, block_height FROM ledger.access_record ORDER BY seq OFFSET $1 % 2 LIMIT 1`],
    ];

    it.each(tamperings.flatMap(([what, sql]) => [0, 2, 4].map((seq) => [what, seq, sql] as const)))('finds %s (at seq %i)', async (_what, seq, sql) => {
      await db.query('BEGIN');
      try {
        await db.query('SET LOCAL session_replication_role = replica');
        const changed = await db.query(sql, [seq]);
        expect(changed.rowCount).toBeGreaterThan(0);
        const report = await audit();
        expect(report.ok).toBe(false);
        expect(report.finding).toBeDefined();
      } finally {
        await db.query('ROLLBACK');
      }
      expect((await audit()).ok).toBe(true);
    });
  });
});
