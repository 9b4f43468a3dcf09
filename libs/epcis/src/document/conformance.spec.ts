import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import { CbvVersion, eventHashId, preHashString } from '../event-hash';
import {
  EpcisDocumentModel,
  locationName,
  mdaAttribute,
  parseEpcisDocument,
  parseEpcisEvent,
  productMasterData,
  toJsonLdDocument,
  toJsonLdEvent,
} from '.';

/** Shared conformance data (shared/conformance/README.md), read in place, never copied. */
const CONFORMANCE = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const HASH_VECTORS = path.join(CONFORMANCE, 'epcis-event-hash');
const DOCUMENTS = path.join(CONFORMANCE, 'epcis-documents');

const baseName = (file: string) => path.basename(file).replace(/\.(json|jsonld|xml)$/, '');
const hashesOf = (events: Record<string, unknown>[], context: unknown[], cbvVersion: CbvVersion = '2.0') =>
  events.map((event) => eventHashId(event, { context, cbvVersion }));
const modelHashes = (model: EpcisDocumentModel, cbvVersion?: CbvVersion) =>
  hashesOf(model.events, model.context, cbvVersion);

/** `\n`-separated lines, final newline optional (epcis-event-hash/README.md). */
function lines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

describe('XML documents of the event hash vectors', () => {
  const documents = readdirSync(path.join(HASH_VECTORS, 'documents')).sort();
  const expectedPath = (file: string, version: CbvVersion) =>
    path.join(HASH_VECTORS, 'expected', `CBV${version}`, baseName(file));
  const xmlDocuments = documents.filter((file) => file.endsWith('.xml'));
  const cases = xmlDocuments.flatMap((file) =>
    (['2.0', '2.1'] as const)
      .filter((version) => existsSync(`${expectedPath(file, version)}.hashes`))
      .map((version) => [file, version] as const),
  );

  it('covers every XML document', () => {
    expect(new Set(cases.map(([file]) => file)).size).toBe(xmlDocuments.length);
  });

  it.each(cases)('%s, CBV %s: every event’s pre-hash string and hash ID', (file, version) => {
    const model = parseEpcisDocument(readFileSync(path.join(HASH_VECTORS, 'documents', file)));
    const expected = expectedPath(file, version);
    const options = { context: model.context, cbvVersion: version };
    expect(model.events.map((event) => preHashString(event, options))).toEqual(lines(`${expected}.prehashes`));
    expect(modelHashes(model, version)).toEqual(lines(`${expected}.hashes`));
  });

  const twins = xmlDocuments.flatMap((xml) =>
    documents.filter((f) => f !== xml && baseName(f) === baseName(xml)).map((json) => [xml, json] as const),
  );
  it.each(twins)('%s hashes like its JSON twin %s', (xml, json) => {
    const read = (file: string) => parseEpcisDocument(readFileSync(path.join(HASH_VECTORS, 'documents', file)));
    expect(modelHashes(read(xml))).toEqual(modelHashes(read(json)));
  });
});

describe('EPCIS documents (openepcis test resources)', () => {
  const folders = [
    '1.2/xml/capture/valid',
    ...['json', 'xml'].flatMap((s) => [`2.0/${s}/capture/valid`, `2.0/${s}/capture/events`, `2.0/${s}/query/valid`]),
  ];
  const files = folders.flatMap((folder) => readdirSync(path.join(DOCUMENTS, folder)).map((f) => `${folder}/${f}`));
  const read = (file: string) => readFileSync(path.join(DOCUMENTS, file));
  /** Bare events sit in the events folders, and two more in the 1.2 folder (epcis-documents/README.md). */
  const isBareEvent = (file: string) => file.includes('/events/') || /\/Single_event/.test(file);
  /**
   * Two files in the 1.2 folder are EPCIS 2.0 (epcis-documents/README.md); `Single_event.xml` is a bare event with
   * neither namespace nor schemaVersion nor 1.2 wrapper, so nothing marks it as 1.2 and it reads as 2.0.
   */
  const READ_AS_2_0 = ['Document_with_namespace.xml', 'Single_event_with_namespace.xml', 'Single_event.xml'];
  const formatOf = (file: string) =>
    file.endsWith('.json')
      ? 'json'
      : file.startsWith('1.2/') && !READ_AS_2_0.includes(path.basename(file))
        ? 'xml-1.2'
        : 'xml-2.0';

  /** Event elements or objects in the raw text, to hold the parsed count to an independent one. */
  function rawEventCount(file: string): number {
    const text = read(file).toString('utf8').replace(/<!--[\s\S]*?-->/g, '');
    const pattern = file.endsWith('.xml')
      ? /<(?:[\w-]+:)?(?:Object|Aggregation|Transaction|Transformation|Association)Event[\s>]/g
      : /"type"\s*:\s*"(?:Object|Aggregation|Transaction|Transformation|Association)Event"/g;
    return text.match(pattern)?.length ?? 0;
  }

  const documents = files.filter((file) => !isBareEvent(file));
  it.each(documents)('%s parses, with every event', (file) => {
    const model = parseEpcisDocument(read(file));
    expect(model.format).toBe(formatOf(file));
    expect(model.events).toHaveLength(rawEventCount(file));
    for (const event of model.events) expect(event.type).toMatch(/Event$/);
    expect(modelHashes(model)).toHaveLength(model.events.length);
  });

  it.each(files.filter(isBareEvent))('%s parses as a single event, and not as a document', (file) => {
    const { event, context, format } = parseEpcisEvent(read(file));
    expect(format).toBe(formatOf(file));
    expect(event.type).toMatch(/Event$/);
    expect(eventHashId(event, { context })).toMatch(/^ni:/);
    expect(() => parseEpcisDocument(read(file))).toThrow(expect.objectContaining({ rule: 'not-a-document' }));
  });

  /** JSON/XML pairs of the same events (epcis-documents/README.md "JSON and XML pairs"). */
  const RENAMED: Record<string, string> = {
    TransformationEvent_with_error_declaration: 'TransformationEvent_with_errorDeclaration',
  };
  const pairs = files
    .filter((file) => file.endsWith('.json'))
    .map((json) => {
      const xmlName = `${RENAMED[baseName(json)] ?? baseName(json)}.xml`;
      const xml = path.join(path.dirname(json).replace('/json/', '/xml/'), xmlName);
      return [json, files.includes(xml) ? xml : undefined] as const;
    })
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
  const eventsOf = (file: string) => {
    if (!isBareEvent(file)) return parseEpcisDocument(read(file));
    const { event, context } = parseEpcisEvent(read(file));
    return { events: [event], context };
  };
  /** Twins that differ: the XML gives the second vehicle an empty `<rail:vehicleMasterGIAI/>`, the JSON does not. */
  const DIFFERENT = '2.0/json/capture/events/TransactionEvent.json';

  it.each(pairs.filter(([json]) => json !== DIFFERENT))('%s and %s hold the same events', (json, xml) => {
    const [a, b] = [json, xml].map((file) => {
      const { events, context } = eventsOf(file);
      return hashesOf(events, context);
    });
    expect(b).toEqual(a);
  });

  it(`${DIFFERENT} differs from its XML twin only by the empty element the JSON leaves out`, () => {
    const json = eventsOf(DIFFERENT);
    const xml = eventsOf(DIFFERENT.replace(/json/g, 'xml'));
    const vehicles = xml.events[0]['rail:vehicle'] as Record<string, unknown>[];
    expect(vehicles[1]['rail:vehicleMasterGIAI']).toBe('');
    expect(hashesOf(xml.events, xml.context)).not.toEqual(hashesOf(json.events, json.context));
    delete vehicles[1]['rail:vehicleMasterGIAI'];
    expect(hashesOf(xml.events, xml.context)).toEqual(hashesOf(json.events, json.context));
  });
});

describe('GS1 US DSCSA guideline example (EPCIS 1.2, SBDH, master data)', () => {
  const model = parseEpcisDocument(
    readFileSync(path.join(DOCUMENTS, '1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml')),
    { contentType: 'application/xml' },
  );

  it('has the eight events: three commissioning, four packing, one shipping', () => {
    expect(model.format).toBe('xml-1.2');
    expect(model.schemaVersion).toBe('1.2');
    expect(model.events.map((e) => [e.type, e.bizStep])).toEqual([
      ['ObjectEvent', 'urn:epcglobal:cbv:bizstep:commissioning'],
      ['ObjectEvent', 'urn:epcglobal:cbv:bizstep:commissioning'],
      ...Array(3).fill(['AggregationEvent', 'urn:epcglobal:cbv:bizstep:packing']),
      ['ObjectEvent', 'urn:epcglobal:cbv:bizstep:commissioning'],
      ['AggregationEvent', 'urn:epcglobal:cbv:bizstep:packing'],
      ['ObjectEvent', 'urn:epcglobal:cbv:bizstep:shipping'],
    ]);
  });

  it('flattens the 1.2 extension wrappers into the 2.0 members', () => {
    expect(model.events[0].ilmd).toEqual({ 'cbvmda:lotNumber': 'A123', 'cbvmda:itemExpirationDate': '2025-03-27' });
    expect(model.events[7]).toMatchObject({
      readPoint: { id: 'urn:epc:id:sgln:030001.111121.0' },
      bizTransactionList: [
        { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0399999999991:XYZPO189' },
        { type: 'urn:epcglobal:cbv:btt:desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0300011111215:DEL100' },
      ],
      sourceList: [
        { type: 'urn:epcglobal:cbv:sdt:owning_party', source: 'urn:epc:id:sgln:030001.111111.0' },
        { type: 'urn:epcglobal:cbv:sdt:location', source: 'urn:epc:id:sgln:030001.111121.0' },
      ],
      destinationList: [
        { type: 'urn:epcglobal:cbv:sdt:owning_party', destination: 'urn:epc:id:sgln:039999.999999.0' },
        { type: 'urn:epcglobal:cbv:sdt:location', destination: 'urn:epc:id:sgln:039999.345678.0' },
      ],
      'gs1ushc:dropShipment': 'false',
    });
    expect(model.context).toContainEqual({ gs1ushc: 'http://epcis.gs1us.org/hc/ns' });
    expect(model.context).toContainEqual({ cbvmda: 'urn:epcglobal:cbv:mda' });
    const sbdh = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';
    expect(model.context).toContainEqual({ sbdh });
  });

  it('keeps the SBDH and the DSCSA transaction statement', () => {
    expect(model.header?.sbdh).toEqual({
      headerVersion: '1.0',
      sender: 'urn:epc:id:sgln:030001.111111.0',
      receiver: 'urn:epc:id:sgln:039999.999999.0',
      standard: 'EPCglobal',
      typeVersion: '1.0',
      instanceIdentifier: '1100220001',
      type: 'Events',
      creationDateAndTime: '2023-04-01T08:45:16Z',
    });
    expect(model.header?.dscsaTransactionStatement).toEqual({
      'gs1ushc:affirmTransactionStatement': 'true',
      'gs1ushc:legalNotice': 'Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G).',
    });
    expect(model.header?.extensions?.['gs1ushc:guidelineVersion']).toBe('GS1 US DSCSA R1.3');
  });

  it('keeps product master data with NDC and name, found by any form of the GTIN', () => {
    const product = model.masterData.epcClass['urn:epc:idpat:sgtin:030001.0012345.*'];
    expect(product).toMatchObject({
      'urn:epcglobal:cbv:mda#additionalTradeItemIdentification': '0001-0123-45',
      'urn:epcglobal:cbv:mda#additionalTradeItemIdentificationTypeCode': 'US_FDA_NDC',
      'urn:epcglobal:cbv:mda#regulatedProductName': 'Epcistra',
      'urn:epcglobal:cbv:mda#dosageFormType': 'PILL',
      'urn:epcglobal:cbv:mda#strengthDescription': '100mg',
    });
    expect(Object.keys(model.masterData.epcClass)).toHaveLength(2);
    const sameProduct = ['urn:epc:id:sgtin:030001.0012345.11', 'https://id.gs1.org/01/00300010123455/21/11', '00300010123455'];
    for (const id of sameProduct) expect(productMasterData(model, id)).toBe(product);
    const caseProduct = productMasterData(model, 'urn:epc:id:sgtin:030001.1012345.110');
    expect(mdaAttribute(caseProduct, 'regulatedProductName')).toBe('Epcistra');
    expect(productMasterData(model, 'urn:epc:id:sgtin:030001.0099999.1')).toBeUndefined();
  });

  it('keeps location master data with names, found by SGLN or GLN', () => {
    expect(Object.keys(model.masterData.location)).toHaveLength(4);
    expect(model.masterData.location['urn:epc:id:sgln:039999.345678.0']).toMatchObject({
      'urn:epcglobal:cbv:mda#city': 'Louisville',
      'urn:epcglobal:cbv:mda#state': 'KY',
      'urn:epcglobal:cbv:mda#postalCode': '40218',
    });
    expect(locationName(model, 'urn:epc:id:sgln:030001.111121.0')).toBe('GS1 Pharma DC');
    expect(locationName(model, 'https://id.gs1.org/414/0300011111116')).toBe('GS1 Pharma');
    expect(locationName(model, '0399999999991')).toBe('GS1 Drug Distributor');
    expect(locationName(model, 'urn:epc:id:sgln:030001.999999.0')).toBeUndefined();
  });
});

describe('toJsonLdDocument', () => {
  const pharma = path.join(DOCUMENTS, '1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml');
  const hashDocuments = readdirSync(path.join(HASH_VECTORS, 'documents')).map((f) => `epcis-event-hash/documents/${f}`);

  it.each([...hashDocuments, path.relative(CONFORMANCE, pharma)])(
    '%s → JSON-LD → parse keeps every event hash',
    (file) => {
      const model = parseEpcisDocument(readFileSync(path.join(CONFORMANCE, file)));
      const written = JSON.stringify(toJsonLdDocument(model));
      const reread = parseEpcisDocument(written, { contentType: 'application/ld+json' });
      expect(reread.format).toBe('json');
      expect(modelHashes(reread)).toEqual(modelHashes(model));
      expect(modelHashes(reread, '2.1')).toEqual(modelHashes(model, '2.1'));
    },
  );

  it('writes the header, the master data and the SBDH members of the JSON binding', () => {
    const model = parseEpcisDocument(readFileSync(pharma));
    const document = toJsonLdDocument(model);
    expect(document).toMatchObject({
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2023-04-01T08:45:16Z',
      sender: 'urn:epc:id:sgln:030001.111111.0',
      receiver: 'urn:epc:id:sgln:039999.999999.0',
      instanceIdentifier: '1100220001',
    });
    const reread = parseEpcisDocument(JSON.stringify(document));
    expect(reread.masterData).toEqual(model.masterData);
    expect(reread.header?.dscsaTransactionStatement).toEqual(model.header?.dscsaTransactionStatement);
    const { sender, receiver, instanceIdentifier } = model.header?.sbdh ?? {};
    expect(reread.header?.sbdh).toEqual({ sender, receiver, instanceIdentifier });
  });

  it('writes a bare event with its context, which parses back to the same hash', () => {
    const xml = readFileSync(path.join(DOCUMENTS, '2.0/xml/capture/events/ObjectEvent.xml'));
    const { event, context } = parseEpcisEvent(xml);
    const reread = parseEpcisEvent(JSON.stringify(toJsonLdEvent(event, context)));
    expect(eventHashId(reread.event, { context: reread.context })).toBe(eventHashId(event, { context }));
  });
});
