import { encodePageToken, EventQueryError, parseEventQuery } from './query';

describe('parseEventQuery', () => {
  it('normalises vocabulary and identifiers to the forms the log stores', () => {
    const q = parseEventQuery({
      EQ_bizStep: 'urn:epcglobal:cbv:bizstep:shipping|receiving',
      EQ_disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      EQ_bizLocation: 'urn:epc:id:sgln:0614141.00001.0',
      MATCH_epc: 'urn:epc:id:sgtin:0614141.012345.S1',
      GE_eventTime: '2026-01-01T00:00:00Z',
      LT_eventTime: '2026-02-01T00:00:00.000-05:00',
    });
    expect(q.bizSteps).toEqual(['shipping', 'receiving']);
    expect(q.dispositions).toEqual(['in_transit']);
    expect(q.bizLocations).toEqual(['https://id.gs1.org/414/0614141000012']);
    expect(q.epcs).toEqual([{ exact: 'https://id.gs1.org/01/00614141123452/21/S1' }]);
    expect(q.eventTimeFrom?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(q.eventTimeTo?.toISOString()).toBe('2026-02-01T05:00:00.000Z');
    expect(q.perPage).toBe(30);
  });

  it('turns an SGTIN pattern into a prefix of every serial of the GTIN', () => {
    expect(parseEventQuery({ MATCH_anyEPC: ['urn:epc:idpat:sgtin:0614141.012345.*'] }).anyEpcs).toEqual([
      { prefix: 'https://id.gs1.org/01/00614141123452/21/' },
    ]);
  });

  it('round-trips its own page token', () => {
    const after = { eventTime: '2026-01-01T00:00:00.000Z', seq: 41 };
    expect(parseEventQuery({ nextPageToken: encodePageToken(after) }).after).toEqual(after);
  });

  it.each([
    [{ EQ_bizStepp: 'shipping' }, 'EQ_bizStepp'],
    [{ perPage: '0' }, 'perPage'],
    [{ perPage: '1001' }, 'perPage'],
    [{ GE_eventTime: '22-07-2026' }, 'GE_eventTime'],
    [{ GE_eventTime: '2026-07-22T10:00:00' }, 'GE_eventTime'],
    [{ MATCH_epc: 'urn:epc:id:sgtin:0614141.012345' }, 'MATCH_epc'],
    [{ MATCH_epc: 'urn:epc:idpat:sscc:0614141.*' }, 'MATCH_epc'],
    [{ eventType: 'ObjectEventInvalid' }, 'eventType'],
    [{ nextPageToken: 'forged' }, 'nextPageToken'],
    [{ perPage: ['1', '2'] }, 'perPage'],
  ])('rejects %j naming %s', (params, param) => {
    expect(() => parseEventQuery(params)).toThrow(EventQueryError);
    expect(() => parseEventQuery(params)).toThrow(new RegExp(`^${param}:`));
  });
});
