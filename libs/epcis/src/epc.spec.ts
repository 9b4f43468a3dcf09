import { Gs1Error } from '@app/gs1';
import { canonicalEpc } from './epc';

describe('canonicalEpc', () => {
  it('gives an SGTIN the same spelling from an EPC URN and from Digital Links on any domain', () => {
    const expected = 'https://id.gs1.org/01/00614141123452/21/A%2FB1';
    expect(canonicalEpc('urn:epc:id:sgtin:0614141.012345.A%2FB1')).toBe(expected);
    expect(canonicalEpc('https://example.com/01/00614141123452/21/A%2FB1')).toBe(expected);
    expect(canonicalEpc('https://id.gs1.org/01/00614141123452/21/A%2FB1')).toBe(expected);
  });

  it('handles SSCCs', () => {
    expect(canonicalEpc('urn:epc:id:sscc:0614141.1234567890')).toBe('https://id.gs1.org/00/106141412345678908');
  });

  it('rejects what is not an identifier', () => {
    expect(() => canonicalEpc('SER001')).toThrow(Gs1Error);
    expect(() => canonicalEpc('urn:epc:id:sgtin:0614141.012345')).toThrow(Gs1Error);
  });
});
