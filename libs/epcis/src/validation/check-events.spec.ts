import type { JsonObject } from '../signature';
import { checkEvents } from './check-events';

const GOOD_GTIN = '09521568251204';
const BAD_GTIN = '09521568251205';
const GOOD_SSCC = '009521568000000013';
const BAD_SSCC = '009521568000000014';
const GOOD_GLN = '9521568251204';
const BAD_GLN = '9521568251203';

/** A valid ObjectEvent; each test breaks one thing. */
function event(overrides: JsonObject = {}): JsonObject {
  return {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:6d1a2c9e-0f4b-4c1e-9a53-1b2f3e4d5c6a',
    eventTime: '2026-07-22T10:00:00.000+02:00',
    recordTime: '2026-07-22T10:00:05Z',
    eventTimeZoneOffset: '+02:00',
    action: 'OBSERVE',
    epcList: [`https://id.gs1.org/01/${GOOD_GTIN}/21/ABC123`, 'urn:epc:id:sgtin:9521568.025120.1001'],
    quantityList: [
      { epcClass: 'urn:epc:class:lgtin:9521568.025120.LOT1', quantity: 10 },
      { epcClass: 'urn:epc:idpat:sgtin:9521568.025120.*', quantity: 2 },
      { epcClass: `https://id.gs1.org/01/${GOOD_GTIN}/10/LOT1`, quantity: 1 },
    ],
    bizStep: 'shipping',
    disposition: 'in_transit',
    readPoint: { id: 'urn:epc:id:sgln:9521568.25120.0' },
    bizLocation: { id: `https://id.gs1.org/414/${GOOD_GLN}` },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:9521568251204:PO1' }],
    sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:9521568.25120' }],
    destinationList: [{ type: 'location', destination: `https://id.gs1.org/414/${GOOD_GLN}/254/dock1` }],
    ...overrides,
  };
}

const rulesAt = (events: JsonObject[]) => checkEvents(events).map((i) => `${i.eventIndex}${i.path} ${i.rule}`);

describe('checkEvents', () => {
  it('accepts a valid event', () => {
    expect(checkEvents([event()])).toEqual([]);
  });

  describe('GS1 keys', () => {
    it.each([
      ['/epcList/0', { epcList: [`https://id.gs1.org/01/${BAD_GTIN}/21/ABC123`] }, 'gs1-check-digit'],
      ['/parentID', { parentID: `https://id.gs1.org/00/${BAD_SSCC}` }, 'gs1-check-digit'],
      ['/bizLocation/id', { bizLocation: { id: `https://id.gs1.org/414/${BAD_GLN}` } }, 'gs1-check-digit'],
      ['/destinationList/0/destination', { destinationList: [{ type: 'location', destination: `https://example.org/dl/414/${BAD_GLN}` }] }, 'gs1-check-digit'],
      ['/quantityList/0/epcClass', { quantityList: [{ epcClass: `https://id.gs1.org/01/${BAD_GTIN}/10/L1` }] }, 'gs1-check-digit'],
      ['/epcList/0', { epcList: ['urn:epc:id:sgtin:952156.82512.1'] }, 'gs1-identifier'],
      ['/epcList/0', { epcList: ['urn:epc:id:sscc:9521568.00000001'] }, 'gs1-identifier'],
      ['/readPoint/id', { readPoint: { id: 'urn:epc:id:sgln:9521568.2512.0' } }, 'gs1-identifier'],
      ['/sourceList/0/source', { sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:9521568.2512' }] }, 'gs1-identifier'],
      ['/quantityList/0/epcClass', { quantityList: [{ epcClass: 'urn:epc:class:lgtin:9521568.02512.L1' }] }, 'gs1-identifier'],
      ['/quantityList/0/epcClass', { quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:9521568.0251.*' }] }, 'gs1-identifier'],
      ['/childEPCs/0', { type: 'AggregationEvent', childEPCs: [`https://id.gs1.org/01/${BAD_GTIN}/21/1`] }, 'gs1-check-digit'],
      ['/inputEPCList/1', { type: 'TransformationEvent', inputEPCList: ['urn:epc:id:sgtin:9521568.025120.1', `https://id.gs1.org/01/${BAD_GTIN}/21/1`] }, 'gs1-check-digit'],
      ['/outputQuantityList/0/epcClass', { type: 'TransformationEvent', outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${BAD_GTIN}` }] }, 'gs1-check-digit'],
    ])('%s: %j is %s', (path, overrides, rule) => {
      expect(rulesAt([event(overrides as JsonObject)])).toEqual([`0${path} ${rule}`]);
    });

    it('accepts keys it has no rules for (other EPC schemes, other URIs)', () => {
      const e = event({
        epcList: ['urn:epc:id:grai:9521568.02512.A1', 'urn:epc:id:giai:9521568.X9', 'urn:uuid:0b8b8a39-5b07-4b57-9e74-0b1f4f0f6d1a', 'https://example.com/items/1'],
        quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:9521568.*.*' }, { epcClass: 'urn:epc:idpat:grai:9521568.02512.*' }],
        parentID: `https://id.gs1.org/00/${GOOD_SSCC}`,
      });
      expect(checkEvents([e])).toEqual([]);
    });

    it('names the value and the broken rule in the message', () => {
      const [issue] = checkEvents([event({ epcList: [`https://id.gs1.org/01/${BAD_GTIN}/21/ABC123`] })]);
      expect(issue).toMatchObject({ eventIndex: 0, eventID: 'urn:uuid:6d1a2c9e-0f4b-4c1e-9a53-1b2f3e4d5c6a', path: '/epcList/0' });
      expect(issue.message).toContain(BAD_GTIN);
    });
  });

  describe('CBV vocabularies', () => {
    it.each([
      ['/bizStep', { bizStep: 'transforming' }, 'cbv-bizStep'],
      ['/bizStep', { bizStep: 'urn:epcglobal:cbv:bizstep:transforming' }, 'cbv-bizStep'],
      ['/bizStep', { bizStep: 'https://ref.gs1.org/cbv/BizStep-transforming' }, 'cbv-bizStep'],
      ['/bizStep', { bizStep: 'cbv:BizStep-bogus' }, 'cbv-bizStep'],
      ['/bizStep', { bizStep: 'my step' }, 'cbv-bizStep'],
      ['/disposition', { disposition: 'in_transport' }, 'cbv-disposition'],
      ['/persistentDisposition/unset/1', { persistentDisposition: { unset: ['completeness_verified', 'bogus'] } }, 'cbv-disposition'],
      ['/bizTransactionList/0/type', { bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:packevent', bizTransaction: 'urn:x:1' }] }, 'cbv-bizTransaction-type'],
      ['/sourceList/0/type', { sourceList: [{ type: 'place', source: 'urn:epc:id:pgln:9521568.25120' }] }, 'cbv-source-destination-type'],
      ['/errorDeclaration/reason', { errorDeclaration: { declarationTime: '2026-07-22T11:00:00Z', reason: 'oops' } }, 'cbv-error-reason'],
      ['/sensorElementList/0/sensorReport/0/type', { sensorElementList: [{ sensorReport: [{ type: 'Temperatur' }] }] }, 'cbv-sensor-type'],
      ['/sensorElementList/0/sensorReport/0/type', { sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperatur' }] }] }, 'cbv-sensor-type'],
      ['/sensorElementList/0/sensorReport/0/exception', { sensorElementList: [{ sensorReport: [{ exception: 'ALARM' }] }] }, 'cbv-sensor-exception'],
      ['/sensorElementList/0/sensorReport/0/component', { sensorElementList: [{ sensorReport: [{ type: 'Length', component: 'w' }] }] }, 'cbv-sensor-component'],
    ])('%s: %j is %s', (path, overrides, rule) => {
      expect(rulesAt([event(overrides as JsonObject)])).toEqual([`0${path} ${rule}`]);
    });

    it('accepts CBV terms in every spelling, and user vocabularies as full URIs', () => {
      const ok = [
        { bizStep: 'urn:epcglobal:cbv:bizstep:receiving' },
        { bizStep: 'https://ref.gs1.org/cbv/BizStep-sensor_reporting' },
        { bizStep: 'cbv:BizStep-shipping' },
        { bizStep: 'https://example.com/steps/transforming' },
        { bizStep: 'urn:example:step:transforming' },
        { disposition: 'urn:epcglobal:cbv:disp:in_progress' },
        { sourceList: [{ type: 'cbv:my_own_party', source: 'urn:epc:id:pgln:9521568.25120' }] },
        { sensorElementList: [{ sensorReport: [{ type: 'Molar_concentration' }, { type: 'gs1:EffectiveDoseRate' }, { exception: 'gs1:ALARM_CONDITION' }, { type: 'example:Custom', component: 'cbv:Comp-easting' }] }] },
      ];
      for (const overrides of ok) expect(checkEvents([event(overrides as JsonObject)])).toEqual([]);
    });

    it('expands compact IRIs with the @context prefixes', () => {
      const e = event({ bizStep: 'c:BizStep-bogus', disposition: 'c:Disp-in_transit' });
      expect(checkEvents([e])).toEqual([]);
      expect(checkEvents([e], { '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { c: 'https://ref.gs1.org/cbv/' }] }).map((i) => i.path)).toEqual(['/bizStep']);
      expect(checkEvents([{ ...e, '@context': [{ c: { '@id': 'https://ref.gs1.org/cbv/' } }] }]).map((i) => i.path)).toEqual(['/bizStep']);
    });
  });

  describe('times', () => {
    it.each([
      ['/eventTime', { eventTime: '2026-07-22T10:00:00' }, 'time-zone'],
      ['/eventTime', { eventTime: '22-07-2026' }, 'date-time'],
      ['/eventTime', { eventTime: '2026-02-30T10:00:00Z' }, 'date-time'],
      ['/eventTime', { eventTime: '2026-07-22T10:00Z' }, 'date-time'],
      ['/eventTime', { eventTime: 1753171200000 }, 'date-time'],
      ['/recordTime', { recordTime: '2026-07-22T10:00:00.5' }, 'time-zone'],
      ['/eventTime', { eventTime: '2026-07-22T10:00:00+15:00' }, 'time-zone'],
      ['/errorDeclaration/declarationTime', { errorDeclaration: { declarationTime: '2026-07-22 11:00:00Z' } }, 'date-time'],
      ['/sensorElementList/0/sensorMetadata/startTime', { sensorElementList: [{ sensorMetadata: { startTime: '2026-07-22T10:00:00' }, sensorReport: [{ type: 'Temperature' }] }] }, 'time-zone'],
      ['/eventTimeZoneOffset', { eventTimeZoneOffset: '+15:00' }, 'eventTimeZoneOffset'],
      ['/eventTimeZoneOffset', { eventTimeZoneOffset: '0200' }, 'eventTimeZoneOffset'],
      ['/eventTimeZoneOffset', { eventTimeZoneOffset: 2 }, 'eventTimeZoneOffset'],
    ])('%s: %j is %s', (path, overrides, rule) => {
      expect(rulesAt([event(overrides as JsonObject)])).toEqual([`0${path} ${rule}`]);
    });

    it('accepts nanoseconds, leap days, Z and ±14:00', () => {
      for (const overrides of [
        { eventTime: '2022-04-13T12:35:29.017069617Z' },
        { eventTime: '2024-02-29T23:59:59-14:00', eventTimeZoneOffset: '-14:00' },
        { eventTime: '2024-02-29T00:00:00+14:00', eventTimeZoneOffset: '+14:00' },
        { eventTimeZoneOffset: '-05:30' },
      ]) {
        expect(checkEvents([event(overrides)])).toEqual([]);
      }
    });
  });

  describe('event bookkeeping', () => {
    it('numbers events from firstEventIndex and carries eventIDs', () => {
      const issues = checkEvents([event(), event({ eventID: 'urn:uuid:2', bizStep: 'bogus' })], { firstEventIndex: 10 });
      expect(issues).toEqual([{ eventIndex: 11, eventID: 'urn:uuid:2', path: '/bizStep', rule: 'cbv-bizStep', message: expect.stringContaining('bogus') }]);
    });

    it('reports non-object events instead of throwing', () => {
      expect(checkEvents([null, 'x', [], 3] as unknown as JsonObject[]).map((i) => `${i.eventIndex} ${i.rule}`)).toEqual(['0 event', '1 event', '2 event', '3 event']);
      expect(checkEvents('nope' as unknown as JsonObject[])).toEqual([expect.objectContaining({ rule: 'event' })]);
    });

    it('ignores fields of the wrong shape the schema layer reports', () => {
      const e = event({ epcList: 'x', quantityList: [null, 3], sourceList: {}, sensorElementList: [{ sensorReport: 'x' }], readPoint: 'x', persistentDisposition: [] });
      expect(checkEvents([e])).toEqual([]);
    });
  });
});
