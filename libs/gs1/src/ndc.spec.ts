import { formatNdc, gtinFromNdc, ndcFromGtin } from './ndc';

describe('NDC', () => {
  it('extracts the NDC10 from a US drug GTIN at any packaging level', () => {
    expect(ndcFromGtin('00300021433802')).toBe('0002143380');
    expect(ndcFromGtin('50300021433807')).toBe('0002143380');
    expect(ndcFromGtin('300021433802')).toBe('0002143380'); // the UPC-A on the carton
  });

  it('returns null for GTINs outside the NDC range and throws for invalid ones', () => {
    expect(ndcFromGtin('00614141123452')).toBeNull();
    expect(() => ndcFromGtin('00300021433803')).toThrow(expect.objectContaining({ code: 'CHECK_DIGIT' }));
  });

  it('builds the GTIN from an NDC in any hyphenation', () => {
    expect(gtinFromNdc('0002-1433-80')).toBe('00300021433802');
    expect(gtinFromNdc('0002143380', '5')).toBe('50300021433807');
    expect(() => gtinFromNdc('00002-1433-80')).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(() => gtinFromNdc('0002143380', '10')).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });

  it.each([
    ['4-4-2', '0002-1433-80'],
    ['5-3-2', '00021-433-80'],
    ['5-4-1', '00021-4338-0'],
  ] as const)('formats %s', (layout, formatted) => expect(formatNdc('0002143380', layout)).toBe(formatted));

  it('formats only 10-digit NDCs', () => {
    expect(() => formatNdc('000214338', '4-4-2')).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });
});
