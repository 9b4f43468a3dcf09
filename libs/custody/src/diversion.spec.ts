import { Anomaly, countByCode, DiversionOptions, findAnomalies, UnitCustody } from './diversion';
import { PartnerFacts, Recall } from './model';
import { assessCustody } from './verdict';
import {
  CASE2_URN,
  ChainBuilder,
  EXPIRY,
  GTIN,
  happyChain,
  input,
  LOT,
  MAKER,
  OTHER_PHARMACY,
  PHARMACY,
  partners,
  ROGUE,
  S,
  sgtin,
  WHOLESALER,
} from './testing/supply-chain';

/** S1 is dispensed, S2 and S3 are on the pharmacy's shelf, S4's case was shipped to Elm St and never received. */
function units(chain: ChainBuilder, extra: { recalls?: Recall[]; expiry?: string; partners?: Map<string, PartnerFacts> } = {}): UnitCustody[] {
  return [1, 2, 3, 4, 9].map((n) => ({
    sgtin: S(n),
    lot: LOT,
    expiry: extra.expiry ?? EXPIRY,
    assessment: assessCustody(input(chain, { item: S(n), scanner: undefined, recalls: extra.recalls ?? [], ...(extra.partners && { partners: extra.partners }) })),
  }));
}

const WINDOW = { from: '2026-03-01T00:00:00Z', to: '2026-03-12T00:00:00Z' };
const report = (u: UnitCustody[], o: Partial<DiversionOptions> = {}) => findAnomalies(u, { ...WINDOW, partners: partners(), ...o });
const brief = (found: Anomaly[]) => found.map((a) => [a.code, a.sgtin, a.evidence]);

describe('the diversion report', () => {
  it('finds nothing in a clean chain but the case that never arrived: dispensing is how a package leaves, not an anomaly', () => {
    const found = report(units(happyChain()));
    expect(brief(found)).toEqual([['VANISHED_IN_TRANSIT', S(4), ['shipCase2']]]);
    expect(found[0]).toMatchObject({
      severity: 'SUSPECT',
      gtin: GTIN,
      lot: LOT,
      parties: [WHOLESALER, OTHER_PHARMACY],
      at: '2026-03-05T09:30:00.000Z',
      message: expect.stringMatching(/^Big Wholesale \(\d{13}\) shipped the package to Elm St Pharmacy \(\d{13}\) on .*within 72 hours\.$/),
    });
  });

  it('waits vanishAfterHours, up to the earlier of the window end and now, before calling a shipment vanished', () => {
    expect(report(units(happyChain()), { to: '2026-03-08T09:00:00Z' })).toEqual([]);
    expect(report(units(happyChain()), { now: '2026-03-08T09:00:00Z' })).toEqual([]);
    expect(report(units(happyChain()), { vanishAfterHours: 48, to: '2026-03-08T09:00:00Z' })).toMatchObject([{ sgtin: S(4) }]);
    const late = happyChain().receive('lateReceipt', OTHER_PHARMACY, '2026-03-09T12:00:00Z', [CASE2_URN], WHOLESALER, OTHER_PHARMACY);
    expect(report(units(late))).toMatchObject([{ code: 'VANISHED_IN_TRANSIT', evidence: ['shipCase2', 'lateReceipt'], message: expect.stringContaining('(received on 2026-03-09T12:00:00Z)') }]);
    const onTime = happyChain().receive('receipt', OTHER_PHARMACY, '2026-03-06T12:00:00Z', [CASE2_URN], WHOLESALER, OTHER_PHARMACY);
    expect(report(units(onTime))).toEqual([]);
  });

  it('flags a dispenser selling up the chain, but not a return', () => {
    const sold = happyChain()
      .ship('sellBack', PHARMACY, '2026-03-10T09:00:00Z', [sgtin('S2')], PHARMACY, WHOLESALER)
      .receive('buyBack', WHOLESALER, '2026-03-11T09:00:00Z', [sgtin('S2')], PHARMACY, WHOLESALER);
    const [reverse] = report(units(sold)).filter((a) => a.sgtin === S(2));
    expect(reverse).toMatchObject({ code: 'REVERSE_DIRECTION', evidence: ['sellBack', 'buyBack'], parties: [PHARMACY, WHOLESALER], at: '2026-03-10T09:00:00.000Z' });
    expect(reverse.message).toMatch(/^Main St Pharmacy \(\d+\), a dispenser, shipped the package to Big Wholesale \(\d+\) on .* without marking it as a return\.$/);
    const returned = happyChain()
      .ship('return', PHARMACY, '2026-03-10T09:00:00Z', [sgtin('S2')], PHARMACY, WHOLESALER, 'returned')
      .receive('restock', WHOLESALER, '2026-03-11T09:00:00Z', [sgtin('S2')], PHARMACY, WHOLESALER, 'sellable_accessible');
    expect(report(units(returned)).filter((a) => a.sgtin === S(2))).toEqual([]);
  });

  it('flags shipments to a party whose licence had lapsed, or that is not registered, alongside the verdict reason', () => {
    const registry = partners();
    registry.set(ROGUE, { ...registry.get(ROGUE)!, licences: [{ kind: 'state-wholesale', validFrom: '2020-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }] });
    const toRogue = happyChain()
      .drop('shipCase2')
      .ship('shipRogue', WHOLESALER, '2026-03-05T09:30:00Z', [CASE2_URN], WHOLESALER, ROGUE)
      .receive('rogueReceives', ROGUE, '2026-03-06T09:30:00Z', [CASE2_URN], WHOLESALER, ROGUE);
    const found = report(units(toRogue, { partners: registry }), { partners: registry });
    expect(found.map((a) => [a.code, a.sgtin])).toEqual([
      ['UNLICENSED_RECIPIENT', S(4)],
      ['UNLICENSED_PARTNER', S(4)],
    ]);
    expect(found[0]).toMatchObject({ evidence: ['shipRogue', 'rogueReceives'], message: expect.stringMatching(/to Rogue Trading \(\d+\), which held no licence valid then\.$/) });
    const stranger = '0999999000002';
    const toStranger = happyChain().drop('shipCase2').ship('shipStranger', WHOLESALER, '2026-03-05T09:30:00Z', [CASE2_URN], WHOLESALER, stranger);
    expect(report(units(toStranger)).find((a) => a.code === 'UNLICENSED_RECIPIENT')?.message).toMatch(/to 0999999000002, which is not a registered trading partner\.$/);
  });

  it('flags one serial at two parties within minTransitMinutes, unless the later one received it from the earlier', () => {
    const twice = happyChain().observe('dispenseElsewhere', OTHER_PHARMACY, '2026-03-10T16:20:00Z', [sgtin('S1')], 'dispensing', 'dispensed');
    const found = report(units(twice)).filter((a) => a.sgtin === S(1));
    expect(brief(found)).toEqual([
      ['ALREADY_DISPENSED', S(1), ['dispenseS1', 'dispenseElsewhere']],
      ['IMPOSSIBLE_VELOCITY', S(1), ['dispenseS1', 'dispenseElsewhere']],
    ]);
    expect(found[1]).toMatchObject({ parties: [PHARMACY, OTHER_PHARMACY], at: '2026-03-10T16:20:00.000Z', message: expect.stringContaining(' 20 minutes later ') });
    expect(report(units(twice), { minTransitMinutes: 20 }).map((a) => a.code)).not.toContain('IMPOSSIBLE_VELOCITY');

    const quickDelivery = new ChainBuilder()
      .commission('commission', MAKER, '2026-03-01T08:00:00Z', ['S1', 'S2', 'S3', 'S4', 'S9'])
      .ship('ship', MAKER, '2026-03-02T08:00:00Z', [sgtin('S2')], MAKER, WHOLESALER)
      .observe('loaded', MAKER, '2026-03-02T08:05:00Z', [sgtin('S2')], 'departing', 'in_transit')
      .receive('receive', WHOLESALER, '2026-03-02T08:30:00Z', [sgtin('S2')], MAKER, WHOLESALER);
    expect(report(units(quickDelivery)).filter((a) => a.sgtin === S(2))).toEqual([]);
  });

  it('reports a dispensed package only when it turns up again, with what it did since as evidence', () => {
    const resold = happyChain()
      .ship('resell', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S1')], PHARMACY, OTHER_PHARMACY)
      .receive('rebuy', OTHER_PHARMACY, '2026-03-11T10:00:00Z', [sgtin('S1')], PHARMACY, OTHER_PHARMACY);
    const [dispensed] = report(units(resold)).filter((a) => a.sgtin === S(1));
    expect(dispensed).toMatchObject({ code: 'ALREADY_DISPENSED', evidence: ['dispenseS1', 'resell', 'rebuy'], at: '2026-03-11T09:00:00.000Z', parties: [PHARMACY, OTHER_PHARMACY] });
    expect(dispensed.message).toMatch(/It turns up again afterwards: shipping recorded by Main St Pharmacy \(\d+\) on 2026-03-11T09:00:00Z\.$/);
  });

  it('shows a trading partner only the parties and evidence of the steps it took part in, as a scan does', () => {
    const resold = happyChain()
      .ship('resell', PHARMACY, '2026-03-11T09:00:00Z', [sgtin('S1')], PHARMACY, OTHER_PHARMACY)
      .receive('rebuy', OTHER_PHARMACY, '2026-03-11T10:00:00Z', [sgtin('S1')], PHARMACY, OTHER_PHARMACY);
    const dispensed = (viewer?: string) => report(units(resold), { viewer }).find((a) => a.code === 'ALREADY_DISPENSED' && a.sgtin === S(1))!;
    // The maker shipped to the wholesaler and no further: the pharmacies and their events are hidden from it.
    expect(dispensed(MAKER)).toMatchObject({ evidence: [], parties: [] });
    expect(dispensed(MAKER).message).toMatch(/It turns up again afterwards: shipping recorded by another trading partner on 2026-03-11T09:00:00Z\.$/);
    // The buyer sees the resale it took part in and its seller, not the sale at the counter before it.
    expect(dispensed(OTHER_PHARMACY)).toMatchObject({ evidence: ['resell', 'rebuy'], parties: [PHARMACY, OTHER_PHARMACY] });
    expect(dispensed(OTHER_PHARMACY).message).toMatch(/recorded by Main St Pharmacy \(\d+\) on/);
    expect(dispensed()).toMatchObject({ evidence: ['dispenseS1', 'resell', 'rebuy'], parties: [PHARMACY, OTHER_PHARMACY] });
    // A recall announcement is not a custody step: it stays evidence for everyone.
    const recalled = report(units(happyChain(), { recalls: [{ gtin: GTIN, lots: [LOT], eventId: 'recall' }] }), {
      viewer: MAKER,
      eventTimes: new Map([['recall', '2026-03-08T00:00:00Z']]),
    }).find((a) => a.code === 'RECALLED' && a.sgtin === S(2))!;
    expect(recalled).toMatchObject({ evidence: ['recall'], parties: [] });
    expect(recalled.message).toMatch(/held by another trading partner\.$/);
  });

  it('reports recalled and expired packages still in the supply chain, or handled after, not those dispensed before', () => {
    const recalls = [{ gtin: GTIN, lots: [LOT], eventId: 'recall' }];
    const recalled = (at: string) =>
      report(units(happyChain(), { recalls }), { eventTimes: new Map([['recall', at]]) }).filter((a) => a.code === 'RECALLED' && a.sgtin !== S(9));
    const before = recalled('2026-03-08T00:00:00Z');
    expect(before.map((a) => [a.sgtin, a.evidence, a.at])).toEqual([
      [S(2), ['recall'], '2026-03-08T00:00:00.000Z'],
      [S(3), ['recall'], '2026-03-08T00:00:00.000Z'],
      [S(4), ['recall'], '2026-03-08T00:00:00.000Z'],
      [S(1), ['recall', 'dispenseS1'], '2026-03-10T16:00:00.000Z'],
    ]);
    expect(before[0]).toMatchObject({ parties: [PHARMACY], message: expect.stringMatching(/It is still in the supply chain, held by Main St Pharmacy \(\d+\)\.$/) });
    expect(recalled('2026-03-11T00:00:00Z').map((a) => a.sgtin)).toEqual([S(2), S(3), S(4)]);

    const shortDated = happyChain()
      .drop('commission')
      .commission('commission', MAKER, '2026-03-01T08:00:00Z', ['S1', 'S2', 'S3'], { lot: LOT, expiry: '2026-03-05' });
    const expired = report(units(shortDated, { expiry: '2026-03-05' })).filter((a) => a.code === 'EXPIRED');
    expect(expired.map((a) => [a.sgtin, a.at])).toEqual([
      [S(1), '2026-03-06T10:00:00.000Z'],
      [S(2), '2026-03-06T10:00:00.000Z'],
      [S(3), '2026-03-06T10:00:00.000Z'],
    ]);
    expect(expired[0].evidence).toEqual(['commission', 'receiveCase', 'unpackCase', 'dispenseS1']);
  });

  it('dates other verdict reasons by their latest evidence: a clone, a serial nobody commissioned', () => {
    const cloned = happyChain()
      .commission('clone', MAKER, '2026-03-09T08:00:00Z', ['S3'])
      .ship('fake', ROGUE, '2026-03-09T09:00:00Z', [sgtin('S9')], ROGUE, PHARMACY);
    const found = report(units(cloned));
    expect(found.find((a) => a.code === 'COMMISSIONED_MORE_THAN_ONCE')).toMatchObject({ sgtin: S(3), evidence: ['commission', 'clone'], at: '2026-03-09T08:00:00.000Z', parties: [MAKER] });
    expect(found.find((a) => a.code === 'NEVER_COMMISSIONED')).toMatchObject({ sgtin: S(9), severity: 'NOT_FOUND', evidence: ['fake'], parties: [ROGUE, PHARMACY] });
  });

  it('keeps what arose in the window and names the partner, and counts every code', () => {
    const all = units(happyChain());
    expect(report(all, { from: '2026-03-06T00:00:00Z' })).toEqual([]);
    expect(report(all, { partner: OTHER_PHARMACY })).toHaveLength(1);
    expect(report(all, { partner: WHOLESALER })).toHaveLength(1);
    expect(report(all, { partner: PHARMACY })).toEqual([]);
    const counts = countByCode(report(all));
    expect(counts).toMatchObject({ VANISHED_IN_TRANSIT: 1, REVERSE_DIRECTION: 0, NEVER_COMMISSIONED: 0 });
    expect(Object.keys(counts)).toHaveLength(23);
  });
});
