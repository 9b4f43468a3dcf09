import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import * as fc from 'fast-check';

import { eventHashId, preHashString } from '../event-hash';
import { EpcisParseError, EpcisParseRule, ParseOptions, parseEpcisDocument, parseEpcisEvent } from '.';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

function ruleOf(parse: () => unknown): EpcisParseRule {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(EpcisParseError);
    return (error as EpcisParseError).rule;
  }
  throw new Error('expected a parse error');
}
const documentRule = (input: string | Buffer, options?: ParseOptions) =>
  ruleOf(() => parseEpcisDocument(input, options));

const xmlDocument = (events: string, declarations = '') =>
  `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" ${declarations}>` +
  `<EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`;
const objectEvent = (extra = '') =>
  '<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>' +
  `<epcList><epc>urn:epc:id:sgtin:0614141.107346.2018</epc></epcList><action>OBSERVE</action>${extra}</ObjectEvent>`;
const EXTENDED = (content: string) => objectEvent(`<ex:a xmlns:ex="urn:ex">${content}</ex:a>`);
const jsonDocument = (events: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    ...extra,
    epcisBody: { eventList: events },
  });
const JSON_EVENT = { type: 'ObjectEvent', eventTime: '2024-01-01T00:00:00Z', eventTimeZoneOffset: '+00:00' };

describe('format detection', () => {
  it.each([
    ['application/json', jsonDocument([JSON_EVENT]), 'json'],
    ['application/ld+json; charset=utf-8', jsonDocument([JSON_EVENT]), 'json'],
    ['application/xml', xmlDocument(objectEvent()), 'xml-2.0'],
    ['Text/XML; charset=UTF-8', xmlDocument(objectEvent()), 'xml-2.0'],
    ['no type, JSON after a byte-order mark', `\uFEFF \n${jsonDocument([JSON_EVENT])}`, 'json'],
    ['no type, XML with a declaration', `<?xml version="1.0"?>\n${xmlDocument(objectEvent())}`, 'xml-2.0'],
  ])('%s', (contentType, payload, format) => {
    const options = { contentType: contentType.includes('/') ? contentType : undefined };
    expect(parseEpcisDocument(payload, options).format).toBe(format);
    expect(parseEpcisDocument(Buffer.from(payload), options).format).toBe(format);
  });

  it('refuses other media types and payloads that are neither JSON nor XML', () => {
    expect(documentRule(jsonDocument([]), { contentType: 'text/plain' })).toBe('unsupported-media-type');
    expect(documentRule('EPCIS please')).toBe('not-epcis');
    expect(documentRule('')).toBe('not-epcis');
    expect(documentRule(xmlDocument(''), { contentType: 'application/json' })).toBe('malformed-json');
    expect(documentRule(jsonDocument([]), { contentType: 'application/xml' })).toBe('malformed-xml');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(documentRule(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toBe('malformed-encoding');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xmlDocument(''), 'utf16le')]);
    expect(documentRule(utf16)).toBe('malformed-encoding');
  });

  it('tells a document from a single event', () => {
    expect(documentRule(JSON.stringify(JSON_EVENT))).toBe('not-a-document');
    expect(documentRule(objectEvent())).toBe('not-a-document');
    expect(ruleOf(() => parseEpcisEvent(jsonDocument([])))).toBe('not-an-event');
    expect(ruleOf(() => parseEpcisEvent(xmlDocument('')))).toBe('not-an-event');
    expect(documentRule('{"type": "Invoice"}')).toBe('not-epcis');
    expect(documentRule('<html><body/></html>')).toBe('not-epcis');
    expect(ruleOf(() => parseEpcisEvent('[1, 2]'))).toBe('not-epcis');
  });
});

describe('safety', () => {
  it('refuses DTDs, hence entity expansion and external entities, with a typed error', () => {
    const laughs = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${laughs}]><lolz>&lol9;</lolz>`;
    const xxe = `<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xmlDocument(EXTENDED('&xxe;'))}`;
    for (const payload of [billionLaughs, xxe]) {
      expect(documentRule(payload)).toBe('xml-doctype');
      expect(documentRule(payload, { contentType: 'application/xml' })).toBe('xml-doctype');
      expect(ruleOf(() => parseEpcisEvent(payload))).toBe('xml-doctype');
    }
  });

  it('never expands an entity it was not given, and reads no files', () => {
    expect(documentRule(xmlDocument(EXTENDED('&xxe;')))).toBe('malformed-xml');
    const model = parseEpcisDocument(xmlDocument(EXTENDED('file:///etc/passwd &amp;')));
    expect(model.events[0]['ex:a']).toBe('file:///etc/passwd &');
  });

  it('checks the size before parsing', () => {
    const options = { maxBytes: 1000 };
    const oversized = `<${'x'.repeat(2000)}`; // malformed, but too large first
    expect(documentRule(oversized, options)).toBe('too-large');
    expect(documentRule(Buffer.from(oversized), options)).toBe('too-large');
    expect(documentRule('€'.repeat(400), options)).toBe('too-large'); // 1200 UTF-8 bytes in 400 UTF-16 units
    expect(documentRule(`{"x": "${'a'.repeat(11 * 1024 * 1024)}"}`)).toBe('too-large'); // default 10 MiB
  });

  it('bounds nesting in XML and JSON, however deep the payload', () => {
    const deepXml = xmlDocument(EXTENDED(`${'<ex:a>'.repeat(100_000)}${'</ex:a>'.repeat(100_000)}`));
    const deepJson = jsonDocument([{ ...JSON_EVENT, 'ex:a': 'DEEP' }]).replace('"DEEP"', '['.repeat(1e5) + ']'.repeat(1e5));
    expect(documentRule(deepXml)).toBe('too-deep');
    expect(documentRule(deepJson)).toBe('too-deep');
    expect(documentRule(`${'{"a":'.repeat(51)}1${'}'.repeat(51)}`, { maxDepth: 50 })).toBe('too-deep');
    // document, body, event list, event, ex:a, ex:b: six levels, the empty element included
    const sixLevels = xmlDocument(EXTENDED('<ex:b/>'));
    expect(documentRule(sixLevels, { maxDepth: 5 })).toBe('too-deep');
    expect(parseEpcisDocument(sixLevels, { maxDepth: 6 }).events).toHaveLength(1);
    // Brackets inside strings are data, not nesting.
    const bracketed = jsonDocument([{ ...JSON_EVENT, 'ex:s': '[[[[{{{{' }]);
    expect(parseEpcisDocument(bracketed, { maxDepth: 4 }).events).toHaveLength(1);
  });

  it('bounds the number of events', () => {
    expect(documentRule(xmlDocument(objectEvent().repeat(3)), { maxEvents: 2 })).toBe('too-many-events');
    expect(documentRule(jsonDocument([JSON_EVENT, JSON_EVENT, JSON_EVENT]), { maxEvents: 2 })).toBe('too-many-events');
    expect(parseEpcisDocument(xmlDocument(objectEvent().repeat(2)), { maxEvents: 2 }).events).toHaveLength(2);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the member name %s in JSON and XML', (name) => {
    const polluting = jsonDocument([{ ...JSON_EVENT, ilmd: 'ILMD' }]).replace('"ILMD"', `{"${name}": {"polluted": true}}`);
    expect(documentRule(polluting)).toBe('unsafe-key');
    expect(documentRule(xmlDocument(objectEvent(`<ilmd><${name}><polluted>1</polluted></${name}></ilmd>`)))).toBe(
      'unsafe-key',
    );
    expect(documentRule(xmlDocument(objectEvent(`<ex:a xmlns:ex="urn:ex" ${name}="1"/>`)))).toBe('unsafe-key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps other Object.prototype names as plain members', () => {
    const ilmd = '<ilmd><toString>a</toString><hasOwnProperty>b</hasOwnProperty></ilmd>';
    expect(parseEpcisDocument(xmlDocument(objectEvent(ilmd))).events[0].ilmd).toEqual({ toString: 'a', hasOwnProperty: 'b' });
  });

  it('reports the path of a misshapen JSON structure', () => {
    const issue = { rule: 'invalid-structure', path: 'epcisBody/eventList/1' };
    expect(() => parseEpcisDocument(jsonDocument([JSON_EVENT, 'not an event']))).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining(issue)] }),
    );
    expect(documentRule('{"type": "EPCISDocument", "epcisBody": {"eventList": {}}}')).toBe('invalid-structure');
    expect(documentRule('{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": []}}')).toBe('invalid-structure');
  });

  describe('throws nothing but EpcisParseError, and never needs its safety net', () => {
    /** Any outcome is fine except an exception of another type, or the catch-all that would hide one. */
    function parsesOrFailsTyped(input: string | Buffer, options?: ParseOptions): boolean {
      for (const parse of [parseEpcisDocument, parseEpcisEvent]) {
        try {
          const result = parse(input, options);
          const events = 'events' in result ? result.events : [result.event];
          if (!events.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) return false;
        } catch (error) {
          if (!(error instanceof EpcisParseError) || error.rule === 'unreadable') throw error;
        }
      }
      return true;
    }
    const contentTypes = fc.constantFrom(undefined, 'application/json', 'application/xml');

    it('for arbitrary text and bytes', () => {
      const text = fc.string({ unit: 'binary' });
      fc.assert(fc.property(text, contentTypes, (s, contentType) => parsesOrFailsTyped(s, { contentType })));
      fc.assert(fc.property(fc.uint8Array(), (bytes) => parsesOrFailsTyped(Buffer.from(bytes))));
      const xmlish = fc.stringMatching(/^<[a-z:]{1,4}( [a-z:]{1,3}="[^"]{0,4}")?>[<>&;#!\[\]a-z: /"'=?-]{0,40}$/);
      fc.assert(fc.property(xmlish, (s) => parsesOrFailsTyped(s)));
      fc.assert(fc.property(fc.json(), (s) => parsesOrFailsTyped(s)));
    });

    const samples = [
      'epcis-documents/1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml',
      'epcis-documents/1.2/xml/capture/valid/All_eventTypes_in_single_document.xml',
      'epcis-documents/2.0/xml/capture/events/TransactionEvent.xml',
      'epcis-documents/2.0/json/query/valid/ObjectEventWithAllPossibleFields.json',
      ...readdirSync(path.join(CONFORMANCE, 'epcis-event-hash/documents'))
        .filter((f) => /^(ObjectEvent_all|TransformationEventWith|SensorDataExamples|epcisXmlQuery)/.test(f))
        .map((f) => `epcis-event-hash/documents/${f}`),
    ].map((file) => readFileSync(path.join(CONFORMANCE, file), 'utf8'));

    /** Deletions, insertions and duplications at arbitrary places: truncated tags, stray markup, repeated members. */
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.string({ maxLength: 12 }), fc.boolean());
    const mutated = fc
      .tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 4 }))
      .map(([text, edits]) =>
        edits.reduce((t, [at, length, insert, duplicate]) => {
          const start = at % (t.length + 1);
          const slice = t.slice(start, start + length);
          const replaced = duplicate ? slice + slice : insert;
          return t.slice(0, start) + replaced + t.slice(start + (duplicate ? length : length % 8));
        }, text),
      );

    it('for mutated real documents', () => {
      const property = fc.property(mutated, contentTypes, (text, contentType) => parsesOrFailsTyped(text, { contentType }));
      fc.assert(property, { numRuns: 500 });
    });
  });
});

describe('XML mapping details', () => {
  const eventOf = (extra: string, declarations = '') =>
    parseEpcisDocument(xmlDocument(objectEvent(extra), declarations)).events[0];

  it('gives a prefix reused for another namespace a fresh name, so every member keeps its namespace', () => {
    const model = parseEpcisDocument(
      xmlDocument(
        objectEvent('<ex:a xmlns:ex="urn:one">1</ex:a>') +
          objectEvent('<ex:a xmlns:ex="urn:two">2</ex:a><b xmlns="urn:three">3</b>'),
      ),
    );
    expect(model.events.map((e) => Object.keys(e).filter((k) => k.includes(':')))).toEqual([['ex:a'], ['ex1:a', 'ns1:b']]);
    expect(model.context).toEqual([EPCIS_CONTEXT, { ex: 'urn:one' }, { ex1: 'urn:two' }, { ns1: 'urn:three' }]);
    const [first, second] = model.events.map((event) => preHashString(event, { context: model.context }));
    expect(first).toMatch(/\{urn:one\}a=1$/);
    expect(second).toMatch(/\{urn:three\}b=3\{urn:two\}a=2$/);
  });

  it('maps extension attributes to members, drops xsi:type and keeps text beside attributes as #text', () => {
    const event = eventOf(
      '<ex:weight xsi:type="xsd:decimal">12.50</ex:weight><ex:dim unit="cm" ex:axis="x">7</ex:dim><ex:flag ex:on="1"/>',
      'xmlns:ex="urn:ex" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    );
    expect(event).toMatchObject({
      'ex:weight': '12.50',
      'ex:dim': { unit: 'cm', 'ex:axis': 'x', '#text': '7' },
      'ex:flag': { 'ex:on': '1' },
    });
  });

  it('types quantities and sensor values as the JSON binding does, without losing digits', () => {
    const quantity = (epcClass: string, amount: string) =>
      `<quantityElement><epcClass>${epcClass}</epcClass><quantity>${amount}</quantity><uom>KGM</uom></quantityElement>`;
    const event = eventOf(
      `<quantityList>${quantity('urn:epc:class:lgtin:4012345.012345.1', '200.0')}` +
        `${quantity('urn:epc:class:lgtin:4012345.012345.2', '123456789012345678901')}</quantityList>` +
        '<sensorElementList><sensorElement><sensorMetadata time="2024-01-01T00:00:00Z"/>' +
        '<sensorReport type="gs1:Temperature" value="-4.50" booleanValue="1" sDev="1e400"/></sensorElement></sensorElementList>',
    );
    expect(event.quantityList).toEqual([
      { epcClass: 'urn:epc:class:lgtin:4012345.012345.1', quantity: 200, uom: 'KGM' },
      { epcClass: 'urn:epc:class:lgtin:4012345.012345.2', quantity: '123456789012345678901', uom: 'KGM' },
    ]);
    expect(event.sensorElementList).toEqual([
      {
        sensorMetadata: { time: '2024-01-01T00:00:00Z' },
        sensorReport: [{ type: 'gs1:Temperature', value: -4.5, booleanValue: true, sDev: '1e400' }],
      },
    ]);
  });

  it('reads namespace-qualified EPCIS elements as the standard members', () => {
    const readPoint = '<epcis:readPoint><epcis:id>urn:epc:id:sgln:0614141.00777.0</epcis:id></epcis:readPoint>';
    const model = parseEpcisDocument(xmlDocument(`<epcis:ObjectEvent>${readPoint}</epcis:ObjectEvent>`));
    expect(model.events).toEqual([{ type: 'ObjectEvent', readPoint: { id: 'urn:epc:id:sgln:0614141.00777.0' } }]);
  });
});

describe('JSON forms', () => {
  it('accepts the simple form, CURIEs and full URIs, keeping values as given', () => {
    const events = [
      { ...JSON_EVENT, bizStep: 'shipping', disposition: 'in_transit' },
      { ...JSON_EVENT, bizStep: 'cbv:BizStep-shipping', disposition: 'cbv:Disp-in_transit' },
      { ...JSON_EVENT, bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping', disposition: 'urn:epcglobal:cbv:disp:in_transit' },
    ];
    const model = parseEpcisDocument(jsonDocument(events, { '@context': EPCIS_CONTEXT }));
    expect(model.events).toEqual(events);
    expect(model.context).toEqual([EPCIS_CONTEXT]);
    expect(new Set(model.events.map((e) => eventHashId(e, { context: model.context }))).size).toBe(1);
  });

  it('reads master data and query results', () => {
    const dock = { id: 'urn:epc:id:sgln:0614141.00777.0', attributes: [{ id: 'cbvmda:name', attribute: 'Dock 7' }] };
    const vocabularyList = [{ type: 'urn:epcglobal:epcis:vtype:ReadPoint', vocabularyElementList: [dock] }];
    const query = JSON.stringify({
      '@context': [EPCIS_CONTEXT],
      type: 'EPCISQueryDocument',
      schemaVersion: 2,
      epcisHeader: { epcisMasterData: { vocabularyList } },
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: [JSON_EVENT] } } },
    });
    const model = parseEpcisDocument(query);
    expect(model).toMatchObject({ schemaVersion: '2', events: [JSON_EVENT] });
    expect(model.masterData.location).toEqual({ 'urn:epc:id:sgln:0614141.00777.0': { 'cbvmda:name': 'Dock 7' } });
  });
});
