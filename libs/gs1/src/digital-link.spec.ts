import { parseDigitalLink, toDigitalLink } from './digital-link';

const GTIN = '09506000134352'; // GS1 Digital Link standard example
const DL = 'https://id.gs1.org/01/09506000134352';

describe('parseDigitalLink', () => {
  it('reads the primary key and its qualifiers from the path', () => {
    expect(parseDigitalLink(`${DL}/10/ABC1/21/12345`)).toEqual({
      domain: 'https://id.gs1.org',
      ais: { '01': GTIN, '10': 'ABC1', '21': '12345' },
      params: {},
    });
  });

  it('accepts any http(s) domain with a path prefix, and returns that prefix with the domain', () => {
    const link = parseDigitalLink(`http://Example.com:8080/gs1/01/products/01/${GTIN}/21/X`);
    expect(link.domain).toBe('http://Example.com:8080/gs1/01/products');
    expect(link.ais).toEqual({ '01': GTIN, '21': 'X' });
  });

  it('takes data attributes and a lot from the query, and other parameters separately', () => {
    const vrs =
      `${DL}/21/S1?17=261231&10=L%2F1&linkType=gs1:verificationService&context=dscsaSaleableReturn` +
      '&reqGLN=0614141000005&corrUUID=8c6f1f3c-7c32-4bb4-9a5a-0e9a7a3e5f10';
    expect(parseDigitalLink(vrs)).toEqual({
      domain: 'https://id.gs1.org',
      ais: { '01': GTIN, '21': 'S1', '17': '261231', '10': 'L/1' },
      params: {
        linkType: 'gs1:verificationService',
        context: 'dscsaSaleableReturn',
        reqGLN: '0614141000005',
        corrUUID: '8c6f1f3c-7c32-4bb4-9a5a-0e9a7a3e5f10',
      },
    });
  });

  it('reads SSCC, GLN with extension and party GLN links', () => {
    expect(parseDigitalLink('https://id.gs1.org/00/106141412345678908').ais).toEqual({ '00': '106141412345678908' });
    expect(parseDigitalLink('https://id.gs1.org/414/0614141000005/254/Dock%2F1').ais).toEqual({ '414': '0614141000005', '254': 'Dock/1' });
    expect(parseDigitalLink('https://id.gs1.org/417/0614141000005').ais).toEqual({ '417': '0614141000005' });
  });

  it('percent-decodes serials and ignores a fragment', () => {
    expect(parseDigitalLink(`${DL}/21/A%25B%26C%3FD%22#top`).ais['21']).toBe('A%B&C?D"');
  });

  it('keeps a parameter named __proto__ as data', () => {
    const { params } = parseDigitalLink(`${DL}?__proto__=x`);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(params['__proto__']).toBe('x');
  });

  it.each([
    ['ftp://id.gs1.org/01/09506000134352', 'BAD_URI'],
    ['https://id.gs1.org/', 'BAD_URI'],
    ['https://id.gs1.org/gtin/09506000134352', 'BAD_URI'], // DL 1.1 short names are not supported
    [`${DL}?exp=261231`, 'BAD_URI'],
    [`${DL}/`, 'BAD_URI'],
    [`${DL}/21/S1/10/L1`, 'BAD_URI'], // qualifiers out of order
    [`${DL}/21/S1/21/S2`, 'BAD_URI'],
    [`${DL}/17/261231`, 'BAD_URI'], // a data attribute is not a path qualifier
    [`${DL}?00=106141412345678908`, 'BAD_URI'],
    [`${DL}/10/L1?10=L2`, 'DUPLICATE_AI'],
    [`${DL}/21/100%`, 'BAD_URI'],
    ['https://id.gs1.org/01/09506000134353', 'CHECK_DIGIT'],
    ['https://id.gs1.org/01/9506000134352', 'BAD_LENGTH'],
    [`${DL}/21/A%20B`, 'BAD_CHARSET'],
    [`${DL}/21/%C3%A9`, 'BAD_CHARSET'],
    [`${DL}?17=261301`, 'BAD_DATE'],
    [`${DL}?99999=1`, 'UNKNOWN_FORMAT'],
    [`${DL}?23=1`, 'UNKNOWN_FORMAT'],
  ])('%s -> %s', (uri, code) => {
    expect(() => parseDigitalLink(uri)).toThrow(expect.objectContaining({ code }));
  });
});

describe('toDigitalLink', () => {
  it('writes the canonical form: key, qualifiers 22/10/21 in the path, attributes sorted in the query', () => {
    expect(toDigitalLink({ '17': '261231', '21': 'S1', '3103': '000525', '10': 'L1', '01': GTIN })).toBe(
      `${DL}/10/L1/21/S1?17=261231&3103=000525`,
    );
  });

  it('uses the given domain, with or without a trailing slash', () => {
    expect(toDigitalLink({ '414': '0614141000005', '254': 'D1' }, 'https://example.com/gs1/')).toBe(
      'https://example.com/gs1/414/0614141000005/254/D1',
    );
  });

  it('percent-escapes everything outside RFC 3986 unreserved, and dot-only values', () => {
    expect(toDigitalLink({ '01': GTIN, '21': `!"%&'()*+,/:;<=>?-._` })).toBe(
      `${DL}/21/%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F-._`,
    );
    expect(toDigitalLink({ '01': GTIN, '21': '..' })).toBe(`${DL}/21/%2E%2E`);
  });

  it('needs exactly one primary key and a usable domain', () => {
    expect(() => toDigitalLink({ '21': 'S1' })).toThrow(expect.objectContaining({ code: 'MISSING_AI' }));
    expect(() => toDigitalLink({ '01': GTIN, '00': '106141412345678908' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT' }));
    expect(() => toDigitalLink({ '01': GTIN }, 'id.gs1.org')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
  });

  it('validates values before writing them', () => {
    expect(() => toDigitalLink({ '01': GTIN, '21': 'A B' })).toThrow(expect.objectContaining({ code: 'BAD_CHARSET', field: '21' }));
  });
});
