import { canonicalEpc } from '@app/epcis';
import { Assessment, ReasonCode } from './model';
import { assessCustody } from './verdict';
import {
  CASE,
  CASE_URN,
  GTIN,
  happyChain,
  input,
  MAKER,
  OTHER_PHARMACY,
  PALLET,
  PHARMACY,
  partners,
  ROGUE,
  S,
  sgtin,
  WHOLESALER,
} from './testing/supply-chain';

const codes = (a: Assessment) => a.reasons.map((r) => r.code);
const only = (a: Assessment, code: ReasonCode) => {
  expect(codes(a)).toEqual([code]);
  return a.reasons[0];
};

describe('assessCustody on a clean supply chain', () => {
  const a = assessCustody(input(happyChain()));

  it('verifies the package held by the scanning pharmacy', () => {
    expect(a).toMatchObject({ verdict: 'VERIFIED', reasons: [], currentHolder: PHARMACY });
  });

  it('follows the package through its case and pallet, in time order', () => {
    expect(a.path.map((s) => [s.eventId, s.kind, s.via, s.container])).toEqual([
      ['commission', 'commissioned', [], undefined],
      ['packCase', 'packed', [], CASE],
      ['packPallet', 'packed', [CASE], PALLET],
      ['shipPallet', 'shipped', [CASE, PALLET], undefined],
      ['receivePallet', 'received', [CASE, PALLET], undefined],
      ['unpackPallet', 'unpacked', [CASE], PALLET],
      ['shipCase', 'shipped', [CASE], undefined],
      ['receiveCase', 'received', [CASE], undefined],
      ['unpackCase', 'unpacked', [], CASE],
    ]);
  });

  it('names the parties, place and signer of each step', () => {
    expect(a.path.find((s) => s.eventId === 'shipPallet')).toMatchObject({
      from: [MAKER],
      to: [WHOLESALER],
      place: `https://id.gs1.org/414/${MAKER}`,
      signer: { gln: MAKER, kid: `${MAKER}/2026-a`, name: 'Acme Pharma' },
      signatureValid: true,
      keyRevokedBeforeEvent: false,
      inclusionVerified: true,
    });
    expect(a.path[0]).toMatchObject({ kind: 'commissioned', from: [], to: [MAKER] });
  });

  it('reports when the package was inside each container', () => {
    expect(a.containers).toEqual([
      { epc: CASE, from: '2026-03-01T09:00:00Z', to: '2026-03-06T11:00:00Z' },
      { epc: PALLET, from: '2026-03-01T10:00:00Z', to: '2026-03-03T15:00:00Z' },
    ]);
  });

  it('ignores events about sibling packages and about containers the package has left', () => {
    const ids = a.path.map((s) => s.eventId);
    for (const id of ['commissionS4', 'packCase2', 'shipCase2', 'retireCase', 'dispenseS1']) expect(ids).not.toContain(id);
  });

  it('lets the addressee verify a package in transit before recording its receipt', () => {
    const inTransit = assessCustody(input(happyChain().drop('receiveCase', 'unpackCase', 'retireCase', 'dispenseS1')));
    expect(inTransit).toMatchObject({ verdict: 'VERIFIED', currentHolder: WHOLESALER });
  });

  it('verifies without a scanner, lot or expiry', () => {
    expect(assessCustody(input(happyChain(), { scanner: undefined, label: {} })).verdict).toBe('VERIFIED');
  });

  it('orders by the instant, whatever the offsets, then by log sequence', () => {
    const chain = happyChain();
    // 2026-03-06T05:30-05:00 is 10:30Z: after the 10:00Z receipt although its local time reads earlier.
    chain.add('inspect', PHARMACY, '2026-03-06T05:30:00-05:00', { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'inspecting', epcList: [sgtin('S2')] });
    chain.add('tie', PHARMACY, '2026-03-06T10:00:00Z', { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', epcList: [sgtin('S2')] });
    const ids = assessCustody(input(chain)).path.map((s) => s.eventId);
    expect(ids.slice(ids.indexOf('receiveCase'))).toEqual(['receiveCase', 'tie', 'inspect', 'unpackCase']);
  });

  it('counts an event loaded twice (once per EPC it names) once', () => {
    const chain = happyChain();
    expect(assessCustody(input(chain, { events: [...chain.events, ...chain.events] }))).toEqual(a);
  });
});

describe('assessCustody flags each anomaly with its evidence', () => {
  it('NEVER_COMMISSIONED: answers NOT_FOUND', () => {
    const a = assessCustody(input(happyChain().drop('commission')));
    expect(a.verdict).toBe('NOT_FOUND');
    expect(only(a, 'NEVER_COMMISSIONED')).toMatchObject({ severity: 'NOT_FOUND', evidence: [] });
    expect(a.currentHolder).toBeUndefined();
  });

  it('NEVER_COMMISSIONED: an unknown serial has no path at all', () => {
    const a = assessCustody(input(happyChain(), { item: S(9) }));
    expect(a).toMatchObject({ verdict: 'NOT_FOUND', path: [], containers: [] });
  });

  it('COMMISSIONED_MORE_THAN_ONCE: a clone', () => {
    const a = assessCustody(input(happyChain().commission('clone', MAKER, '2026-03-08T08:00:00Z', ['S2'])));
    expect(a.verdict).toBe('ILLEGITIMATE');
    expect(only(a, 'COMMISSIONED_MORE_THAN_ONCE')).toMatchObject({ severity: 'ILLEGITIMATE', evidence: ['commission', 'clone'] });
  });

  it('COMMISSIONED_BY_NON_OWNER: a party outside the brand owner commissions its GTIN', () => {
    const chain = happyChain().drop('commission').commission('commission', ROGUE, '2026-03-01T08:00:00Z', ['S1', 'S2', 'S3']);
    const a = assessCustody(input(chain));
    expect(a.verdict).toBe('ILLEGITIMATE');
    const r = a.reasons.find((x) => x.code === 'COMMISSIONED_BY_NON_OWNER');
    expect(r).toMatchObject({ severity: 'ILLEGITIMATE', evidence: ['commission'] });
    expect(r?.message).toContain(`${ROGUE} may not commission GTIN ${GTIN}`);
    // The rogue commissioner then becomes the first holder, so the maker's shipment is a gap too.
    expect(codes(a)).toEqual(['COMMISSIONED_BY_NON_OWNER', 'CUSTODY_GAP_NOT_HOLDER']);
  });

  it('LOT_MISMATCH and EXPIRY_MISMATCH: the label contradicts the commissioning', () => {
    const a = assessCustody(input(happyChain(), { label: { lot: 'L2', expiry: '2027-07-31' } }));
    expect(a.verdict).toBe('SUSPECT');
    expect(a.reasons).toMatchObject([
      { code: 'LOT_MISMATCH', severity: 'SUSPECT', evidence: ['commission'], message: 'The label says lot L2, but the item was commissioned in lot L1.' },
      { code: 'EXPIRY_MISMATCH', severity: 'SUSPECT', evidence: ['commission'] },
    ]);
  });

  it('EXPIRED: after, not on, the commissioned expiry date', () => {
    expect(assessCustody(input(happyChain(), { today: '2027-06-30' })).verdict).toBe('VERIFIED');
    const a = assessCustody(input(happyChain(), { today: '2027-07-01' }));
    expect(only(a, 'EXPIRED')).toMatchObject({ severity: 'SUSPECT', evidence: ['commission'], message: 'The product expired on 2027-06-30.' });
  });

  it("RECALLED: the item's lot is recalled", () => {
    const a = assessCustody(input(happyChain(), { recalls: [{ gtin: GTIN, lots: ['L0', 'L1'], eventId: 'recallNotice' }] }));
    expect(a.verdict).toBe('SUSPECT');
    expect(only(a, 'RECALLED')).toMatchObject({ severity: 'SUSPECT', evidence: ['recallNotice'] });
    expect(assessCustody(input(happyChain(), { recalls: [{ gtin: GTIN, lots: ['L0'], eventId: 'r' }] })).verdict).toBe('VERIFIED');
    expect(assessCustody(input(happyChain(), { recalls: [{ gtin: '00614141999999', lots: [], eventId: 'r' }] })).verdict).toBe('VERIFIED');
  });

  it('RECALLED: a recall of every lot of the GTIN, or an event marking the package recalled', () => {
    expect(only(assessCustody(input(happyChain(), { recalls: [{ gtin: GTIN, lots: [], eventId: 'all' }] })), 'RECALLED').evidence).toEqual(['all']);
    const chain = happyChain().observe('quarantine', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S2')], 'holding', 'recalled');
    const a = assessCustody(input(chain));
    expect(a.path.at(-1)?.kind).toBe('recalled');
    expect(only(a, 'RECALLED').evidence).toEqual(['quarantine']);
  });

  it('ALREADY_DISPENSED: the dispensed package is scanned again', () => {
    const a = assessCustody(input(happyChain(), { item: S(1) }));
    expect(a.verdict).toBe('SUSPECT');
    expect(only(a, 'ALREADY_DISPENSED')).toMatchObject({ severity: 'SUSPECT', evidence: ['dispenseS1'] });
  });

  it('ALREADY_DISPENSED: a partial dispensing does not count', () => {
    const chain = happyChain().observe('partial', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S2')], 'dispensing', 'partially_dispensed');
    expect(assessCustody(input(chain)).verdict).toBe('VERIFIED');
  });

  it('ALREADY_DISPENSED: cleared by a saleable return, but not by a return alone', () => {
    const returned = happyChain().ship('returnS1', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S1')], PHARMACY, WHOLESALER, 'returned');
    const pending = assessCustody(input(returned, { item: S(1), scanner: WHOLESALER }));
    expect(codes(pending)).toEqual(['ALREADY_DISPENSED']);
    expect(pending.path.at(-1)).toMatchObject({ kind: 'returned', from: [PHARMACY], to: [WHOLESALER] });

    returned.receive('restock', WHOLESALER, '2026-03-11T15:00:00Z', [sgtin('S1')], PHARMACY, WHOLESALER, 'sellable_accessible');
    expect(assessCustody(input(returned, { item: S(1), scanner: WHOLESALER }))).toMatchObject({ verdict: 'VERIFIED', currentHolder: WHOLESALER });
  });

  it('DECOMMISSIONED: the serial itself was decommissioned', () => {
    const chain = happyChain().observe('decommission', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S2')], 'decommissioning', 'inactive', 'DELETE');
    expect(only(assessCustody(input(chain)), 'DECOMMISSIONED')).toMatchObject({ severity: 'SUSPECT', evidence: ['decommission'] });
  });

  it('DESTROYED: directly, or by destroying the case it is in', () => {
    const direct = happyChain().observe('destroy', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S2')], 'destroying', 'destroyed');
    expect(only(assessCustody(input(direct)), 'DESTROYED')).toMatchObject({ severity: 'SUSPECT', evidence: ['destroy'] });

    const viaCase = happyChain().drop('unpackCase', 'retireCase', 'dispenseS1').observe('destroyCase', PHARMACY, '2026-03-11T09:00:00Z', [CASE_URN], 'destroying', 'destroyed');
    const a = assessCustody(input(viaCase));
    expect(only(a, 'DESTROYED').evidence).toEqual(['destroyCase']);
    expect(a.path.at(-1)).toMatchObject({ kind: 'destroyed', via: [CASE] });
  });

  it('REPORTED_STOLEN: an event marks the package stolen', () => {
    const chain = happyChain().observe('theft', WHOLESALER, '2026-03-04T09:00:00Z', [CASE_URN], 'other', 'stolen');
    const a = assessCustody(input(chain));
    expect(a.verdict).toBe('ILLEGITIMATE');
    expect(only(a, 'REPORTED_STOLEN')).toMatchObject({ severity: 'ILLEGITIMATE', evidence: ['theft'] });
  });

  it('CUSTODY_GAP_NO_SHIPMENT: received without a shipment', () => {
    const a = assessCustody(input(happyChain().drop('shipCase')));
    expect(a.verdict).toBe('SUSPECT');
    const r = only(a, 'CUSTODY_GAP_NO_SHIPMENT');
    expect(r).toMatchObject({ severity: 'SUSPECT', evidence: ['receivePallet', 'receiveCase'] });
    expect(r.message).toBe(
      `Main St Pharmacy (${PHARMACY}) received the item on 2026-03-06T10:00:00Z, but no shipment to it is recorded since Big Wholesale (${WHOLESALER}) took it on 2026-03-03T14:00:00Z.`,
    );
  });

  it('CUSTODY_GAP_NOT_HOLDER: shipped by a party that did not hold it', () => {
    const chain = happyChain().drop('shipCase').ship('shipCase', ROGUE, '2026-03-05T09:00:00Z', [CASE_URN], ROGUE, PHARMACY);
    const r = only(assessCustody(input(chain)), 'CUSTODY_GAP_NOT_HOLDER');
    expect(r).toMatchObject({ severity: 'SUSPECT', evidence: ['receivePallet', 'shipCase'] });
    expect(r.message).toBe(`Rogue Trading (${ROGUE}) shipped the item on 2026-03-05T09:00:00Z, but Big Wholesale (${WHOLESALER}) held it.`);
  });

  it('CUSTODY_GAP_NOT_HOLDER: shipped before it was commissioned', () => {
    const chain = happyChain().drop('commission').commission('commission', MAKER, '2026-03-02T09:00:00Z', ['S1', 'S2', 'S3']);
    expect(assessCustody(input(chain)).reasons.find((r) => r.code === 'CUSTODY_GAP_NOT_HOLDER')).toMatchObject({ evidence: ['shipPallet'] });
  });

  it('CUSTODY_GAP_NOT_HOLDER: an ownership transfer by a party that did not hold it; the seller may invoice before shipping', () => {
    const sale = (seller: string) =>
      happyChain().add('sale', seller, '2026-03-04T12:00:00Z', {
        type: 'TransactionEvent',
        action: 'ADD',
        bizTransactionList: [{ type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:0012345000058:INV-1' }],
        epcList: [CASE_URN],
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${seller}` }],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${PHARMACY}` }],
      });
    const honest = assessCustody(input(sale(WHOLESALER)));
    expect(honest.path.find((s) => s.eventId === 'sale')).toMatchObject({ kind: 'ownership_transferred', from: [WHOLESALER], to: [PHARMACY] });
    expect(honest).toMatchObject({ verdict: 'VERIFIED', currentHolder: PHARMACY });
    expect(only(assessCustody(input(sale(ROGUE))), 'CUSTODY_GAP_NOT_HOLDER').evidence).toEqual(['receivePallet', 'sale']);
  });

  it('CUSTODY_GAP_WRONG_RECEIVER: shipped to one pharmacy, received by another', () => {
    const chain = happyChain().drop('receiveCase').receive('receiveCase', OTHER_PHARMACY, '2026-03-06T10:00:00Z', [CASE_URN], WHOLESALER, OTHER_PHARMACY);
    const a = assessCustody(input(chain, { scanner: OTHER_PHARMACY }));
    expect(only(a, 'CUSTODY_GAP_WRONG_RECEIVER')).toMatchObject({ severity: 'SUSPECT', evidence: ['shipCase', 'receiveCase'] });
    expect(a.currentHolder).toBe(OTHER_PHARMACY);
  });

  it('NOT_CURRENT_HOLDER: the scanning party is not the holder', () => {
    const a = assessCustody(input(happyChain(), { scanner: WHOLESALER }));
    expect(only(a, 'NOT_CURRENT_HOLDER')).toMatchObject({ severity: 'SUSPECT', evidence: ['receiveCase'] });
    const inTransit = assessCustody(input(happyChain().drop('receiveCase'), { scanner: OTHER_PHARMACY }));
    expect(inTransit.reasons.find((r) => r.code === 'NOT_CURRENT_HOLDER')).toMatchObject({ evidence: ['receivePallet', 'shipCase'] });
  });

  it('NOT_CURRENT_HOLDER: the commissioner holds a package never shipped', () => {
    const chain = happyChain().drop('shipPallet', 'receivePallet', 'unpackPallet', 'shipCase', 'receiveCase');
    expect(assessCustody(input(chain, { scanner: MAKER }))).toMatchObject({ verdict: 'VERIFIED', currentHolder: MAKER });
    expect(only(assessCustody(input(chain)), 'NOT_CURRENT_HOLDER').evidence).toEqual(['commission']);
  });

  it('BAD_SIGNATURE: a forged signature on the pallet shipment', () => {
    const a = assessCustody(input(happyChain().patch('shipPallet', { signatureValid: false })));
    expect(a.verdict).toBe('ILLEGITIMATE');
    expect(only(a, 'BAD_SIGNATURE')).toMatchObject({ severity: 'ILLEGITIMATE', evidence: ['shipPallet'] });
  });

  it('KEY_REVOKED: signed with a key revoked before the event', () => {
    const a = assessCustody(input(happyChain().patch('receiveCase', { keyRevokedBeforeEvent: true })));
    expect(a.verdict).toBe('ILLEGITIMATE');
    expect(only(a, 'KEY_REVOKED')).toMatchObject({ severity: 'ILLEGITIMATE', evidence: ['receiveCase'] });
  });

  it('UNLICENSED_PARTNER: a licence that lapsed before the transfer, one reason per party', () => {
    const p = partners();
    p.set(WHOLESALER, { ...p.get(WHOLESALER)!, licences: [{ kind: 'state-wholesale', validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-03-04T00:00:00Z' }] });
    const r = only(assessCustody(input(happyChain(), { partners: p })), 'UNLICENSED_PARTNER');
    expect(r).toMatchObject({ severity: 'SUSPECT', evidence: ['shipCase', 'receiveCase'] });
    expect(r.message).toMatch(/^Big Wholesale \(0012345000058\) had no valid state-wholesale licence for the shipping event of 2026-03-05T09:00:00Z/);
  });

  it('UNLICENSED_PARTNER: a licence of the wrong kind, or an unregistered party', () => {
    const p = partners();
    p.set(PHARMACY, { ...p.get(PHARMACY)!, licences: [{ kind: 'state-wholesale', validFrom: '2025-01-01T00:00:00Z', validUntil: null }] });
    expect(only(assessCustody(input(happyChain(), { partners: p })), 'UNLICENSED_PARTNER').evidence).toEqual(['shipCase', 'receiveCase']);
    p.delete(PHARMACY);
    expect(only(assessCustody(input(happyChain(), { partners: p })), 'UNLICENSED_PARTNER').message).toContain(`${PHARMACY} is not a registered trading partner`);
  });

  it('NOT_IN_LOG: an event whose inclusion proof failed', () => {
    const a = assessCustody(input(happyChain().patch('unpackPallet', { inclusionVerified: false }).patch('shipCase', { inclusionVerified: undefined })));
    expect(only(a, 'NOT_IN_LOG')).toMatchObject({ severity: 'SUSPECT', evidence: ['unpackPallet'] });
  });

  it('ranks ILLEGITIMATE over NOT_FOUND over SUSPECT, listing reasons in rule-table order', () => {
    const chain = happyChain().drop('commission').patch('shipPallet', { signatureValid: false });
    const a = assessCustody(input(chain, { today: '2028-01-01' }));
    expect(a.verdict).toBe('ILLEGITIMATE');
    expect(codes(a)).toEqual(['NEVER_COMMISSIONED', 'BAD_SIGNATURE', 'EXPIRED']);
    expect(assessCustody(input(happyChain().drop('commission'), { today: '2028-01-01' })).verdict).toBe('NOT_FOUND');
  });
});

describe('containment', () => {
  it('repacking moves the package: events on its old case no longer reach it', () => {
    const chain = happyChain()
      .drop('unpackCase', 'retireCase', 'dispenseS1')
      .unpack('pick', PHARMACY, '2026-03-06T11:00:00Z', CASE_URN, [sgtin('S2')])
      .pack('repack', PHARMACY, '2026-03-06T11:10:00Z', 'urn:epc:id:sscc:0098765.3000000001', [sgtin('S2')])
      .ship('shipOld', PHARMACY, '2026-03-07T09:00:00Z', [CASE_URN], PHARMACY, OTHER_PHARMACY);
    const a = assessCustody(input(chain));
    expect(a.path.slice(-2).map((s) => [s.eventId, s.kind, s.via])).toEqual([
      ['pick', 'unpacked', []],
      ['repack', 'packed', []],
    ]);
    expect(a.containers.map((c) => [c.epc, c.to])).toEqual([
      [CASE, '2026-03-06T11:00:00Z'],
      [PALLET, '2026-03-03T15:00:00Z'],
      [canonicalEpc('urn:epc:id:sscc:0098765.3000000001'), undefined],
    ]);
    expect(a).toMatchObject({ verdict: 'VERIFIED', currentHolder: PHARMACY });
  });

  it('a case packed into a pallet after the package went into the case carries the package', () => {
    const a = assessCustody(input(happyChain()));
    expect(a.path.find((s) => s.eventId === 'packPallet')?.via).toEqual([CASE]);
  });

  it('an OBSERVE aggregation confirms contents, and a shipment made as an aggregation event is a shipment', () => {
    const chain = happyChain()
      .drop('shipPallet')
      .add('shipPallet', MAKER, '2026-03-02T08:00:00Z', {
        type: 'AggregationEvent',
        action: 'OBSERVE',
        bizStep: 'shipping',
        parentID: 'urn:epc:id:sscc:0614141.2000000001',
        childEPCs: [CASE_URN],
        sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${MAKER}` }],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${WHOLESALER}` }],
      });
    const a = assessCustody(input(chain));
    expect(a.path.find((s) => s.eventId === 'shipPallet')).toMatchObject({ kind: 'shipped', via: [CASE], container: PALLET });
    expect(a.verdict).toBe('VERIFIED');
  });

  it('survives a containment cycle that only forged or disordered events can create', () => {
    const chain = happyChain().pack('cycle', MAKER, '2026-03-01T11:00:00Z', CASE_URN, ['urn:epc:id:sscc:0614141.2000000001']);
    expect(() => assessCustody(input(chain))).not.toThrow();
  });
});
