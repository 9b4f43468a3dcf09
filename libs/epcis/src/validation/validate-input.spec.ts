import {
  CBV_BIZ_STEPS,
  CBV_BIZ_TRANSACTION_TYPES,
  CBV_COMPONENTS,
  CBV_DISPOSITIONS,
  CBV_ERROR_REASONS,
  CBV_SOURCE_DEST_TYPES,
  SENSOR_ALERT_TYPES,
  SENSOR_MEASUREMENT_TYPES,
} from './cbv';
import schema from './schemas/epcis-capture.schema.json';
import { EpcisInputError } from './types';
import { validateEpcisInput } from './validate-input';
import { detectXmlVersion } from './xml-input';
import { useOfficialSchemas } from './testing/official-schemas';

useOfficialSchemas();

const CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const jsonEvent = (overrides: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-07-22T10:00:00.000+02:00',
  eventTimeZoneOffset: '+02:00',
  epcList: ['urn:epc:id:sgtin:9521568.025120.1001'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  ...overrides,
});
const jsonDocument = (events: unknown[]) =>
  JSON.stringify({
    '@context': [CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-07-22T10:00:00Z',
    epcisBody: { eventList: events },
  });

const xmlEvent = (name: string, action: string, eventID?: string) =>
  `<${name}><eventTime>2026-07-22T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>` +
  `${eventID ? `<eventID>${eventID}</eventID>` : ''}` +
  (name === 'AggregationEvent'
    ? `<parentID>urn:epc:id:sscc:9521568.0000000001</parentID><childEPCs><epc>urn:epc:id:sgtin:9521568.025120.1</epc></childEPCs>`
    : `<epcList><epc>urn:epc:id:sgtin:9521568.025120.1</epc></epcList>`) +
  `<action>${action}</action></${name}>`;
const xmlDocument = (events: string, version = '2') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:${version}" schemaVersion="${version === '2' ? '2.0' : '1.2'}" creationDate="2026-07-22T10:00:00Z">` +
  `<EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`;

describe('validateEpcisInput: JSON', () => {
  it('accepts a valid document and a valid bare event', () => {
    expect(validateEpcisInput(jsonDocument([jsonEvent()]), 'json', 'document')).toEqual([]);
    expect(validateEpcisInput(Buffer.from(JSON.stringify({ '@context': CONTEXT, ...jsonEvent() })), 'json', 'event')).toEqual([]);
  });

  it('names the event, its eventID, the field and the rule', () => {
    const issues = validateEpcisInput(jsonDocument([jsonEvent(), jsonEvent({ eventID: 'urn:uuid:e2', action: 'CREATE' })]), 'json', 'document');
    expect(issues).toEqual([{ eventIndex: 1, eventID: 'urn:uuid:e2', path: '/action', rule: 'action', message: expect.stringContaining('CREATE') }]);
  });

  it('requires @context on a bare event and the EPCISDocument members on a document', () => {
    expect(validateEpcisInput(JSON.stringify(jsonEvent()), 'json', 'event')).toEqual([expect.objectContaining({ eventIndex: 0, path: '/@context', rule: 'required' })]);
    const rules = validateEpcisInput(JSON.stringify({ type: 'EPCISDocument' }), 'json', 'document').map((i) => `${i.path} ${i.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['/@context required', '/schemaVersion required', '/creationDate required', '/epcisBody required']));
  });

  it('refuses a document sent as an event and an event sent as a document', () => {
    expect(validateEpcisInput(jsonDocument([jsonEvent()]), 'json', 'event').length).toBeGreaterThan(0);
    expect(validateEpcisInput(JSON.stringify({ '@context': CONTEXT, ...jsonEvent() }), 'json', 'document')).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/type', rule: 'document-type' })]),
    );
  });

  it('allows persistentDisposition on every event type and exception-only sensor reports', () => {
    const { epcList: _none, ...aggregation } = jsonEvent({
      type: 'AggregationEvent',
      parentID: 'urn:epc:id:sscc:9521568.0000000001',
      childEPCs: ['urn:epc:id:sgtin:9521568.025120.1'],
      persistentDisposition: { set: ['completeness_verified'], unset: ['completeness_inferred'] },
      sensorElementList: [{ sensorReport: [{ exception: 'ALARM_CONDITION', booleanValue: true }] }],
    });
    expect(validateEpcisInput(jsonDocument([aggregation]), 'json', 'document')).toEqual([]);
  });

  it('requires namespaced extension fields everywhere extensions are allowed', () => {
    const paths = validateEpcisInput(
      jsonDocument([jsonEvent({ madeUp: 1, 'ex:ok': { anything: true }, readPoint: { id: 'urn:epc:id:sgln:9521568.25120.0', local: 2 } })]),
      'json',
      'document',
    ).map((i) => `${i.path} ${i.rule}`);
    expect(paths.sort()).toEqual(['/madeUp extension-namespace', '/readPoint/local extension-namespace']);
  });

  it('reports syntax errors and non-objects as issues', () => {
    expect(validateEpcisInput('{"type": ', 'json', 'document')).toEqual([expect.objectContaining({ path: '/', rule: 'json-syntax' })]);
    expect(validateEpcisInput('[1,2]', 'json', 'document')).toEqual([expect.objectContaining({ rule: 'not-an-object' })]);
    expect(validateEpcisInput('', 'json', 'event')).toEqual([expect.objectContaining({ rule: 'json-syntax' })]);
  });
});

describe('validateEpcisInput: XML', () => {
  it('accepts a valid 2.0 document, a valid 1.2 document and bare events', () => {
    expect(validateEpcisInput(xmlDocument(xmlEvent('ObjectEvent', 'OBSERVE')), 'xml-2.0', 'document')).toEqual([]);
    expect(validateEpcisInput(xmlDocument(xmlEvent('ObjectEvent', 'ADD'), '1'), 'xml-1.2', 'document')).toEqual([]);
    expect(validateEpcisInput(`<?xml version="1.0"?>\n<!-- one event -->\n${xmlEvent('AggregationEvent', 'ADD')}\n`, 'xml-2.0', 'event')).toEqual([]);
  });

  it('maps each XSD error to its event by position, in document order, minified or not', () => {
    const events = [xmlEvent('ObjectEvent', 'ADD'), xmlEvent('AggregationEvent', 'ADD'), xmlEvent('ObjectEvent', 'ADD'), xmlEvent('ObjectEvent', 'BOGUS', 'urn:uuid:e4')];
    for (const body of [events.join(''), events.join('\n')]) {
      const issues = validateEpcisInput(xmlDocument(body), 'xml-2.0', 'document');
      expect(issues).toEqual([{ eventIndex: 3, eventID: 'urn:uuid:e4', path: '/action', rule: 'xsd-enumeration', message: expect.stringContaining('BOGUS') }]);
    }
  });

  it('maps errors inside the EPCIS 1.2 extension wrappers', () => {
    const transformation =
      '<extension><TransformationEvent><eventTime>2026-07-22T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>' +
      '<inputEPCList><epc>urn:epc:id:sgtin:9521568.025120.1</epc></inputEPCList><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><madeUp/></TransformationEvent></extension>';
    const issues = validateEpcisInput(xmlDocument(xmlEvent('ObjectEvent', 'ADD') + transformation, '1'), 'xml-1.2', 'document');
    expect(issues).toEqual([expect.objectContaining({ eventIndex: 1, path: '/madeUp', rule: 'xsd-unexpected-element' })]);
  });

  it('reports a missing element at its field path', () => {
    const noAction = xmlEvent('ObjectEvent', 'ADD').replace('<action>ADD</action>', '');
    expect(validateEpcisInput(xmlDocument(noAction), 'xml-2.0', 'document')).toEqual([
      expect.objectContaining({ eventIndex: 0, path: '/action', rule: 'xsd-missing-element' }),
    ]);
  });

  it('accepts whitespace around xsi:typed built-in values (XSD whitespace collapse), not invalid values', () => {
    const ext = (value: string) =>
      xmlEvent('ObjectEvent', 'ADD').replace(
        '</ObjectEvent>',
        `<ex:when xmlns:ex="https://example.com/ns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:dateTime">${value}</ex:when></ObjectEvent>`,
      );
    expect(validateEpcisInput(xmlDocument(ext('\n   2013-06-08T14:58:56.591Z\n  ')), 'xml-2.0', 'document')).toEqual([]);
    expect(validateEpcisInput(xmlDocument(ext('\n   2013-06-08 14:58\n  ')), 'xml-2.0', 'document')).toEqual([expect.objectContaining({ rule: 'xsd-datatype' })]);
  });

  it('refuses a DOCTYPE before parsing (no entity is ever expanded)', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + xmlDocument(xmlEvent('ObjectEvent', 'ADD')).replace(/^<\?xml[^>]*>\n/, '');
    for (const kind of ['document', 'event'] as const) {
      expect(validateEpcisInput(xxe, 'xml-2.0', kind)).toEqual([expect.objectContaining({ path: '/', rule: 'xml-doctype' })]);
    }
  });

  it('reads no external resource (XInclude stays an unexpected element)', () => {
    const include = xmlEvent('ObjectEvent', 'ADD').replace('</ObjectEvent>', '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/></ObjectEvent>');
    const issues = validateEpcisInput(xmlDocument(include), 'xml-2.0', 'document');
    expect(JSON.stringify(issues)).not.toContain('root:');
  });

  it('reports malformed XML and wrong roots as issues', () => {
    expect(validateEpcisInput('<a><b></a>', 'xml-2.0', 'document')).toEqual([expect.objectContaining({ rule: 'xml-syntax', message: expect.stringContaining('line 1') })]);
    expect(validateEpcisInput('', 'xml-1.2', 'document')).toEqual([expect.objectContaining({ rule: 'xml-syntax' })]);
    expect(validateEpcisInput(xmlDocument(xmlEvent('ObjectEvent', 'ADD')), 'xml-2.0', 'event')).toEqual([expect.objectContaining({ rule: 'not-an-event' })]);
    expect(validateEpcisInput('<Foo/>', 'xml-2.0', 'event')).toEqual([expect.objectContaining({ rule: 'event-type' })]);
    expect(validateEpcisInput(xmlEvent('ObjectEvent', 'ADD'), 'xml-2.0', 'document')).toEqual([expect.objectContaining({ rule: 'xsd-root' })]);
    expect(validateEpcisInput(xmlDocument(xmlEvent('ObjectEvent', 'ADD')), 'xml-1.2', 'document')).toEqual([expect.objectContaining({ rule: 'xsd-root' })]);
  });

  it('detects the EPCIS version a document declares', () => {
    expect(detectXmlVersion(xmlDocument('', '2'))).toBe('2.0');
    expect(detectXmlVersion(xmlDocument('', '1'))).toBe('1.2');
    expect(detectXmlVersion(`<e:EPCISDocument xmlns:x="urn:epcglobal:epcis:xsd:2" xmlns:e='urn:epcglobal:epcis:xsd:1'/>`)).toBe('1.2');
    expect(detectXmlVersion(xmlEvent('ObjectEvent', 'ADD'))).toBeUndefined();
  });
});

describe('validateEpcisInput: many errors', () => {
  it('lists the first 200 issues of a document and counts the rest (JSON and XML)', () => {
    const json = validateEpcisInput(jsonDocument(Array.from({ length: 300 }, () => jsonEvent({ action: 'NOPE' }))), 'json', 'document');
    const xml = validateEpcisInput(xmlDocument(Array.from({ length: 300 }, () => xmlEvent('ObjectEvent', 'NOPE')).join('\n')), 'xml-2.0', 'document');
    for (const issues of [json, xml]) {
      expect(issues).toHaveLength(201);
      expect(issues[0]).toMatchObject({ eventIndex: 0, path: '/action' });
      expect(issues[199]).toMatchObject({ eventIndex: 199, path: '/action' });
      expect(issues[200]).toEqual({ path: '/', rule: 'too-many-issues', message: expect.stringContaining('100 more') });
    }
  });
});

describe('validateEpcisInput: input errors', () => {
  it('throws EpcisInputError for bytes that are not UTF-8, and only then', () => {
    const latin1 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]);
    expect(() => validateEpcisInput(latin1, 'json', 'document')).toThrow(EpcisInputError);
    expect(() => validateEpcisInput(latin1, 'xml-2.0', 'document')).toThrow(expect.objectContaining({ code: 'encoding' }));
  });

  it('drops a UTF-8 byte-order mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonDocument([jsonEvent()]))]);
    expect(validateEpcisInput(bom, 'json', 'document')).toEqual([]);
    expect(validateEpcisInput(`\ufeff${xmlDocument(xmlEvent('ObjectEvent', 'ADD'))}`, 'xml-2.0', 'document')).toEqual([]);
  });

  it('throws EpcisInputError for an unknown format or kind', () => {
    expect(() => validateEpcisInput('{}', 'yaml' as never, 'document')).toThrow(expect.objectContaining({ code: 'argument' }));
    expect(() => validateEpcisInput('{}', 'json', 'batch' as never)).toThrow(EpcisInputError);
    expect(() => validateEpcisInput(42 as never, 'json', 'document')).toThrow(EpcisInputError);
  });
});

describe('schemas/epcis-capture.schema.json', () => {
  const defs = schema.definitions as Record<string, { then?: { enum?: string[] } }>;
  it.each([
    ['bizStep', CBV_BIZ_STEPS],
    ['disposition', CBV_DISPOSITIONS],
    ['bizTransactionType', CBV_BIZ_TRANSACTION_TYPES],
    ['sourceDestType', CBV_SOURCE_DEST_TYPES],
    ['component', CBV_COMPONENTS],
    ['measurementType', SENSOR_MEASUREMENT_TYPES],
    ['sensorAlertType', SENSOR_ALERT_TYPES],
  ])('%s enum equals the cbv.ts list', (definition, terms) => {
    expect(defs[definition].then?.enum).toEqual([...terms]);
  });

  it('error reason enum equals the cbv.ts list', () => {
    const reason = (schema.definitions.errorDeclaration.properties.reason as { then: { enum: string[] } }).then.enum;
    expect(reason).toEqual([...CBV_ERROR_REASONS]);
  });
});
