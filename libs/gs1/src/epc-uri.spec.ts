import {
  epcUriFromAis,
  epcUriToAis,
  lgtinUri,
  parseEpcUri,
  pglnUri,
  sglnUri,
  sgtinUri,
  ssccUri,
} from './epc-uri';

// Examples from the EPC Tag Data Standard (company prefix 0614141, length 7).
describe('parseEpcUri', () => {
  it('reads SGTIN, SSCC, SGLN, PGLN and LGTIN into GS1 keys with computed check digits', () => {
    expect(parseEpcUri('urn:epc:id:sgtin:0614141.112345.400')).toEqual({
      scheme: 'sgtin',
      gtin: '10614141123459',
      serial: '400',
      companyPrefixLength: 7,
    });
    expect(parseEpcUri('urn:epc:id:sscc:0614141.1234567890')).toEqual({
      scheme: 'sscc',
      sscc: '106141412345678908',
      companyPrefixLength: 7,
    });
    expect(parseEpcUri('urn:epc:id:sgln:0614141.12345.400')).toEqual({
      scheme: 'sgln',
      gln: '0614141123452',
      extension: '400',
      companyPrefixLength: 7,
    });
    expect(parseEpcUri('urn:epc:id:pgln:0614141.00000')).toEqual({ scheme: 'pgln', gln: '0614141000005', companyPrefixLength: 7 });
    expect(parseEpcUri('urn:epc:class:lgtin:0614141.012345.LOT%2F7')).toEqual({
      scheme: 'lgtin',
      gtin: '00614141123452',
      lot: 'LOT/7',
      companyPrefixLength: 7,
    });
  });

  it('handles the extreme company prefix lengths', () => {
    expect(parseEpcUri('urn:epc:id:sgtin:061414112345.0.1')).toMatchObject({ gtin: '00614141123452', companyPrefixLength: 12 });
    expect(parseEpcUri('urn:epc:id:pgln:061414100000.')).toMatchObject({ gln: '0614141000005', companyPrefixLength: 12 });
    expect(parseEpcUri('urn:epc:id:sscc:061414.11234567890')).toMatchObject({ sscc: '106141412345678908', companyPrefixLength: 6 });
  });

  it('decodes TDS escapes; serials may contain dots', () => {
    expect(parseEpcUri('urn:epc:id:sgtin:0614141.112345.a.b%22%25%26%2F%3C%3E%3F')).toMatchObject({ serial: 'a.b"%&/<>?' });
    expect(parseEpcUri("urn:epc:id:sgtin:0614141.112345.!'()*+,-:;=_")).toMatchObject({ serial: "!'()*+,-:;=_" });
  });

  it.each([
    ['urn:epc:id:sgtin:0614141.112345', 'BAD_URI'],
    ['urn:epc:id:sscc:0614141.1234567890.1', 'BAD_URI'],
    ['urn:epc:class:sgtin:0614141.112345.400', 'BAD_URI'],
    ['urn:epc:id:lgtin:0614141.112345.400', 'BAD_URI'],
    ['urn:epc:id:giai:0614141.12345', 'BAD_URI'],
    ['urn:epc:id:constructor:0614141.12345', 'BAD_URI'],
    ['URN:EPC:ID:SGTIN:0614141.112345.400', 'BAD_URI'],
    ['urn:epc:id:sgtin:0614141.112345.a/b', 'BAD_URI'], // '/' must be escaped
    ['urn:epc:id:sgtin:0614141.112345.a%2', 'BAD_URI'],
    ['urn:epc:id:sgtin:0614141.112345.', 'BAD_URI'],
    ['urn:epc:id:sgtin:0614141.11234.400', 'BAD_LENGTH'],
    ['urn:epc:id:sgtin:06141.11234567.400', 'BAD_LENGTH'], // prefix below 6 digits
    ['urn:epc:id:sgtin:0614141.112345.%20', 'BAD_CHARSET'],
    ['urn:epc:id:sgtin:0614141.112345.123456789012345678901', 'BAD_LENGTH'],
  ])('%s -> %s', (uri, code) => {
    expect(() => parseEpcUri(uri)).toThrow(expect.objectContaining({ code }));
  });
});

describe('formatting EPC URIs', () => {
  it('splits keys at the company prefix and moves the indicator/extension digit into the reference', () => {
    expect(sgtinUri('10614141123459', '400', 7)).toBe('urn:epc:id:sgtin:0614141.112345.400');
    expect(sgtinUri('614141123452', 'A/1', 12)).toBe('urn:epc:id:sgtin:061414112345.0.A%2F1'); // GTIN-12 padded
    expect(lgtinUri('00614141123452', 'L&1', 7)).toBe('urn:epc:class:lgtin:0614141.012345.L%261');
    expect(ssccUri('106141412345678908', 7)).toBe('urn:epc:id:sscc:0614141.1234567890');
    expect(sglnUri('0614141123452', '400', 7)).toBe('urn:epc:id:sgln:0614141.12345.400');
    expect(pglnUri('0614141000005', 12)).toBe('urn:epc:id:pgln:061414100000.');
  });

  it('rejects bad keys, text and company prefix lengths', () => {
    expect(() => sgtinUri('10614141123458', '400', 7)).toThrow(expect.objectContaining({ code: 'CHECK_DIGIT' }));
    expect(() => sgtinUri('10614141123459', 'A B', 7)).toThrow(expect.objectContaining({ code: 'BAD_CHARSET', field: '21' }));
    expect(() => sgtinUri('10614141123459', '', 7)).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(() => ssccUri('106141412345678908', 13)).toThrow(expect.objectContaining({ code: 'BAD_LENGTH', field: 'companyPrefixLength' }));
    expect(() => pglnUri('0614141000005', 6.5)).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });
});

describe('EPC URI <-> AIs', () => {
  it('maps each scheme to its element-string AIs', () => {
    expect(epcUriToAis('urn:epc:id:sgtin:0614141.112345.400')).toEqual({ '01': '10614141123459', '21': '400' });
    expect(epcUriToAis('urn:epc:class:lgtin:0614141.112345.L1')).toEqual({ '01': '10614141123459', '10': 'L1' });
    expect(epcUriToAis('urn:epc:id:sgln:0614141.12345.400')).toEqual({ '414': '0614141123452', '254': '400' });
    expect(epcUriToAis('urn:epc:id:sgln:0614141.12345.0')).toEqual({ '414': '0614141123452' }); // '0' = no extension
    expect(epcUriToAis('urn:epc:id:pgln:0614141.00000')).toEqual({ '417': '0614141000005' });
  });

  it('chooses the scheme from the AIs present', () => {
    const gtin = '10614141123459';
    expect(epcUriFromAis({ '01': gtin, '21': '400', '10': 'L1', '17': '261231' }, 7)).toBe('urn:epc:id:sgtin:0614141.112345.400');
    expect(epcUriFromAis({ '01': gtin, '10': 'L1' }, 7)).toBe('urn:epc:class:lgtin:0614141.112345.L1');
    expect(epcUriFromAis({ '00': '106141412345678908' }, 7)).toBe('urn:epc:id:sscc:0614141.1234567890');
    expect(epcUriFromAis({ '414': '0614141123452' }, 7)).toBe('urn:epc:id:sgln:0614141.12345.0');
    expect(epcUriFromAis({ '417': '0614141000005' }, 7)).toBe('urn:epc:id:pgln:0614141.00000');
    expect(() => epcUriFromAis({ '01': gtin }, 7)).toThrow(expect.objectContaining({ code: 'MISSING_AI' }));
  });
});
