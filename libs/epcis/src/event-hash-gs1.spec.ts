import * as fc from 'fast-check';

import { canonicalGs1Uri, gs1CheckDigit } from './event-hash-gs1';

describe('gs1CheckDigit', () => {
  it.each([
    ['0061414112345', '2'],
    ['10614141234567890', '8'],
    ['061414100000', '5'],
    ['9638507', '4'],
  ])('%s → %s', (digits, check) => expect(gs1CheckDigit(digits)).toBe(check));

  it('makes the whole key sum to a multiple of ten with weights 1,3,1,… from the right', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,17}$/), (digits) => {
        const key = digits + gs1CheckDigit(digits);
        const sum = [...key].reverse().reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
        return sum % 10 === 0;
      }),
    );
  });
});

describe('canonicalGs1Uri: EPC URNs', () => {
  it.each([
    ['urn:epc:id:sgtin:0614141.112345.400', 'https://id.gs1.org/01/10614141123459/21/400'],
    ['urn:epc:id:sgtin:0614141.112345.A.1', 'https://id.gs1.org/01/10614141123459/21/A.1'],
    ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908'],
    ['urn:epc:id:sgln:0614141.00001.0', 'https://id.gs1.org/414/0614141000012'],
    ['urn:epc:id:sgln:0614141.00001.7', 'https://id.gs1.org/414/0614141000012/254/7'],
    ['urn:epc:id:pgln:0614141.00000', 'https://id.gs1.org/417/0614141000005'],
    ['urn:epc:id:grai:0614141.12345.400', 'https://id.gs1.org/8003/00614141123452400'],
    ['urn:epc:id:gdti:987659999999..9', 'https://id.gs1.org/253/98765999999929'],
    ['urn:epc:class:lgtin:0614141.112345.L%2F1', 'https://id.gs1.org/01/10614141123459/10/L%2F1'],
    ['urn:epc:idpat:sgtin:0614141.112345.*', 'https://id.gs1.org/01/10614141123459'],
  ])('%s → %s', (urn, uri) => expect(canonicalGs1Uri(urn)).toBe(uri));

  it.each([
    'urn:epc:id:sgtin:0614141.12345.400', // company prefix + item reference must be 13 digits
    'urn:epc:id:sgtin:0614141.112345', // no serial
    'urn:epc:id:sgtin:0614141.112345.a b', // character not allowed in an EPC URN
    'urn:epc:idpat:sgtin:0614141.112345.400', // a pattern needs `*`
    'urn:epc:id:usdod:CAGE1.5678', // not a GS1 key
  ])('leaves %s alone', (urn) => expect(canonicalGs1Uri(urn)).toBeUndefined());
});

describe('canonicalGs1Uri: Digital Link URIs', () => {
  it.each([
    ['https://id.gs1.org/01/09506000134352/21/1', 'https://id.gs1.org/01/09506000134352/21/1'],
    ['http://b.example/products/gtin/9506000134352/ser/1?linkType=all#x', 'https://id.gs1.org/01/09506000134352/21/1'],
    ['https://id.gs1.org/01/09506000134352/10/ABC/21/1', 'https://id.gs1.org/01/09506000134352/21/1'],
    ['https://id.gs1.org/01/09506000134352/22/2A/10/ABC', 'https://id.gs1.org/01/09506000134352/10/ABC'],
    ['https://id.gs1.org/01/09506000134352/22/2A', 'https://id.gs1.org/01/09506000134352'],
    ['https://id.gs1.org/01/96385074/', 'https://id.gs1.org/01/00000096385074'],
    ['https://example.org/gln/0614141000012/glnx/7', 'https://id.gs1.org/414/0614141000012/254/7'],
    ['https://example.org/8010/0614141ABC/8011/12', 'https://id.gs1.org/8010/0614141ABC/8011/12'],
  ])('%s → %s', (uri, canonical) => expect(canonicalGs1Uri(uri)).toBe(canonical));

  it.each([
    'http://transaction.acme.com/po/12345678',
    'https://example.com/01/not-a-gtin',
    'https://id.gs1.org/01/09506000134352/99/x', // 99 does not qualify a GTIN
    'https://id.gs1.org/01/09506000134352/21', // qualifier without value
    'geo:50.947573340894124,6.922120147375441',
  ])('leaves %s alone', (uri) => expect(canonicalGs1Uri(uri)).toBeUndefined());

  it('stays linear on hostile paths', () => {
    const uri = `https://x.example/${'00/123456789012345678/'.repeat(50_000)}01/09506000134352`;
    expect(canonicalGs1Uri(uri)).toBe('https://id.gs1.org/01/09506000134352');
  });
});
