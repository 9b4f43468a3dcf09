import { utf8Decode, utf8Encode } from './utf8';

describe('utf8', () => {
  it('encodes and decodes, keeping surrogate pairs and a BOM', () => {
    const text = '\uFEFFé\u{1F600}';
    expect(Buffer.from(utf8Encode(text)).toString('hex')).toBe('efbbbfc3a9f09f9880');
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });

  it.each(['\ud800', 'a\udc00', '\ude00\ud83d'])('refuses to encode lone surrogates in %j', (text) => {
    expect(() => utf8Encode(text)).toThrow(expect.objectContaining({ code: 'UTF8_INVALID' }));
  });

  it.each([
    ['a truncated sequence', [0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a stray continuation byte', [0x80]],
  ])('refuses to decode %s', (_, bytes) => {
    expect(() => utf8Decode(Uint8Array.from(bytes))).toThrow(expect.objectContaining({ code: 'UTF8_INVALID' }));
  });
});
