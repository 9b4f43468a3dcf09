import { Client } from 'pg';
import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature, SIGNATURE_MEMBER } from '@app/epcis';
import { checkRegistryChain } from '@app/registry';
import { eventually, http, startStack, Stack, auditSnapshot } from '../support/stack';

const GLN = '0614141000005';
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const KEY_CACHE_MS = 2100; // ingest caches a key for 2 s: a revocation is in force after that

const event = (serial: string) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }],
  type: 'ObjectEvent',
  eventTime: '2026-11-05T08:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: [`urn:epc:id:sgtin:0614141.012345.${serial}`],
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
});

/** The same ES256 signature with s replaced by n - s: valid under our policy, as OpenSSL and HSMs produce both. */
function highS(jws: string): string {
  const [header, , sig] = jws.split('.');
  const bytes = Buffer.from(sig, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
  return `${header}..${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64url')}`;
}

describe('key validity windows, revocation, rotation and the record of every refusal', () => {
  let stack: Stack;
  const old = generateKeyPair('EdDSA');
  const next = generateKeyPair('ES256');
  const future = generateKeyPair('EdDSA');
  const kids = { old: `${GLN}/2026-old`, next: `${GLN}/2026-next`, future: `${GLN}/2099` };
  const submit = (e: Record<string, unknown>, key: { privateJwk: Record<string, string> }, kid: string) =>
    http('POST', `${stack.ingest}/events`, attachSignature(e, signJson(e, key.privateJwk, kid)));
  const admin = () => ({ authorization: `Bearer ${stack.adminToken}` });

  beforeAll(async () => {
    stack = await startStack('keys');
    const partner = {
      gln: GLN,
      name: 'Acme',
      roles: ['manufacturer'],
      companyPrefixes: ['0614141'],
      keys: [
        { kid: kids.old, publicJwk: old.publicJwk, validFrom: '2026-01-01T00:00:00Z' },
        { kid: kids.next, publicJwk: next.publicJwk, validFrom: '2026-01-01T00:00:00Z' },
        { kid: kids.future, publicJwk: future.publicJwk, validFrom: '2099-01-01T00:00:00Z' },
      ],
    };
    expect((await http('POST', `${stack.ingest}/admin/partners`, partner, admin())).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a key before its valid-from', async () => {
    const r = await submit(event('F1'), future, kids.future);
    expect(r.status).toBe(422);
    expect(r.body.type).toMatch(/key-not-valid$/);
  });

  it('accepts ES256 signatures in both low-S and high-S form', async () => {
    const e = event('S1');
    const jws = signJson(e, next.privateJwk, kids.next);
    expect((await http('POST', `${stack.ingest}/events`, attachSignature(e, highS(jws)))).status).toBe(201);
    const e2 = event('S2');
    expect((await http('POST', `${stack.ingest}/events`, attachSignature(e2, signJson(e2, next.privateJwk, kids.next)))).status).toBe(201);
  });

  it('rotates keys: after the old key is revoked its events stay valid, new ones signed with it are refused', async () => {
    const before = await submit(event('R1'), old, kids.old);
    expect(before.status).toBe(201);
    const revoked = await http('POST', `${stack.ingest}/admin/partners/${GLN}/keys/${encodeURIComponent(kids.old)}/revoke`, {}, admin());
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeDefined();
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS));
    const after = await submit(event('R2'), old, kids.old);
    expect(after.status).toBe(422);
    expect(after.body.detail).toMatch(/KEY_REVOKED/);
    expect((await submit(event('R3'), next, kids.next)).status).toBe(201);

    // the event signed before the revocation is still in the log, and the audit still accepts its signature
    await eventually(async () => ((await http('GET', `${stack.ledger}/blocks/latest`)).body?.treeSize === 4 ? true : undefined));
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const report = await auditSnapshot(db, stack.ledgerVkey);
    await db.end();
    expect(report).toMatchObject({ ok: true, counts: { records: 4, signatures: 4 } });
  });

  it('records every refusal with its reason, for the partner and regulators to read', async () => {
    const stranger = generateKeyPair('EdDSA');
    await submit(event('X1'), stranger, kids.next); // someone else's key id
    const replay = event('S2');
    await http('POST', `${stack.ingest}/events`, attachSignature(replay, signJson(replay, next.privateJwk, kids.next)));
    expect((await http('GET', `${stack.ingest}/rejections`)).status).toBe(401);
    expect((await http('GET', `${stack.ingest}/admin/rejections?signer=${GLN}`)).status).toBe(401);

    // the partner reads its own rejections with its credential; a regulator reads anyone's
    const credential = (await http('POST', `${stack.ingest}/admin/partners/${GLN}/credentials`, { label: 'e2e' }, admin())).body;
    expect(credential.token).toMatch(/^dscsa_[0-9a-f]{32}_/);
    const REGULATOR = '0614141000012';
    await http('POST', `${stack.ingest}/admin/partners`, { gln: REGULATOR, name: 'FDA', roles: ['regulator'], keys: [] }, admin());
    const fda = (await http('POST', `${stack.ingest}/admin/partners/${REGULATOR}/credentials`, { label: 'investigations' }, admin())).body;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const list = await http('GET', `${stack.ingest}/rejections`, undefined, bearer(credential.token));
    expect(list.status).toBe(200);
    expect((await http('GET', `${stack.ingest}/rejections?signer=${REGULATOR}`, undefined, bearer(credential.token))).status).toBe(403);
    const seenByRegulator = await http('GET', `${stack.ingest}/rejections?signer=${GLN}`, undefined, bearer(fda.token));
    expect(seenByRegulator.body).toEqual(list.body);
    expect((await http('GET', `${stack.ingest}/admin/rejections?signer=${GLN}`, undefined, admin())).body).toEqual(list.body);
    // rotation: revoke the credential, and it stops working
    expect((await http('POST', `${stack.ingest}/admin/partners/${GLN}/credentials/${credential.id}/revoke`, {}, admin())).status).toBe(204);
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS));
    expect((await http('GET', `${stack.ingest}/rejections`, undefined, bearer(credential.token))).status).toBe(401);

    const rules = list.body.map((r: { rule: string }) => r.rule);
    expect(rules).toEqual(expect.arrayContaining(['key-not-valid', 'signature-invalid', 'duplicate-event']));
    const forged = list.body.find((r: { rule: string }) => r.rule === 'signature-invalid');
    expect(forged.kid).toBe(kids.next);
    expect(forged.event[SIGNATURE_MEMBER]).toBeDefined();
  });

  it('keeps every registry change in a signed hash chain that shows any rewrite', async () => {
    const entries = (await http('GET', `${stack.ingest}/registry/log`)).body;
    // the stack issues each signer a credential to submit with (label e2e-submitter) when it first submits
    const ours = entries.filter((e: { change: { label?: string } }) => e.change.label !== 'e2e-submitter');
    expect(ours.map((e: { action: string }) => e.action)).toEqual([
      'register-partner', // the stack's regulator
      'issue-credential',
      'register-partner',
      'revoke-key',
      'issue-credential',
      'register-partner',
      'issue-credential',
      'revoke-credential',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/dscsa_[0-9a-f]{32}_/); // tokens are never logged
    expect(ours[3].change).toMatchObject({ gln: GLN, kid: kids.old });
    const key = (await http('GET', `${stack.ingest}/registry/key`)).body;
    expect(checkRegistryChain(entries, key)).toBeUndefined();

    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(`UPDATE ingest.registry_change SET change = jsonb_set(change, '{kid}', '"${GLN}/2026-next"') WHERE action = 'revoke-key'`);
    await db.end();
    const rewritten = (await http('GET', `${stack.ingest}/registry/log`)).body;
    expect(checkRegistryChain(rewritten, key)).toEqual({ seq: ours[3].seq, problem: 'hash does not match the entry' });
  });
});
