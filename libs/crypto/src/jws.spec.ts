import { createPrivateKey, sign as nodeSign, verify as nodeVerify, createPublicKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { base64urlDecode, base64urlEncode } from './base64url';
import { generateKeyPair, type JwsAlg } from './keys';
import { parseJwsHeader, signDetached, verifyDetached, type VerifyEngine } from './jws';
import { utf8Encode } from './utf8';

const ALGS: JwsAlg[] = ['EdDSA', 'ES256'];
const ENGINES: VerifyEngine[] = ['node', 'noble'];
const P256_N = p256.Point.Fn.ORDER;
const keys = { EdDSA: generateKeyPair('EdDSA'), ES256: generateKeyPair('ES256') };
const payload = utf8Encode('{"eventType":"ObjectEvent"}');
const kid = '0614141000005/2026-a';
const header = (json: string) => base64urlEncode(utf8Encode(json));
const withSignature = (jws: string, signature: Uint8Array) => `${jws.split('.')[0]}..${base64urlEncode(signature)}`;
const signatureOf = (jws: string) => base64urlDecode(jws.split('.')[2]);
const bigintToBytes = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

describe('signDetached', () => {
  it.each(ALGS)('writes "<header>..<signature>" with exactly alg and kid for %s', (alg) => {
    const jws = signDetached(payload, keys[alg].privateJwk, { kid });
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]{86}$/);
    expect(Buffer.from(jws.split('.')[0], 'base64url').toString()).toBe(`{"alg":"${alg}","kid":"${kid}"}`);
  });

  it.each(ALGS)('signs the standard input b64url(header) "." b64url(payload) (%s, checked with node:crypto)', (alg) => {
    const jws = signDetached(payload, keys[alg].privateJwk, { kid, alg });
    const input = Buffer.from(`${jws.split('.')[0]}.${base64urlEncode(payload)}`);
    const key = createPublicKey({ key: keys[alg].publicJwk, format: 'jwk' });
    const signature = signatureOf(jws);
    expect(alg === 'EdDSA' ? nodeVerify(null, input, key, signature) : nodeVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('is deterministic for Ed25519 and matches node:crypto byte for byte', () => {
    const jws = signDetached(payload, keys.EdDSA.privateJwk, { kid });
    expect(signDetached(payload, keys.EdDSA.privateJwk, { kid })).toBe(jws);
    const input = Buffer.from(`${jws.split('.')[0]}.${base64urlEncode(payload)}`);
    expect(nodeSign(null, input, createPrivateKey({ key: keys.EdDSA.privateJwk, format: 'jwk' }))).toEqual(Buffer.from(signatureOf(jws)));
  });

  it('produces low-S ES256 signatures', () => {
    for (let i = 0; i < 20; i++) {
      const s = BigInt(`0x${Buffer.from(signatureOf(signDetached(Uint8Array.of(i), keys.ES256.privateJwk, { kid }))).subarray(32).toString('hex')}`);
      expect(s <= P256_N / 2n).toBe(true);
    }
  });

  it('refuses an alg that does not fit the key, an empty kid and an invalid key', () => {
    expect(() => signDetached(payload, keys.EdDSA.privateJwk, { kid, alg: 'ES256' })).toThrow(expect.objectContaining({ code: 'ALG_KEY_MISMATCH' }));
    expect(() => signDetached(payload, keys.EdDSA.privateJwk, { kid: '' })).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    expect(() => signDetached(payload, keys.EdDSA.publicJwk, { kid })).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});

describe('parseJwsHeader', () => {
  const signature = 'A'.repeat(86);
  it('returns alg and kid', () => {
    expect(parseJwsHeader(`${header('{"kid":"k","alg":"ES256"}')}..${signature}`)).toEqual({ alg: 'ES256', kid: 'k' });
  });

  it.each<[string, unknown, string]>([
    ['two parts', `${header('{"alg":"EdDSA","kid":"k"}')}.${signature}`, 'MALFORMED'],
    ['four parts', `${header('{"alg":"EdDSA","kid":"k"}')}...${signature}`, 'MALFORMED'],
    ['an attached payload', `${header('{"alg":"EdDSA","kid":"k"}')}.e30.${signature}`, 'MALFORMED'],
    ['JWS JSON serialization', JSON.stringify({ protected: header('{"alg":"EdDSA","kid":"k"}'), signature }), 'MALFORMED'],
    ['a non-string', 42, 'MALFORMED'],
    ['an empty header', `..${signature}`, 'MALFORMED'],
    ['a padded header', `${header('{"alg":"EdDSA","kid":"kk"}')}=..${signature}`, 'MALFORMED'],
    ['a header that is not JSON', `${header('{alg:EdDSA}')}..${signature}`, 'MALFORMED'],
    ['a header that is a JSON array', `${header('["EdDSA","k"]')}..${signature}`, 'MALFORMED'],
    ['a header with a BOM', `${header('\uFEFF{"alg":"EdDSA","kid":"k"}')}..${signature}`, 'MALFORMED'],
    ['a header that is not UTF-8', `${base64urlEncode(Buffer.from('{"alg":"EdDSA","kid":"\xff"}', 'latin1'))}..${signature}`, 'MALFORMED'],
    ['alg none', `${header('{"alg":"none","kid":"k"}')}..${signature}`, 'ALG_NOT_ALLOWED'],
    ['alg HS256', `${header('{"alg":"HS256","kid":"k"}')}..${signature}`, 'ALG_NOT_ALLOWED'],
    ['alg RS256', `${header('{"alg":"RS256","kid":"k"}')}..${signature}`, 'ALG_NOT_ALLOWED'],
    ['alg Ed25519 (the newer fully-specified name)', `${header('{"alg":"Ed25519","kid":"k"}')}..${signature}`, 'ALG_NOT_ALLOWED'],
    ['alg in lower case', `${header('{"alg":"eddsa","kid":"k"}')}..${signature}`, 'ALG_NOT_ALLOWED'],
    ['no alg', `${header('{"kid":"k"}')}..${signature}`, 'MALFORMED'],
    ['a numeric alg', `${header('{"alg":1,"kid":"k"}')}..${signature}`, 'MALFORMED'],
    ['no kid', `${header('{"alg":"EdDSA"}')}..${signature}`, 'MALFORMED'],
    ['an empty kid', `${header('{"alg":"EdDSA","kid":""}')}..${signature}`, 'MALFORMED'],
    ['a numeric kid', `${header('{"alg":"EdDSA","kid":7}')}..${signature}`, 'MALFORMED'],
    ...['crit', 'b64', 'jku', 'jwk', 'x5u', 'x5c', 'x5t', 'typ', 'cty', 'zip'].map((name): [string, unknown, string] => [
      `a ${name} parameter`,
      `${header(`{"alg":"EdDSA","kid":"k","${name}":${name === 'b64' ? 'false' : name === 'crit' ? '["b64"]' : '"x"'}}`)}..${signature}`,
      'MALFORMED',
    ]),
  ])('rejects %s', (_, jws, code) => {
    expect(() => parseJwsHeader(jws as string)).toThrow(expect.objectContaining({ name: 'CryptoError', code }));
  });
});

describe.each(ENGINES)('verifyDetached (engine %s)', (engine) => {
  const verify = (jws: string, data: Uint8Array, publicJwk: object) => verifyDetached(jws, data, publicJwk as never, { engine });

  it.each(ALGS)('accepts a %s signature and returns the header', (alg) => {
    expect(verify(signDetached(payload, keys[alg].privateJwk, { kid }), payload, keys[alg].publicJwk)).toEqual({ ok: true, header: { alg, kid } });
  });

  it.each(ALGS)('rejects a %s signature over other bytes, by another key, or with a changed kid', (alg) => {
    const jws = signDetached(payload, keys[alg].privateJwk, { kid });
    expect(verify(jws, Uint8Array.of(...payload, 0x20), keys[alg].publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verify(jws, payload, generateKeyPair(alg).publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    const otherKid = `${header(`{"alg":"${alg}","kid":"0614141000005/2026-b"}`)}..${jws.split('.')[2]}`;
    expect(verify(otherKid, payload, keys[alg].publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('accepts both the low-S ES256 signature and its high-S twin (r, n - s)', () => {
    const jws = signDetached(payload, keys.ES256.privateJwk, { kid });
    const signature = signatureOf(jws);
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    const highS = Uint8Array.of(...signature.subarray(0, 32), ...bigintToBytes(P256_N - s));
    expect(s <= P256_N / 2n).toBe(true);
    expect(verify(jws, payload, keys.ES256.publicJwk).ok).toBe(true);
    expect(verify(withSignature(jws, highS), payload, keys.ES256.publicJwk).ok).toBe(true);
  });

  it('accepts an ES256 signature made by node:crypto (either S)', () => {
    const protectedHeader = header(`{"alg":"ES256","kid":"${kid}"}`);
    const key = createPrivateKey({ key: keys.ES256.privateJwk, format: 'jwk' });
    for (let i = 0; i < 10; i++) {
      const signature = nodeSign('sha256', Buffer.from(`${protectedHeader}.${base64urlEncode(payload)}`), { key, dsaEncoding: 'ieee-p1363' });
      expect(verify(`${protectedHeader}..${base64urlEncode(signature)}`, payload, keys.ES256.publicJwk).ok).toBe(true);
    }
  });

  it('rejects a DER-encoded ES256 signature as MALFORMED', () => {
    const jws = signDetached(payload, keys.ES256.privateJwk, { kid });
    const der = p256.Signature.fromBytes(signatureOf(jws), 'compact').toBytes('der');
    expect(verify(withSignature(jws, der), payload, keys.ES256.publicJwk)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it.each<[string, (signature: Uint8Array) => Uint8Array]>([
    ['r = 0', (sig) => Uint8Array.of(...new Uint8Array(32), ...sig.subarray(32))],
    ['s = 0', (sig) => Uint8Array.of(...sig.subarray(0, 32), ...new Uint8Array(32))],
    ['r = n', (sig) => Uint8Array.of(...bigintToBytes(P256_N), ...sig.subarray(32))],
    ['s = n', (sig) => Uint8Array.of(...sig.subarray(0, 32), ...bigintToBytes(P256_N))],
    ['s = 2^256 - 1', (sig) => Uint8Array.of(...sig.subarray(0, 32), ...new Uint8Array(32).fill(0xff))],
  ])('rejects an ES256 signature with %s', (_, mutate) => {
    const jws = signDetached(payload, keys.ES256.privateJwk, { kid });
    expect(verify(withSignature(jws, mutate(signatureOf(jws))), payload, keys.ES256.publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('reports why, in order: malformed, alg, key, alg/key fit, signature', () => {
    const jws = signDetached(payload, keys.EdDSA.privateJwk, { kid });
    const [h, , s] = jws.split('.');
    expect(verify(`${h}.${s}`, payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(verify(`${header('{"alg":"none","kid":"k"}')}..${s}`, payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'ALG_NOT_ALLOWED' });
    expect(verify(jws, payload, { ...keys.EdDSA.publicJwk, kid })).toMatchObject({ ok: false, reason: 'INVALID_KEY' });
    expect(verify(jws, payload, keys.ES256.publicJwk)).toMatchObject({ ok: false, reason: 'ALG_KEY_MISMATCH' });
    expect(verify(`${h}..${s}=`, payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(verify(`${h}..`, payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(verify(withSignature(jws, signatureOf(jws).subarray(0, 63)), payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(verify(withSignature(jws, new Uint8Array(64)), payload, keys.EdDSA.publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE', detail: expect.any(String) });
  });
});
