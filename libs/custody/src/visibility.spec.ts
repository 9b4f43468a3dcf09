import { namedParties, summarizeEvent } from '@app/epcis';
import { assessCustody } from './verdict';
import { scopePath } from './visibility';
import { happyChain, input, MAKER, OTHER_PHARMACY, PHARMACY, ROGUE, WHOLESALER } from './testing/supply-chain';

describe('custody data scoping', () => {
  const path = assessCustody(input(happyChain())).path;
  const ids = (viewer: string) => scopePath(viewer, path).visible.map((s) => s.eventId);

  it('shows the pharmacy its own steps and the shipment its wholesaler sent it, nothing further up the chain', () => {
    expect(ids(PHARMACY)).toEqual(['shipCase', 'receiveCase', 'unpackCase']);
    expect(scopePath(PHARMACY, path).hidden).toBe(path.length - 3);
  });

  it('shows the wholesaler both of its trading partners for the package, and the manufacturer only its own steps and the shipment out', () => {
    expect(ids(WHOLESALER)).toEqual(['shipPallet', 'receivePallet', 'unpackPallet', 'shipCase', 'receiveCase']);
    expect(ids(MAKER)).toEqual(['commission', 'packCase', 'packPallet', 'shipPallet', 'receivePallet']);
  });

  it('shows a party that never handled the package nothing', () => {
    expect(ids(OTHER_PHARMACY)).toEqual([]);
    expect(ids(ROGUE)).toEqual([]);
    expect(scopePath(ROGUE, path).hidden).toBe(path.length);
  });

  it('names the signer, the trading parties and the GLNs behind locations, once each', () => {
    const summary = summarizeEvent({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-02T08:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: ['urn:epc:id:sgtin:0614141.012345.S1'],
      bizLocation: { id: 'urn:epc:id:sgln:0012345.00005.7' },
      readPoint: { id: 'https://example.com/dock/4' },
      sourceList: [{ type: 'owning_party', source: `urn:epc:id:pgln:0614141.00000` }],
      destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${WHOLESALER}` }],
    });
    expect(namedParties(MAKER, summary).sort()).toEqual([MAKER, WHOLESALER].sort());
  });
});
