import { summarizeEvent } from '@app/epcis';
import { authorizeSigner, PrefixOwner, RegistryView } from './authorization';

const ACME = '0614141000005';
const CMO = '0614142000001';
const WHOLESALER = '0012345000058';

const registry = (owners: PrefixOwner[]): RegistryView => ({
  prefixOwner: (gtin) =>
    owners.filter((o) => gtin.slice(1).startsWith(o.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0],
});
const acme = registry([{ prefix: '0614141', gln: ACME, delegates: [{ gln: CMO, validFrom: new Date('2026-01-01T00:00:00Z'), validUntil: new Date('2027-01-01T00:00:00Z') }] }]);

const commissioning = (eventTime = '2026-06-01T00:00:00Z') =>
  summarizeEvent({
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    epcList: ['urn:epc:id:sgtin:0614141.012345.S1'],
  });

const shipping = (sourceOwner: string) =>
  summarizeEvent({
    type: 'ObjectEvent',
    eventTime: '2026-06-01T00:00:00Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
    epcList: ['urn:epc:id:sscc:0614141.1234567890'],
    sourceList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', source: `urn:epc:id:sgln:${sourceOwner.slice(0, 7)}.${sourceOwner.slice(7, 12)}.0` }],
    destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:0012345.00005` }],
  });

describe('authorizeSigner', () => {
  it('lets the prefix owner and its registered contract manufacturer commission', () => {
    expect(authorizeSigner(commissioning(), ACME, acme)).toEqual({ ok: true });
    expect(authorizeSigner(commissioning(), CMO, acme)).toEqual({ ok: true });
  });

  it('refuses a contract manufacturer outside its window, and anyone else', () => {
    expect(authorizeSigner(commissioning('2027-02-01T00:00:00Z'), CMO, acme)).toMatchObject({ ok: false, rule: 'not-prefix-owner' });
    expect(authorizeSigner(commissioning(), WHOLESALER, acme)).toMatchObject({ ok: false, rule: 'not-prefix-owner' });
    expect(authorizeSigner(commissioning(), ACME, registry([]))).toMatchObject({ ok: false, rule: 'unregistered-prefix' });
  });

  it('lets only a named owning or possessing party sign a shipment', () => {
    expect(authorizeSigner(shipping(ACME), ACME, acme)).toEqual({ ok: true });
    expect(authorizeSigner(shipping(ACME), WHOLESALER, acme)).toEqual({ ok: true });
    expect(authorizeSigner(shipping(ACME), CMO, acme)).toMatchObject({ ok: false, rule: 'not-a-trading-party' });
  });

  it('lets only the prefix owner announce a recall of its lots', () => {
    const recall = summarizeEvent({
      type: 'ObjectEvent',
      eventTime: '2026-06-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      disposition: 'recalled',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.012345.L7', quantity: 100 }],
    });
    expect(recall.classes).toEqual([{ gtin: '00614141123452', lot: 'L7' }]);
    expect(authorizeSigner(recall, ACME, acme)).toEqual({ ok: true });
    expect(authorizeSigner(recall, WHOLESALER, acme)).toMatchObject({ ok: false, rule: 'not-prefix-owner', message: expect.stringMatching(/may not recall/) });
  });
});
