import fc from 'fast-check';
import { base64urlDecode, base64urlEncode } from './base64url';

describe('base64url', () => {
  it('round-trips any bytes without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(base64urlDecode(text)).toEqual(bytes);
      }),
    );
  });

  it('encodes RFC 4648 §10 vectors in the URL-safe alphabet', () => {
    expect(base64urlEncode(Buffer.from('foobar'))).toBe('Zm9vYmFy');
    expect(base64urlEncode(Buffer.from('fo'))).toBe('Zm8');
    expect(base64urlEncode(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    expect(base64urlEncode(new Uint8Array(0))).toBe('');
  });

  it('encodes only the viewed bytes of a subarray', () => {
    expect(base64urlEncode(Uint8Array.of(1, 2, 3, 4).subarray(1, 3))).toBe(base64urlEncode(Uint8Array.of(2, 3)));
  });

  it.each([
    ['padding', 'Zm8='],
    ['standard-alphabet +', '+_8'],
    ['standard-alphabet /', '-/8'],
    ['whitespace', 'Zm9v YmFy'],
    ['a newline', 'Zm9v\nYmFy'],
    ['non-zero trailing bits (2 chars)', 'Zh'],
    ['non-zero trailing bits (3 chars)', 'Zm9'],
    ['a dangling single character', 'Zm9vY'],
    ['a non-ASCII character', 'Zm9vé'],
    ['a dot', 'Zm9v.'],
  ])('rejects %s', (_, text) => {
    expect(() => base64urlDecode(text)).toThrow(expect.objectContaining({ code: 'BASE64URL_INVALID' }));
  });
});
