import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { base64urlEncode } from './base64url';
import { sha256 } from './digest';
import { generateKeyPair, jwkThumbprint, publicJwkFromPrivate, validatePublicJwk, type JwsAlg, type PublicJwk } from './keys';

const ALGS: JwsAlg[] = ['EdDSA', 'ES256'];
const b64 = (bytes: Uint8Array) => base64urlEncode(bytes);
const le32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const be32 = (n: bigint) => le32(n).reverse();
const okp = (x: Uint8Array): PublicJwk => ({ kty: 'OKP', crv: 'Ed25519', x: b64(x) });
const ED_P = ed25519.Point.Fp.ORDER;
const P256_P = p256.Point.Fp.ORDER;
const P256_N = p256.Point.Fn.ORDER;

// RFC 8037 Appendix A.1-A.3.
const RFC8037 = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
} as const;

describe('generateKeyPair', () => {
  it.each(ALGS)('makes a valid %s pair whose private half derives the public half', (alg) => {
    const { publicJwk, privateJwk } = generateKeyPair(alg);
    expect(Object.keys(publicJwk).sort()).toEqual(alg === 'EdDSA' ? ['crv', 'kty', 'x'] : ['crv', 'kty', 'x', 'y']);
    expect(privateJwk).toEqual({ ...publicJwk, d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(validatePublicJwk(publicJwk)).toBe(alg);
    expect(publicJwkFromPrivate(privateJwk)).toEqual(publicJwk);
  });

  it.each(ALGS)('derives the same %s public JWK as node:crypto', (alg) => {
    const { publicJwk, privateJwk } = generateKeyPair(alg);
    const nodePublic = createPublicKey(createPrivateKey({ key: privateJwk, format: 'jwk' })).export({ format: 'jwk' });
    expect(nodePublic).toEqual(publicJwk);
  });

  it('does not repeat keys', () => {
    expect(generateKeyPair('EdDSA').privateJwk.d).not.toBe(generateKeyPair('EdDSA').privateJwk.d);
  });
});

describe('publicJwkFromPrivate', () => {
  it('derives x from d (RFC 8037 A.2)', () => {
    expect(publicJwkFromPrivate(RFC8037)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x });
  });

  it.each<[string, (pair: ReturnType<typeof generateKeyPair>) => object]>([
    ['a d of another key', (pair) => ({ ...pair.privateJwk, d: generateKeyPair('ES256').privateJwk.d })],
    ['a 31-byte d', (pair) => ({ ...pair.privateJwk, d: b64(new Uint8Array(31)) })],
    ['d = 0', (pair) => ({ ...pair.privateJwk, d: b64(be32(0n)) })],
    ['d = n', (pair) => ({ ...pair.privateJwk, d: b64(be32(P256_N)) })],
    ['a public JWK', (pair) => pair.publicJwk],
    ['an extra member', (pair) => ({ ...pair.privateJwk, kid: 'k' })],
  ])('rejects %s', (_, make) => {
    expect(() => publicJwkFromPrivate(make(generateKeyPair('ES256')) as never)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});

describe('jwkThumbprint', () => {
  it('matches RFC 8037 A.3', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC8037.x })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('hashes the RFC 7638 member order for P-256, whatever order the JWK has', () => {
    const { publicJwk } = generateKeyPair('ES256');
    const { x, y } = publicJwk as { x: string; y: string };
    const expected = b64(sha256(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`));
    expect(jwkThumbprint({ y, x, kty: 'EC', crv: 'P-256' })).toBe(expected);
  });

  it('refuses a private JWK, whose d would not belong in a thumbprint input', () => {
    expect(() => jwkThumbprint(generateKeyPair('EdDSA').privateJwk)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});

describe('validatePublicJwk', () => {
  const ed = generateKeyPair('EdDSA').publicJwk as { x: string };
  const ec = generateKeyPair('ES256').publicJwk as { x: string; y: string };
  const edPoint = ed25519.Point.fromBytes(Buffer.from(ed.x, 'base64url'));
  const order8 = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1]);
  const ecPoint = p256.Point.fromBytes(p256.getPublicKey(p256.utils.randomSecretKey(), false));

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [ed]],
    ['a string', JSON.stringify(ed)],
    ['an extra kid member', { ...ed, kid: 'k' }],
    ['an extra use member', { ...ec, use: 'sig' }],
    ['a private key', generateKeyPair('EdDSA').privateJwk],
    ['EC without y', { kty: 'EC', crv: 'P-256', x: ec.x }],
    ['OKP with y', { ...ed, y: ec.y }],
    ['OKP/P-256', { ...ed, crv: 'P-256' }],
    ['EC/Ed25519', { ...ec, crv: 'Ed25519' }],
    ['X25519', { ...ed, crv: 'X25519' }],
    ['P-384', { ...ec, crv: 'P-384' }],
    ['a numeric x', { ...ed, x: 1 }],
    ['a 31-byte x', okp(new Uint8Array(31))],
    ['a 33-byte x', okp(new Uint8Array(33))],
    ['a padded x', { ...ed, x: `${ed.x}=` }],
    ['a standard-base64 x', { ...ed, x: RFC8037.x.replace('_', '/') }],
    ['an Ed25519 y that is not on the curve', okp(le32(2n))],
    ['a non-canonical Ed25519 encoding (y + p)', okp(le32(ED_P + 3n))],
    ['the non-canonical identity (y = p + 1)', okp(le32(ED_P + 1n))],
    ['the identity with the x sign bit set', okp(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : i === 31 ? 0x80 : 0)))],
    ...ED25519_TORSION_SUBGROUP.map((hex, i): [string, unknown] => [`small-order point ${i}`, okp(Buffer.from(hex, 'hex'))]),
    ['a mixed-order point (A + order-8 point)', okp(edPoint.add(order8).toBytes())],
    ['a P-256 point off the curve', { ...ec, y: b64(be32(ecPoint.y ^ 1n)) }],
    ['a P-256 x out of range (p + 1)', { ...ec, x: b64(be32(P256_P + 1n)) }],
    ['the P-256 (0, 0) pseudo-point', { ...ec, x: b64(be32(0n)), y: b64(be32(0n)) }],
  ])('rejects %s', (_, jwk) => {
    expect(() => validatePublicJwk(jwk)).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'INVALID_KEY' }));
  });

  it('checks the member set again when the key itself was already validated (and cached)', () => {
    expect(validatePublicJwk(ed)).toBe('EdDSA');
    expect(() => validatePublicJwk({ ...ed, kid: 'k' })).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('accepts a full-order Ed25519 point whose encoding has the x sign bit set', () => {
    const negated = edPoint.negate().toBytes();
    expect(validatePublicJwk(okp(negated))).toBe('EdDSA');
  });
});
