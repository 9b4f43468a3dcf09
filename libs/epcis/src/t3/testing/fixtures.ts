import { gs1CheckDigit, toDigitalLink } from '@app/gs1';
import { DSCSA_NAMESPACE, type JsonObject } from '../../signature';
import type { T3Input, T3Party } from '../model';

/** A manufacturer ships a pallet to a wholesaler, who ships one unit on to a pharmacy and sells more of the lot. */
const withCheck = (body: string) => body + gs1CheckDigit(body);
export const GTIN = withCheck('0030001012345'); // urn:epc:id:sgtin:030001.0012345.*
export const LOT = 'A123';
export const MANUFACTURER = withCheck('030001111111'); // urn:epc:id:sgln:030001.111111.0
export const WHOLESALER = withCheck('039999999999'); // named only by Digital Link: its prefix must be passed in
export const PHARMACY = withCheck('031234500001'); // urn:epc:id:sgln:0312345.00001.0
export const PALLET = 'urn:epc:id:sscc:030001.41234567890';
export const CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { gs1ushc: 'http://epcis.gs1us.org/hc/ns', dscsa: DSCSA_NAMESPACE }];

const sgln = (gln: string, prefixLength: number) => `urn:epc:id:sgln:${gln.slice(0, prefixLength)}.${gln.slice(prefixLength, 12)}.0`;
export const M = sgln(MANUFACTURER, 6);
export const W = `https://id.gs1.org/414/${WHOLESALER}`;
export const P = sgln(PHARMACY, 7);
export const unitUrn = (serial: string) => `urn:epc:id:sgtin:030001.0012345.${serial}`;
export const unitLink = (serial: string) => toDigitalLink({ '01': GTIN, '21': serial });

const at = (eventTime: string): JsonObject => ({ eventTime, eventTimeZoneOffset: eventTime.slice(-6) });
const place = (id: string) => ({ readPoint: { id }, bizLocation: { id } });
const transfer = (from: string, to: string, po: string) => ({
  bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:${WHOLESALER}:${po}` }],
  sourceList: [{ type: 'owning_party', source: from }, { type: 'location', source: from }],
  destinationList: [{ type: 'owning_party', destination: to }, { type: 'location', destination: to }],
});

/** EPCIS 2.0 JSON-LD events as capture stores them: bare CBV words, EPC URNs and Digital Links mixed. */
export function scenarioEvents(lot = LOT): JsonObject[] {
  return [
    {
      type: 'ObjectEvent', ...at('2024-03-01T08:00:00.000-05:00'), epcList: ['11', '12', '13'].map(unitLink), action: 'ADD',
      bizStep: 'commissioning', disposition: 'active', ...place(M),
      ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': '2026-03-31' },
    },
    { type: 'ObjectEvent', ...at('2024-03-01T08:30:00-05:00'), epcList: [PALLET], action: 'ADD', bizStep: 'commissioning', disposition: 'active', ...place(M) },
    {
      type: 'AggregationEvent', ...at('2024-03-01T09:00:00-05:00'), eventID: 'urn:uuid:0b4f1a1e-1d7c-4d2a-9c55-2f0e5d0b7a11',
      parentID: PALLET, childEPCs: [unitUrn('11'), unitUrn('12')], action: 'ADD', bizStep: 'packing', disposition: 'in_progress', ...place(M),
    },
    {
      type: 'ObjectEvent', ...at('2024-03-02T09:00:00-05:00'), epcList: [PALLET], action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit',
      readPoint: { id: M }, ...transfer(M, W, 'PO-1'), 'gs1ushc:dropShipment': 'false', 'dscsa:signature': 'eyJhbGciOiJFZERTQSJ9..c2lnbmF0dXJl',
    },
    {
      type: 'ObjectEvent', ...at('2024-03-03T10:00:00-06:00'), epcList: [PALLET], action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress',
      ...place(W), ...transfer(M, W, 'PO-1'),
      sensorElementList: [{ sensorMetadata: { time: '2024-03-03T09:59:00-06:00' }, sensorReport: [{ type: 'gs1:Temperature', value: 4.5, uom: 'CEL' }] }],
    },
    { type: 'AggregationEvent', ...at('2024-03-03T11:00:00-06:00'), parentID: PALLET, action: 'DELETE', bizStep: 'unpacking', disposition: 'in_progress', ...place(W) },
    {
      type: 'ObjectEvent', ...at('2024-03-05T12:00:00-06:00'), epcList: [unitUrn('11')], action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit',
      readPoint: { id: W }, ...transfer(W, P, 'PO-2'),
    },
    {
      type: 'TransactionEvent', ...at('2024-03-06T12:00:00-06:00'), action: 'ADD', bizStep: 'shipping', disposition: 'in_transit', readPoint: { id: W },
      ...transfer(W, P, 'PO-3'), quantityList: [{ epcClass: toDigitalLink({ '01': GTIN, '10': lot }), quantity: 2, uom: 'EA' }],
    },
    {
      type: 'TransformationEvent', ...at('2024-03-07T08:00:00-05:00'), inputEPCList: [unitUrn('13')],
      outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}`, quantity: 30 }], transformationID: 'urn:uuid:7c1a3f52-5b0e-4c6b-8f0d-1c2b3a4d5e6f',
      bizStep: 'repackaging', disposition: 'active', ...place(M), ilmd: { 'cbvmda:lotNumber': 'B7' },
    },
  ];
}

export const PARTIES: T3Party[] = [
  { gln: MANUFACTURER, name: 'GS1 Pharma', address: { streetAddressOne: '1 Biopharm Ct', city: 'Thousand Oaks', state: 'CA', postalCode: '91320', countryCode: 'US' } },
  { gln: WHOLESALER, name: 'GS1 Drug Distributor', address: { streetAddressOne: '230 Park Ave S', city: 'New York', state: 'NY', postalCode: '10003-1502', countryCode: 'US' } },
  { gln: PHARMACY, name: 'Corner Pharmacy' },
];

export function scenario(overrides: Partial<T3Input> = {}): T3Input {
  return {
    creationDate: '2024-04-01T12:00:00Z',
    sender: WHOLESALER,
    receiver: PHARMACY,
    product: { gtin: GTIN, serial: '11' },
    masterData: { name: 'Epcistra', ndc: '0001-0123-45', dosageForm: 'TABLET', strength: '100mg', containerSize: '500 tablets', manufacturerName: 'GS1 Pharma LLC' },
    parties: PARTIES,
    events: scenarioEvents(),
    context: CONTEXT,
    companyPrefixes: ['039999'],
    legalNotice: 'Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G).',
    ...overrides,
  };
}
