import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import fc from 'fast-check';
import { base64urlDecode, base64urlEncode } from './base64url';
import { generateKeyPair, type JwsAlg, type KeyPair } from './keys';
import { signDetached, verifyDetached } from './jws';
import { utf8Encode } from './utf8';

/**
 * node:crypto (OpenSSL) and noble must accept exactly the same signatures through verifyDetached. The raw libraries
 * do not (first block); verifyDetached closes each gap, and the property below checks it over random and adversarial
 * signatures.
 */

const L = ed25519.Point.Fn.ORDER;
const N = p256.Point.Fn.ORDER;
const ED_P = ed25519.Point.Fp.ORDER;
const ORDER_8 = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1]);
const le32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const be32 = (n: bigint) => le32(n).reverse();
const fromLe = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
const fromBe = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
const headerFor = (alg: JwsAlg, kid = 'k') => base64urlEncode(utf8Encode(JSON.stringify({ alg, kid })));
const inputFor = (header: string, payload: Uint8Array) => Buffer.from(`${header}.${base64urlEncode(payload)}`);
const ed25519Jwk = (x: Uint8Array) => ({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(x) }) as const;

/** An Ed25519 signature whose nonce point is chosen by the signer: R = [r]B + extra, S = r + k·a. */
function craftEd25519(seed: Uint8Array, message: Uint8Array, r: bigint, extra = ed25519.Point.ZERO, encodeR?: Uint8Array): Uint8Array {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  const R = encodeR ?? ed25519.Point.BASE.multiplyUnsafe(r).add(extra).toBytes();
  const k = fromLe(createHash('sha512').update(R).update(pointBytes).update(message).digest()) % L;
  return concat(R, le32((r + k * scalar) % L));
}

const rawNode = (jwk: object, alg: JwsAlg, input: Uint8Array, signature: Uint8Array) => {
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return alg === 'EdDSA' ? nodeVerify(null, input, key, signature) : nodeVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
};

describe('raw node:crypto and noble differ; verifyDetached does not', () => {
  const message = utf8Encode('any message at all');
  const both = (jws: string, data: Uint8Array, jwk: object) =>
    (['node', 'noble'] as const).map((engine) => verifyDetached(jws, data, jwk as never, { engine }));

  it('OpenSSL accepts R = identity, S = 0 under the identity key for every message; validatePublicJwk refuses the key', () => {
    const identity = ed25519.Point.ZERO.toBytes();
    const header = headerFor('EdDSA');
    const forged = concat(identity, new Uint8Array(32));
    expect(rawNode(ed25519Jwk(identity), 'EdDSA', inputFor(header, message), forged)).toBe(true);
    expect(ed25519.verify(forged, inputFor(header, message), identity, { zip215: false })).toBe(false);
    expect(both(`${header}..${base64urlEncode(forged)}`, message, ed25519Jwk(identity))).toEqual([
      expect.objectContaining({ ok: false, reason: 'INVALID_KEY' }),
      expect.objectContaining({ ok: false, reason: 'INVALID_KEY' }),
    ]);
  });

  it('OpenSSL accepts a non-canonical encoding (y = p + 1) of the identity key too', () => {
    const nonCanonical = le32(ED_P + 1n);
    const header = headerFor('EdDSA');
    const forged = concat(ed25519.Point.ZERO.toBytes(), new Uint8Array(32));
    expect(rawNode(ed25519Jwk(nonCanonical), 'EdDSA', inputFor(header, message), forged)).toBe(true);
  });

  it('noble (cofactored) accepts an R with an order-8 component, OpenSSL (cofactorless) does not; verifyDetached rejects', () => {
    const { privateJwk, publicJwk } = generateKeyPair('EdDSA');
    const seed = base64urlDecode(privateJwk.d);
    const header = headerFor('EdDSA');
    const signature = craftEd25519(seed, inputFor(header, message), 123456789n, ORDER_8);
    const x = base64urlDecode((publicJwk as { x: string }).x);
    expect(ed25519.verify(signature, inputFor(header, message), x, { zip215: false })).toBe(true);
    expect(rawNode(publicJwk, 'EdDSA', inputFor(header, message), signature)).toBe(false);
    expect(both(`${header}..${base64urlEncode(signature)}`, message, publicJwk)).toEqual([
      expect.objectContaining({ ok: false, reason: 'BAD_SIGNATURE' }),
      expect.objectContaining({ ok: false, reason: 'BAD_SIGNATURE' }),
    ]);
  });

  it('noble accepts a key with an order-8 component that OpenSSL rejects; validatePublicJwk refuses the key', () => {
    const seed = base64urlDecode(generateKeyPair('EdDSA').privateJwk.d);
    const { scalar, point } = ed25519.utils.getExtendedPublicKey(seed);
    const mixedKey = point.add(ORDER_8).toBytes();
    const header = headerFor('EdDSA');
    // Signed as if A were the mixed key: k hashes the mixed encoding, S = r + k·a.
    const R = ed25519.Point.BASE.multiply(987654321n).toBytes();
    const k = fromLe(createHash('sha512').update(R).update(mixedKey).update(inputFor(header, message)).digest()) % L;
    const signature = concat(R, le32((987654321n + k * scalar) % L));
    expect(ed25519.verify(signature, inputFor(header, message), mixedKey, { zip215: false })).toBe(true);
    const viaNode = rawNode(ed25519Jwk(mixedKey), 'EdDSA', inputFor(header, message), signature);
    expect(viaNode).toBe(k % 8n === 0n); // cofactorless holds only when [k]T vanishes
    expect(both(`${header}..${base64urlEncode(signature)}`, message, ed25519Jwk(mixedKey)).map((r) => r.ok)).toEqual([false, false]);
  });
});

type Case = { name: string; jws: string; payload: Uint8Array; jwk: object; expected: boolean | 'MALFORMED' };

const ED_MUTATIONS = ['valid', 'sigBitFlip', 'payloadBitFlip', 'wrongKey', 'sPlusL', 'sEqualsL', 'randomSignature', 'mixedOrderR', 'identityR', 'nonCanonicalIdentityR', 'smallOrderR', 'truncated', 'extended'] as const;
const EC_MUTATIONS = ['valid', 'highS', 'sigBitFlip', 'payloadBitFlip', 'wrongKey', 'r0', 's0', 'rN', 'sN', 'rAboveN', 'sAboveN', 'swapRS', 'randomSignature', 'der', 'truncated'] as const;

describe('node and noble engines agree (fast-check)', () => {
  const pool: Record<JwsAlg, KeyPair[]> = {
    EdDSA: [generateKeyPair('EdDSA'), generateKeyPair('EdDSA')],
    ES256: [generateKeyPair('ES256'), generateKeyPair('ES256')],
  };

  function edCase(mutation: (typeof ED_MUTATIONS)[number], keyIndex: number, payload: Uint8Array, bit: number, noise: Uint8Array): Case {
    const { privateJwk, publicJwk } = pool.EdDSA[keyIndex];
    const header = headerFor('EdDSA');
    const input = inputFor(header, payload);
    const seed = base64urlDecode(privateJwk.d);
    const valid = base64urlDecode(signDetached(payload, privateJwk, { kid: 'k' }).split('.')[2]);
    const S = fromLe(valid.subarray(32));
    const small = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1 + (bit % 7)]).toBytes();
    const signature: Record<typeof mutation, () => [Uint8Array, Case['expected']]> = {
      valid: () => [valid, true],
      sigBitFlip: () => [flip(valid, bit % 512), false],
      payloadBitFlip: () => [valid, false],
      wrongKey: () => [valid, false],
      sPlusL: () => [concat(valid.subarray(0, 32), le32(S + L)), false],
      sEqualsL: () => [concat(valid.subarray(0, 32), le32(L)), false],
      randomSignature: () => [noise.subarray(0, 64), false],
      mixedOrderR: () => [craftEd25519(seed, input, fromBe(noise.subarray(0, 32)) % L, ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1 + (bit % 7)])), false],
      identityR: () => [craftEd25519(seed, input, 0n), true], // r = 0 is a legal (if foolish) nonce
      nonCanonicalIdentityR: () => [craftEd25519(seed, input, 0n, undefined, le32(ED_P + 1n)), false],
      smallOrderR: () => [concat(small, noise.subarray(32, 64)), false],
      truncated: () => [valid.subarray(0, 63 - (bit % 32)), 'MALFORMED'],
      extended: () => [concat(valid, noise.subarray(0, 1 + (bit % 8))), 'MALFORMED'],
    };
    const [sig, expected] = signature[mutation]();
    return {
      name: `EdDSA ${mutation}`,
      jws: `${header}..${base64urlEncode(sig)}`,
      payload: mutation === 'payloadBitFlip' ? flip(payload, bit % (payload.length * 8)) : payload,
      jwk: mutation === 'wrongKey' ? pool.EdDSA[1 - keyIndex].publicJwk : publicJwk,
      expected,
    };
  }

  function ecCase(mutation: (typeof EC_MUTATIONS)[number], keyIndex: number, payload: Uint8Array, bit: number, noise: Uint8Array): Case {
    const { privateJwk, publicJwk } = pool.ES256[keyIndex];
    const header = headerFor('ES256');
    const valid = base64urlDecode(signDetached(payload, privateJwk, { kid: 'k' }).split('.')[2]);
    const [r, s] = [valid.subarray(0, 32), valid.subarray(32)];
    const withRS = (rr: Uint8Array, ss: Uint8Array) => concat(rr, ss);
    const above = (n: bigint) => be32(n + (fromBe(noise.subarray(0, 28)) % ((1n << 256n) - n)));
    const signature: Record<typeof mutation, () => [Uint8Array, Case['expected']]> = {
      valid: () => [valid, true],
      highS: () => [withRS(r, be32(N - fromBe(s))), true],
      sigBitFlip: () => [flip(valid, bit % 512), false],
      payloadBitFlip: () => [valid, false],
      wrongKey: () => [valid, false],
      r0: () => [withRS(new Uint8Array(32), s), false],
      s0: () => [withRS(r, new Uint8Array(32)), false],
      rN: () => [withRS(be32(N), s), false],
      sN: () => [withRS(r, be32(N)), false],
      rAboveN: () => [withRS(above(N), s), false],
      sAboveN: () => [withRS(r, above(N)), false],
      swapRS: () => [withRS(s, r), false],
      randomSignature: () => [noise.subarray(0, 64), false],
      der: () => [p256.Signature.fromBytes(valid, 'compact').toBytes('der'), 'MALFORMED'],
      truncated: () => [valid.subarray(0, 63 - (bit % 32)), 'MALFORMED'],
    };
    const [sig, expected] = signature[mutation]();
    return {
      name: `ES256 ${mutation}`,
      jws: `${header}..${base64urlEncode(sig)}`,
      payload: mutation === 'payloadBitFlip' ? flip(payload, bit % (payload.length * 8)) : payload,
      jwk: mutation === 'wrongKey' ? pool.ES256[1 - keyIndex].publicJwk : publicJwk,
      expected,
    };
  }

  const common = { keyIndex: fc.integer({ min: 0, max: 1 }), payload: fc.uint8Array({ minLength: 1, maxLength: 300 }), bit: fc.nat(), noise: fc.uint8Array({ minLength: 64, maxLength: 64 }) };
  const check = ({ name, jws, payload, jwk, expected }: Case) => {
    const node = verifyDetached(jws, payload, jwk as never, { engine: 'node' });
    const noble = verifyDetached(jws, payload, jwk as never, { engine: 'noble' });
    expect({ name, noble }).toEqual({ name, noble: node });
    expect({ name, outcome: node.ok || (node.reason === 'MALFORMED' ? 'MALFORMED' : false) }).toEqual({ name, outcome: expected });
  };

  it.each<[JwsAlg, number]>([
    ['EdDSA', 15000],
    ['ES256', 8000],
  ])('over %s, %i cases', (alg, numRuns) => {
    const mutation = fc.constantFrom<string>(...(alg === 'EdDSA' ? ED_MUTATIONS : EC_MUTATIONS));
    fc.assert(
      fc.property(fc.record({ mutation, ...common }), ({ mutation, keyIndex, payload, bit, noise }) =>
        check(alg === 'EdDSA' ? edCase(mutation as never, keyIndex, payload, bit, noise) : ecCase(mutation as never, keyIndex, payload, bit, noise)),
      ),
      { numRuns },
    );
  }, 900_000);
});

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}
