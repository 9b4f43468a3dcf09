import { generateKeyPair, signDetached } from '@app/crypto';
import { batchOf, eventHashId } from '@app/epcis';
import { recordSignatureProblem, verifiesDetached, type DetachedCheck, type LeafRecord } from './formats';
import { batchSignaturesOnce } from './batch-signatures';

const GLN = '0614141000005';
const kid = `${GLN}/docs`;
const key = generateKeyPair('EdDSA');

const commissioning = (serial: string) => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-03T09:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: [`urn:epc:id:sgtin:0614141.012345.${serial}`],
  action: 'ADD',
  bizStep: 'commissioning',
});

/** The leaf records of one signed capture document, as the ledger logs them. */
async function signedDocument(serials: string[]): Promise<LeafRecord[]> {
  const events = serials.map(commissioning);
  const ids = events.map((e) => eventHashId(e));
  const { payload, positions } = await batchOf(ids);
  const jws = signDetached(payload, key.privateJwk, { kid });
  return events.map((event, i) => ({
    eventId: ids[i],
    event,
    signer: { gln: GLN, kid },
    recordTime: '2026-11-03T09:00:01.000Z',
    batchSignature: { jws, position: positions[i] },
    kafka: { topic: 'events', partition: 0, offset: String(i) },
  }));
}

/** A checker that counts the Ed25519 verifications it lets through. */
function counted(): { check: DetachedCheck; runs: () => number } {
  let runs = 0;
  const check: DetachedCheck = (jws, payload, jwk) => (runs++, verifiesDetached(jws, payload, jwk));
  return { check: batchSignaturesOnce(check), runs: () => runs };
}

describe('batch signatures in the audit', () => {
  it('verifies a document signature once for all of its events', async () => {
    const records = [...(await signedDocument(['A1', 'A2', 'A3', 'A4', 'A5'])), ...(await signedDocument(['B1', 'B2']))];
    const { check, runs } = counted();
    expect(records.map((r) => recordSignatureProblem(r, key.publicJwk, check))).toEqual(records.map(() => undefined));
    expect(runs()).toBe(2);
  });

  it('still finds an event changed after its document was verified, even with its hash ID recomputed', async () => {
    const records = await signedDocument(['A1', 'A2', 'A3']);
    const { check } = counted();
    expect(recordSignatureProblem(records[0], key.publicJwk, check)).toBeUndefined();
    const event = { ...records[1].event, epcList: ['urn:epc:id:sgtin:0614141.012345.FORGED'] };
    expect(recordSignatureProblem({ ...records[1], event }, key.publicJwk, check)).toBe('event hash ID does not match the event');
    expect(recordSignatureProblem({ ...records[1], event, eventId: eventHashId(event) }, key.publicJwk, check)).toBe(`signature by ${kid} does not verify`);
  });

  it('still finds an event moved to another position of its verified document', async () => {
    const records = await signedDocument(['A1', 'A2', 'A3']);
    const { check } = counted();
    expect(recordSignatureProblem(records[0], key.publicJwk, check)).toBeUndefined();
    const moved = { ...records[1], batchSignature: { ...records[1].batchSignature!, position: records[2].batchSignature!.position } };
    expect(recordSignatureProblem(moved, key.publicJwk, check)).toBe(`signature by ${kid} does not verify`);
  });

  it('does not take a verified document signature for another key', async () => {
    const records = await signedDocument(['A1', 'A2']);
    const { check } = counted();
    expect(recordSignatureProblem(records[0], key.publicJwk, check)).toBeUndefined();
    expect(recordSignatureProblem(records[1], generateKeyPair('EdDSA').publicJwk, check)).toBe(`signature by ${kid} does not verify`);
  });
});
