import fc from 'fast-check';
import { assertCs82, percentDecode, percentEncode } from './charset';

const CS82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

describe('assertCs82', () => {
  it('accepts all 82 characters', () => {
    expect(CS82).toHaveLength(82);
    expect(assertCs82(CS82, 82)).toBe(CS82);
  });

  it.each([' ', '#', '~', '\u001d', 'é', '\n', '@', '[', '\\', '`', '^', '{', '$'])('rejects %j', (c) => {
    expect(() => assertCs82(`A${c}`, 20)).toThrow(expect.objectContaining({ code: 'BAD_CHARSET' }));
  });

  it('enforces 1..max characters', () => {
    expect(() => assertCs82('', 20)).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(() => assertCs82('A'.repeat(21), 20)).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(assertCs82('A'.repeat(20), 20)).toHaveLength(20);
  });
});

describe('percent escaping', () => {
  it('encodes matched characters as uppercase %HH', () => {
    expect(percentEncode('a/b%c?', /[/%?]/g)).toBe('a%2Fb%25c%3F');
  });

  it('decodes %HH in either case and refuses a stray %', () => {
    expect(percentDecode('a%2fb%25c')).toBe('a/b%c');
    expect(() => percentDecode('100%')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
    expect(() => percentDecode('%G1')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
  });

  it('round-trips any charset-82 text', () => {
    const text = fc.string({ unit: fc.constantFrom(...CS82), minLength: 1 });
    fc.assert(fc.property(text, (s) => percentDecode(percentEncode(s, /[^A-Za-z0-9]/g)) === s), { numRuns: 300 });
  });
});
