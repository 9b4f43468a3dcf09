import fc from 'fast-check';
import { bytesToHex, hexToBytes, sha256, sha256Hex } from './digest';

describe('digest', () => {
  it('computes SHA-256 of bytes and of a string as UTF-8 (FIPS 180-2 vectors)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('é')).toEqual(sha256(Uint8Array.of(0xc3, 0xa9)));
    expect(sha256('x')).toBeInstanceOf(Uint8Array);
  });

  it('rejects a string with a lone surrogate instead of hashing U+FFFD', () => {
    expect(() => sha256('\ud800')).toThrow(expect.objectContaining({ code: 'UTF8_INVALID' }));
  });

  it('round-trips hex', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes)));
    expect(bytesToHex(Uint8Array.of(0, 0xab, 0xff))).toBe('00abff');
  });

  it.each(['0', 'abc', 'AB', '0g', ' 00', '00\n'])('rejects hex %j', (hex) => {
    expect(() => hexToBytes(hex)).toThrow(expect.objectContaining({ code: 'HEX_INVALID' }));
  });
});
