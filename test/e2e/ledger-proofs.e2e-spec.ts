import { generateKeyPair, signJson } from '@app/crypto';
import { attachSignature } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { hashLeaf, verifyConsistency, verifyInclusion } from '@app/merkle';
import { eventually, http, startStack, Stack } from '../support/stack';

const GLN = '0614141000005';
const fromB64 = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('the ledger proves what it holds', () => {
  let stack: Stack;
  const key = generateKeyPair('EdDSA');
  const kid = `${GLN}/proofs`;
  const ids: string[] = [];

  beforeAll(async () => {
    expect(gs1CheckDigit(GLN.slice(0, 12))).toBe(Number(GLN[12]));
    stack = await startStack('proofs');
    const partner = { gln: GLN, name: 'Acme', roles: ['manufacturer'], keys: [{ kid, publicJwk: key.publicJwk, validFrom: '2026-01-01T00:00:00Z' }] };
    await http('POST', `${stack.ingest}/admin/partners`, partner, { authorization: `Bearer ${stack.adminToken}` });
    // one request at a time, each waited into the log, so that the log has several blocks
    for (let i = 0; i < 5; i++) {
      const e = {
        '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
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
});
