import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gs1CheckDigit } from '@app/gs1';
import { locationName, parseEpcisDocument, productMasterData, type EpcisDocumentModel } from '../document';
import { eventHashId } from '../event-hash';
import { summarizeEvent } from '../event-summary';
import type { JsonObject } from '../signature';
import { validateEpcisInput } from '../validation';
import { CompanyPrefixes, epcUrn } from './identifiers';
import { T3Error, t3Party, t3ProductMasterData, t3Xml, type T3Input } from '.';
import { CONTEXT, GTIN, LOT, MANUFACTURER, PARTIES, PHARMACY, WHOLESALER, scenario, scenarioEvents, unitLink } from './testing/fixtures';
import { useOfficialSchemas } from '../validation/testing/official-schemas';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const GS1_US_EXAMPLE = path.join(CONFORMANCE, 'epcis-documents/1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml');

useOfficialSchemas();

const xsdIssues = (xml: string) => validateEpcisInput(xml, 'xml-1.2', 'document');
const hashIds = (events: JsonObject[], context: unknown) => events.map((e) => eventHashId(e, { context }));

/** Reads the output back with the project's own parser, checking first that it is valid against the 1.2 XSD. */
function readBack(input: T3Input): { xml: string; model: EpcisDocumentModel } {
  const xml = t3Xml(input);
  expect(xsdIssues(xml)).toEqual([]);
  const model = parseEpcisDocument(xml, { contentType: 'application/xml' });
  expect(model.format).toBe('xml-1.2');
  return { xml, model };
}

describe('t3Xml: EPCIS 1.2 in the GS1 US DSCSA layout', () => {
  it('is valid against the official EPCIS 1.2 XSD: commissioning with ILMD, packing, shipping and receiving with source, destination and business transactions, quantity lists, transformation', () => {
    const xml = t3Xml(scenario());
    expect(xsdIssues(xml)).toEqual([]);
    for (const fragment of ['<ObjectEvent>', '<AggregationEvent>', '<TransactionEvent>', '<extension>\n        <TransformationEvent>', '<quantityList>', '<ilmd>', '<bizTransactionList>']) {
      expect(xml).toContain(fragment);
    }
  });

  it('the XSD check catches a layout mistake (ILMD outside the 1.2 extension, a missing action)', () => {
    const xml = t3Xml(scenario());
    const ilmdUnwrapped = xml.replace(/<extension>(\s*<ilmd>[\s\S]*?<\/ilmd>\s*)<\/extension>/, '$1');
    expect(ilmdUnwrapped).not.toBe(xml);
    expect(xsdIssues(ilmdUnwrapped)).toEqual([expect.objectContaining({ rule: 'xsd-unexpected-element', eventIndex: 0 })]);
    expect(xsdIssues(xml.replace('<action>OBSERVE</action>', '')).length).toBeGreaterThan(0);
  });

  it('writes the SBDH, the master data vocabularies and the affirmed transaction statement', () => {
    const { model } = readBack(scenario());
    expect(model.header?.sbdh).toMatchObject({ sender: WHOLESALER, receiver: PHARMACY, standard: 'EPCglobal', type: 'Events', creationDateAndTime: '2024-04-01T12:00:00Z' });
    expect(model.header?.dscsaTransactionStatement).toEqual({
      'gs1ushc:affirmTransactionStatement': 'true',
      'gs1ushc:legalNotice': 'Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G).',
    });
    expect(model.masterData.epcClass['urn:epc:idpat:sgtin:030001.0012345.*']).toMatchObject({
      'urn:epcglobal:cbv:mda#additionalTradeItemIdentification': '00001012345',
      'urn:epcglobal:cbv:mda#additionalTradeItemIdentificationTypeCode': 'FDA_NDC_11',
    });
    expect(model.masterData.epcClass['urn:epc:class:lgtin:030001.0012345.A123']).toEqual({
      'urn:epcglobal:cbv:mda#lotNumber': LOT,
      'urn:epcglobal:cbv:mda#itemExpirationDate': '2026-03-31',
    });
    expect(t3ProductMasterData(productMasterData(model, GTIN))).toEqual({ ...scenario().masterData, ndc: '00001012345' });
    const sglns = ['urn:epc:id:sgln:030001.111111.0', 'urn:epc:id:sgln:039999.999999.0', 'urn:epc:id:sgln:0312345.00001.0'];
    expect(Object.keys(model.masterData.location)).toEqual(sglns);
    PARTIES.forEach((party, i) => {
      expect(locationName(model, party.gln)).toBe(party.name);
      expect(t3Party(party.gln, model.masterData.location[sglns[i]])).toEqual(party);
    });
  });

  it('writes events in their 1.2 form: EPC URNs, CBV URNs, the 1.2 extension placement', () => {
    const xml = t3Xml(scenario());
    for (const urn of [
      'urn:epc:id:sgtin:030001.0012345.11', // was a Digital Link
      'urn:epc:id:sgln:039999.999999.0', // a Digital Link, split by the prefix passed in
      'urn:epc:class:lgtin:030001.0012345.A123',
      'urn:epc:idpat:sgtin:030001.0012345.*',
      '<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>',
      '<disposition>urn:epcglobal:cbv:disp:in_transit</disposition>',
      '<bizTransaction type="urn:epcglobal:cbv:btt:po">',
      '<source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:sgln:030001.111111.0</source>',
      '<cbvmda:lotNumber>A123</cbvmda:lotNumber>',
      '<baseExtension>\n          <eventID>',
    ]) {
      expect(xml).toContain(urn);
    }
    expect(xml).not.toContain('https://id.gs1.org');
  });

  it('round trip: the parser reads back the same events, with the same CBV event hash IDs', () => {
    const input = scenario();
    const { model } = readBack(input);
    expect(model.events).toHaveLength(input.events.length);
    expect(hashIds(model.events, model.context)).toEqual(hashIds(input.events, CONTEXT));
    // What custody rules read agrees too, but for a GTIN-only class: summarizeEvent does not read the 1.2 idpat form.
    const summaries = (events: JsonObject[]) => events.map((e, i) => ({ ...summarizeEvent(e, i), classes: i === 8 ? [] : summarizeEvent(e, i).classes }));
    expect(summaries(model.events)).toEqual(summaries(input.events));
    expect(input.events[8].outputQuantityList).toEqual([{ epcClass: `https://id.gs1.org/01/${GTIN}`, quantity: 30 }]);
    expect(model.events[8].outputQuantityList).toEqual([{ epcClass: 'urn:epc:idpat:sgtin:030001.0012345.*', quantity: 30 }]);
    // Extension members come back as written, the signature included.
    expect(model.events[3]).toMatchObject({ 'gs1ushc:dropShipment': 'false', 'dscsa:signature': input.events[3]['dscsa:signature'] });
    expect(model.events[4].sensorElementList).toEqual(input.events[4].sensorElementList);
  });

  it('round trip of the GS1 US example: its events come back exactly, and its master data', () => {
    const example = parseEpcisDocument(readFileSync(GS1_US_EXAMPLE), { contentType: 'application/xml' });
    const glns = Object.keys(example.masterData.location).map((sgln) => {
      const [prefix, reference] = sgln.split(':').pop()!.split('.');
      return [prefix + reference, sgln] as const;
    });
    const input: T3Input = {
      creationDate: '2023-04-02T00:00:00Z',
      sender: MANUFACTURER,
      receiver: WHOLESALER,
      product: { gtin: GTIN, serial: '11' },
      masterData: t3ProductMasterData(productMasterData(example, GTIN)),
      parties: glns.map(([body, sgln]) => t3Party(body + gs1CheckDigit(body), example.masterData.location[sgln])),
      events: example.events,
      context: example.context,
    };
    const { model } = readBack(input);
    expect(model.events).toEqual(example.events);
    expect(hashIds(model.events, model.context)).toEqual(hashIds(example.events, example.context));
    expect(t3ProductMasterData(productMasterData(model, GTIN))).toEqual({ ...input.masterData, ndc: '00001012345' });
    expect(model.masterData.location).toEqual(example.masterData.location);
  });

  it('escapes markup and quotes, and replaces characters XML cannot hold, in names, lots and addresses', () => {
    const hostileName = `Smith & Sons <"Pharma"> 'Ltd' ]]> \u0001\u0007\uFFFF end`;
    const hostileLot = `L<&"'>1`; // all in GS1 character set 82: a valid lot
    const parties = [{ gln: MANUFACTURER, name: hostileName, address: { streetAddressOne: 'Line 1\r\nLine 2\tTab', city: '</city>' } }];
    const events = scenarioEvents(hostileLot);
    events[8].ilmd = { 'cbvmda:lotNumber': 'B7\u0000<x/>' };
    const input = scenario({ parties, events, product: { gtin: GTIN, lot: hostileLot }, masterData: { name: '"Epcistra" <b>&amp;</b>' } });
    const { xml, model } = readBack(input);
    expect(xml).not.toMatch(/<"|<b>|<x\/>|<\/city><\/attribute>/);
    expect(locationName(model, MANUFACTURER)).toBe(`Smith & Sons <"Pharma"> 'Ltd' ]]> \uFFFD\uFFFD\uFFFD end`);
    expect(t3Party(MANUFACTURER, model.masterData.location['urn:epc:id:sgln:030001.111111.0']).address).toEqual({ streetAddressOne: 'Line 1\r\nLine 2\tTab', city: '</city>' });
    expect(t3ProductMasterData(productMasterData(model, GTIN)).name).toBe('"Epcistra" <b>&amp;</b>');
    expect(model.events[0].ilmd).toEqual({ 'cbvmda:lotNumber': hostileLot, 'cbvmda:itemExpirationDate': '2026-03-31' });
    expect(model.events[8].ilmd).toEqual({ 'cbvmda:lotNumber': 'B7\uFFFD<x/>' });
    expect(model.masterData.epcClass[`urn:epc:class:lgtin:030001.0012345.L%3C%26%22'%3E1`]).toMatchObject({ 'urn:epcglobal:cbv:mda#lotNumber': hostileLot });
    // The Digital Link's escapes (%27 for ') are kept in the URN, so even the hostile lot's events keep their IDs.
    expect(xml).toContain(`<epcClass>urn:epc:class:lgtin:030001.0012345.L%3C%26%22%27%3E1</epcClass>`);
    expect(hashIds(model.events.slice(0, 8), model.context)).toEqual(hashIds(events.slice(0, 8), CONTEXT));
  });

  it('is deterministic: the same input gives the same bytes', () => {
    expect(t3Xml(scenario())).toBe(t3Xml(scenario()));
    expect(t3Xml(scenario())).not.toBe(t3Xml(scenario({ creationDate: '2024-04-02T12:00:00Z' })));
  });

  it('refuses input it cannot write faithfully', () => {
    // a party's GLN without a known prefix stays a Digital Link, which EPCIS 1.2 takes as a URI
    const partiesAsLinks = t3Xml(scenario({ companyPrefixes: [] }));
    expect(partiesAsLinks).toContain('https://id.gs1.org/414/0399999999991');
    expect(xsdIssues(partiesAsLinks)).toEqual([]);
    // a product's cannot: its class and serial URNs need the prefix
    const productWithoutPrefix = () => epcUrn(unitLink('11'), new CompanyPrefixes());
    expect(productWithoutPrefix).toThrow(T3Error);
    expect(productWithoutPrefix).toThrow(/company prefix/);
    expect(epcUrn(unitLink('11'), new CompanyPrefixes(['030001']))).toBe('urn:epc:id:sgtin:030001.0012345.11');
    expect(() => t3Xml(scenario({ masterData: { ndc: '0001012345' } }))).toThrow(/NDC/);
    const unprefixed = scenarioEvents();
    unprefixed[3] = { ...unprefixed[3], dropShipment: false };
    expect(() => t3Xml(scenario({ events: unprefixed }))).toThrow(/dropShipment/);
    unprefixed[3] = { ...scenarioEvents()[3], 'epcis:note': 'x' }; // would read back as a standard member
    expect(() => t3Xml(scenario({ events: unprefixed }))).toThrow(/epcis:note/);
    expect(() => t3Xml(scenario({ product: { gtin: GTIN } as never }))).toThrow(/serial or a lot/);
    expect(() => t3Xml(scenario({ events: [{ type: 'ObjectEvent', epcList: [unitLink('11')] }] }))).toThrow(/eventTime/);
  });
});
