/** Test helpers (not exported from the library): a realistic DSCSA supply chain built from EPCIS 2.0 JSON events. */
import { canonicalEpc, summarizeEvent } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import type { PrefixOwner, RegistryView } from '../authorization';
import type { AssessInput, CustodyEvent, PartnerFacts } from '../model';

const gln = (body: string) => body + gs1CheckDigit(body);
export const MAKER = gln('061414100000');
export const WHOLESALER = gln('001234500005');
export const PHARMACY = gln('009876500001');
export const OTHER_PHARMACY = gln('009876500002');
export const ROGUE = gln('077777700000');

export const sgtin = (serial: string) => `urn:epc:id:sgtin:0614141.012345.${serial}`;
export const S = (n: number) => canonicalEpc(sgtin(`S${n}`));
export const GTIN = '00614141123452';
export const CASE_URN = 'urn:epc:id:sscc:0614141.1000000001';
export const CASE2_URN = 'urn:epc:id:sscc:0614141.1000000002';
export const PALLET_URN = 'urn:epc:id:sscc:0614141.2000000001';
export const CASE = canonicalEpc(CASE_URN);
export const CASE2 = canonicalEpc(CASE2_URN);
export const PALLET = canonicalEpc(PALLET_URN);
export const LOT = 'L1';
export const EXPIRY = '2027-06-30';
export const TODAY = '2026-03-12';

const party = (id: string) => `https://id.gs1.org/417/${id}`;
const site = (id: string) => ({ id: `https://id.gs1.org/414/${id}` });
const owners = (from: string, to: string) => ({
  sourceList: [{ type: 'owning_party', source: party(from) }],
  destinationList: [{ type: 'owning_party', destination: party(to) }],
});

const licence = (kind: string) => ({ kind, validFrom: '2025-01-01T00:00:00Z', validUntil: '2028-01-01T00:00:00Z' });
export const partners = (): Map<string, PartnerFacts> =>
  new Map(
    [
      { gln: MAKER, name: 'Acme Pharma', roles: ['manufacturer'], licences: [licence('fda-registration')] },
      { gln: WHOLESALER, name: 'Big Wholesale', roles: ['wholesaler'], licences: [licence('state-wholesale')] },
      { gln: PHARMACY, name: 'Main St Pharmacy', roles: ['dispenser'], licences: [licence('state-pharmacy')] },
      { gln: OTHER_PHARMACY, name: 'Elm St Pharmacy', roles: ['dispenser'], licences: [licence('state-pharmacy')] },
      { gln: ROGUE, name: 'Rogue Trading', roles: ['wholesaler'], licences: [licence('state-wholesale')] },
    ].map((p) => [p.gln, p]),
  );

export const registry: RegistryView = {
  prefixOwner: (gtin): PrefixOwner | undefined => (gtin.slice(1).startsWith('0614141') ? { prefix: '0614141', gln: MAKER, delegates: [] } : undefined),
};

/** Builds events in log order (seq); event IDs are readable names so tests can assert evidence. */
export class ChainBuilder {
  events: CustodyEvent[] = [];

  add(eventId: string, signer: string, eventTime: string, epcis: Record<string, unknown>): this {
    this.events.push({
      eventId,
      seq: this.events.length,
      summary: summarizeEvent({ eventTime, eventTimeZoneOffset: '+00:00', ...epcis }),
      signer: { gln: signer, kid: `${signer}/2026-a`, name: partners().get(signer)?.name },
      recordTime: eventTime.replace(/Z$/, '.5Z'),
      signatureValid: true,
      inclusionVerified: true,
    });
    return this;
  }

  commission(id: string, signer: string, at: string, serials: string[], ilmd = { lot: LOT, expiry: EXPIRY }): this {
    return this.add(id, signer, at, {
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: serials.map(sgtin),
      bizLocation: site(signer),
      ilmd: { 'cbvmda:lotNumber': ilmd.lot, 'cbvmda:itemExpirationDate': ilmd.expiry },
    });
  }

  pack(id: string, signer: string, at: string, parent: string, children: string[]): this {
    return this.add(id, signer, at, { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: parent, childEPCs: children, bizLocation: site(signer) });
  }

  /** No children: everything leaves the parent. */
  unpack(id: string, signer: string, at: string, parent: string, children?: string[]): this {
    return this.add(id, signer, at, { type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', parentID: parent, childEPCs: children, bizLocation: site(signer) });
  }

  ship(id: string, signer: string, at: string, epcs: string[], from: string, to: string, disposition = 'in_transit'): this {
    return this.add(id, signer, at, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', disposition, epcList: epcs, readPoint: site(signer), ...owners(from, to) });
  }

  receive(id: string, signer: string, at: string, epcs: string[], from: string, to: string, disposition = 'in_progress'): this {
    return this.add(id, signer, at, { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', disposition, epcList: epcs, bizLocation: site(signer), ...owners(from, to) });
  }

  observe(id: string, signer: string, at: string, epcs: string[], bizStep: string, disposition: string, action = 'OBSERVE'): this {
    return this.add(id, signer, at, { type: 'ObjectEvent', action, bizStep, disposition, epcList: epcs, bizLocation: site(signer) });
  }

  drop(...ids: string[]): this {
    this.events = this.events.filter((e) => !ids.includes(e.eventId));
    return this;
  }

  patch(id: string, change: Partial<CustodyEvent>): this {
    this.events = this.events.map((e) => (e.eventId === id ? { ...e, ...change } : e));
    return this;
  }
}

/**
 * Acme commissions S1-S3 into CASE and S4 into CASE2, palletizes both cases and ships the pallet to
 * Big Wholesale; the wholesaler breaks the pallet, ships CASE to Main St Pharmacy and CASE2 elsewhere;
 * the pharmacy unpacks CASE, retires its SSCC and dispenses S1.
 */
export function happyChain(): ChainBuilder {
  return new ChainBuilder()
    .commission('commission', MAKER, '2026-03-01T08:00:00Z', ['S1', 'S2', 'S3'])
    .commission('commissionS4', MAKER, '2026-03-01T08:05:00Z', ['S4'])
    .pack('packCase', MAKER, '2026-03-01T09:00:00Z', CASE_URN, [sgtin('S1'), sgtin('S2'), sgtin('S3')])
    .pack('packCase2', MAKER, '2026-03-01T09:05:00Z', CASE2_URN, [sgtin('S4')])
    .pack('packPallet', MAKER, '2026-03-01T10:00:00Z', PALLET_URN, [CASE_URN, CASE2_URN])
    .ship('shipPallet', MAKER, '2026-03-02T08:00:00Z', [PALLET_URN], MAKER, WHOLESALER)
    .receive('receivePallet', WHOLESALER, '2026-03-03T14:00:00Z', [PALLET_URN], MAKER, WHOLESALER)
    .unpack('unpackPallet', WHOLESALER, '2026-03-03T15:00:00Z', PALLET_URN)
    .ship('shipCase', WHOLESALER, '2026-03-05T09:00:00Z', [CASE_URN], WHOLESALER, PHARMACY)
    .ship('shipCase2', WHOLESALER, '2026-03-05T09:30:00Z', [CASE2_URN], WHOLESALER, OTHER_PHARMACY)
    .receive('receiveCase', PHARMACY, '2026-03-06T10:00:00Z', [CASE_URN], WHOLESALER, PHARMACY)
    .unpack('unpackCase', PHARMACY, '2026-03-06T11:00:00Z', CASE_URN, [sgtin('S1'), sgtin('S2'), sgtin('S3')])
    .observe('retireCase', PHARMACY, '2026-03-06T11:05:00Z', [CASE_URN], 'decommissioning', 'inactive', 'DELETE')
    .observe('dispenseS1', PHARMACY, '2026-03-10T16:00:00Z', [sgtin('S1')], 'dispensing', 'dispensed');
}

/** The pharmacy scans S2 on TODAY. */
export function input(chain: ChainBuilder, change: Partial<AssessInput> = {}): AssessInput {
  return { item: S(2), label: { lot: LOT, expiry: EXPIRY }, events: chain.events, partners: partners(), registry, recalls: [], scanner: PHARMACY, today: TODAY, ...change };
}
