import { validateEpcisInput } from '../validation';
import { t3Json } from '.';
import { CONTEXT, GTIN, LOT, PARTIES, scenario, scenarioEvents } from './testing/fixtures';

const [manufacturer, wholesaler, pharmacy] = PARTIES;
const po = (n: number) => ({ type: 'po', id: `urn:epcglobal:cbv:bt:0399999999991:PO-${n}` });

describe('t3Json', () => {
  it('gives the DSCSA transaction information of the latest transaction of a package', () => {
    expect(t3Json(scenario()).transactionInformation).toEqual({
      productName: 'Epcistra',
      strength: '100mg',
      dosageForm: 'TABLET',
      ndc: '0001-0123-45',
      containerSize: '500 tablets',
      manufacturerName: 'GS1 Pharma LLC',
      gtin: GTIN,
      serialNumber: '11',
      lotNumber: LOT, // from the commissioning event's ILMD
      expirationDate: '2026-03-31',
      numberOfContainers: 1,
      transactionDate: '2024-03-05T12:00:00-06:00',
      shipmentDate: '2024-03-05T12:00:00-06:00',
      seller: wholesaler,
      buyer: pharmacy,
      businessTransactions: [po(2)],
    });
  });

  it('lists the transaction history oldest first, whatever order the events come in; a shipment and its receipt are one transaction', () => {
    const history = [
      { date: '2024-03-02T09:00:00-05:00', shipmentDate: '2024-03-02T09:00:00-05:00', from: manufacturer, to: wholesaler, quantity: 1, businessTransactions: [po(1)] },
      { date: '2024-03-05T12:00:00-06:00', shipmentDate: '2024-03-05T12:00:00-06:00', from: wholesaler, to: pharmacy, quantity: 1, businessTransactions: [po(2)] },
    ];
    expect(t3Json(scenario()).transactionHistory).toEqual(history);
    expect(t3Json(scenario({ events: scenarioEvents().reverse() })).transactionHistory).toEqual(history);
  });

  it('orders by the instant, not the local time: 08:30-06:00 comes after 09:00-05:00', () => {
    const events = scenarioEvents();
    const shipToPharmacy = { ...events[6], eventTime: '2024-03-02T08:30:00-06:00' }; // 14:30Z, after 14:00Z
    const history = t3Json(scenario({ events: [...events.slice(0, 6), shipToPharmacy].reverse() })).transactionHistory;
    expect(history.map((t) => t.businessTransactions[0].id.slice(-4))).toEqual(['PO-1', 'PO-2']);
  });

  it('counts the units of a lot inside shipped containers and in quantity lists', () => {
    const t3 = t3Json(scenario({ product: { gtin: GTIN, lot: LOT } }));
    expect(t3.transactionHistory.map(({ from, to, quantity }) => [from.name, to.name, quantity])).toEqual([
      ['GS1 Pharma', 'GS1 Drug Distributor', 2], // units 11 and 12 on the pallet
      ['GS1 Drug Distributor', 'Corner Pharmacy', 1],
      ['GS1 Drug Distributor', 'Corner Pharmacy', 2], // the lot-level TransactionEvent's quantity list
    ]);
    expect(t3.transactionInformation).toMatchObject({ lotNumber: LOT, expirationDate: '2026-03-31', numberOfContainers: 2, businessTransactions: [po(3)] });
    expect(t3.transactionInformation.serialNumber).toBeUndefined();
  });

  it('has no transaction for a package that never changed hands', () => {
    const t3 = t3Json(scenario({ product: { gtin: GTIN, serial: '13' } }));
    expect(t3.transactionHistory).toEqual([]);
    expect(t3.transactionInformation).toMatchObject({ serialNumber: '13', lotNumber: LOT, numberOfContainers: 0, businessTransactions: [] });
    expect(t3.transactionInformation.seller).toBeUndefined();
  });

  it('affirms the transaction statement, in the T3 and in the EPCIS header', () => {
    const t3 = t3Json(scenario());
    const notice = 'Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G).';
    expect(t3.transactionStatement).toEqual({ affirmTransactionStatement: true, legalNotice: notice });
    expect((t3.epcisDocument.epcisHeader as Record<string, unknown>)['gs1ushc:dscsaTransactionStatement']).toEqual({
      'gs1ushc:affirmTransactionStatement': true,
      'gs1ushc:legalNotice': notice,
    });
  });

  it('carries the events, master data and SBDH parties in a valid EPCIS 2.0 JSON-LD document', () => {
    const input = scenario();
    const document = t3Json(input).epcisDocument;
    expect(validateEpcisInput(JSON.stringify(document), 'json', 'document')).toEqual([]);
    expect(document).toMatchObject({ '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: input.creationDate, sender: input.sender, receiver: input.receiver });
    expect((document.epcisBody as { eventList: unknown[] }).eventList).toEqual(input.events);
    const vocabularies = (document.epcisHeader as { epcisMasterData: { vocabularyList: { type: string; vocabularyElementList: { id: string }[] }[] } }).epcisMasterData.vocabularyList;
    expect(vocabularies.map((v) => [v.type, v.vocabularyElementList.map((e) => e.id)])).toEqual([
      ['urn:epcglobal:epcis:vtype:EPCClass', ['urn:epc:idpat:sgtin:030001.0012345.*', 'urn:epc:class:lgtin:030001.0012345.A123']],
      ['urn:epcglobal:epcis:vtype:BusinessLocation', ['urn:epc:id:sgln:030001.111111.0', 'urn:epc:id:sgln:039999.999999.0', 'urn:epc:id:sgln:0312345.00001.0']],
    ]);
  });

  it('declares the gs1ushc prefix when the events were captured without it', () => {
    const document = t3Json(scenario({ context: undefined })).epcisDocument;
    expect(document['@context']).toEqual(['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { gs1ushc: 'http://epcis.gs1us.org/hc/ns' }]);
  });

  it('is deterministic: the same input gives the same JSON', () => {
    expect(JSON.stringify(t3Json(scenario()))).toBe(JSON.stringify(t3Json(scenario())));
  });
});
