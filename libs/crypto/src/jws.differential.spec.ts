import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import fc from 'fast-check';
import { base64urlDecode, base64urlEncode } from './base64url';
import { generateKeyPair, type JwkInput, type JwsAlg, type KeyPair } from './keys';
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
const headerFor = (alg: JwsAlg) => base64urlEncode(utf8Encode(JSON.stringify({ alg, kid: 'k' })));
const inputFor = (header: string, payload: Uint8Array) => Buffer.from(`${header}.${base64urlEncode(payload)}`);
const ed25519Jwk = (x: Uint8Array) => ({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(x) }) as const;

/** An Ed25519 signature whose nonce point is chosen by the signer: R = [r]B + extra, S = r + k·a. */
function craftEd25519(seed: Uint8Array, message: Uint8Array, r: bigint, extra = ed25519.Point.ZERO, encodedR?: Uint8Array) {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  const R = encodedR ?? ed25519.Point.BASE.multiplyUnsafe(r).add(extra).toBytes();
  const k = fromLe(createHash('sha512').update(R).update(pointBytes).update(message).digest()) % L;
  return concat(R, le32((r + k * scalar) % L));
}

const rawNode = (jwk: JwkInput, input: Uint8Array, signature: Uint8Array) =>
  nodeVerify(null, input, createPublicKey({ key: jwk, format: 'jwk' }), signature);

describe('raw node:crypto and noble differ; verifyDetached does not', () => {
  const message = utf8Encode('any message at all');
  const both = (jws: string, data: Uint8Array, jwk: JwkInput) =>
    (['node', 'noble'] as const).map((engine) => verifyDetached(jws, data, jwk, { engine }));

  it('OpenSSL accepts R = identity, S = 0 under the identity key for every message; validatePublicJwk refuses the key', () => {
    const identity = ed25519.Point.ZERO.toBytes();
    const header = headerFor('EdDSA');
    const forged = concat(identity, new Uint8Array(32));
    expect(rawNode(ed25519Jwk(identity), inputFor(header, message), forged)).toBe(true);
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
    expect(rawNode(ed25519Jwk(nonCanonical), inputFor(header, message), forged)).toBe(true);
  });

  it('noble (cofactored) accepts an R with an order-8 component, OpenSSL (cofactorless) does not; verifyDetached rejects', () => {
    const { privateJwk, publicJwk } = generateKeyPair('EdDSA');
    const seed = base64urlDecode(privateJwk.d);
    const header = headerFor('EdDSA');
    const signature = craftEd25519(seed, inputFor(header, message), 123456789n, ORDER_8);
    const x = base64urlDecode((publicJwk as { x: string }).x);
    expect(ed25519.verify(signature, inputFor(header, message), x, { zip215: false })).toBe(true);
    expect(rawNode(publicJwk, inputFor(header, message), signature)).toBe(false);
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
    const viaNode = rawNode(ed25519Jwk(mixedKey), inputFor(header, message), signature);
    expect(viaNode).toBe(k % 8n === 0n); // cofactorless holds only when [k]T vanishes
    expect(both(`${header}..${base64urlEncode(signature)}`, message, ed25519Jwk(mixedKey))).toEqual([
      expect.objectContaining({ ok: false, reason: 'INVALID_KEY' }),
      expect.objectContaining({ ok: false, reason: 'INVALID_KEY' }),
    ]);
  });
});

type Expected = boolean | 'MALFORMED';
type Context = { valid: Uint8Array; seed: Uint8Array; input: Uint8Array; bit: number; noise: Uint8Array };
/** Turns a valid signature into a test signature, with the outcome the policy requires for it. */
type Mutation = (c: Context) => [signature: Uint8Array, expected: Expected];

const shared: Record<string, Mutation> = {
  valid: (c) => [c.valid, true],
  sigBitFlip: (c) => [flip(c.valid, c.bit % 512), false],
  payloadBitFlip: (c) => [c.valid, false], // the payload is flipped in check()
  wrongKey: (c) => [c.valid, false], // the other key of the pool is used in check()
  randomSignature: (c) => [c.noise, false],
  truncated: (c) => [c.valid.subarray(0, 63 - (c.bit % 32)), 'MALFORMED'],
};
const torsion = (c: Context) => ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1 + (c.bit % 7)]);
const MUTATIONS: Record<JwsAlg, Record<string, Mutation>> = {
  EdDSA: {
    ...shared,
    sPlusL: (c) => [concat(c.valid.subarray(0, 32), le32(fromLe(c.valid.subarray(32)) + L)), false],
    sEqualsL: (c) => [concat(c.valid.subarray(0, 32), le32(L)), false],
    mixedOrderR: (c) => [craftEd25519(c.seed, c.input, fromBe(c.noise.subarray(0, 32)) % L, torsion(c)), false],
    smallOrderR: (c) => [concat(torsion(c).toBytes(), c.noise.subarray(32)), false],
    identityR: (c) => [craftEd25519(c.seed, c.input, 0n), true], // r = 0 is a legal (if foolish) nonce
    nonCanonicalIdentityR: (c) => [craftEd25519(c.seed, c.input, 0n, undefined, le32(ED_P + 1n)), false],
    extended: (c) => [concat(c.valid, c.noise.subarray(0, 1 + (c.bit % 8))), 'MALFORMED'],
  },
  ES256: {
    ...shared,
    highS: (c) => [concat(c.valid.subarray(0, 32), be32(N - fromBe(c.valid.subarray(32)))), true],
    r0: (c) => [concat(new Uint8Array(32), c.valid.subarray(32)), false],
    s0: (c) => [concat(c.valid.subarray(0, 32), new Uint8Array(32)), false],
    rN: (c) => [concat(be32(N), c.valid.subarray(32)), false],
    sN: (c) => [concat(c.valid.subarray(0, 32), be32(N)), false],
    rAboveN: (c) => [concat(aboveN(c.noise), c.valid.subarray(32)), false],
    sAboveN: (c) => [concat(c.valid.subarray(0, 32), aboveN(c.noise)), false],
    swapRS: (c) => [concat(c.valid.subarray(32), c.valid.subarray(0, 32)), false],
    der: (c) => [p256.Signature.fromBytes(c.valid, 'compact').toBytes('der'), 'MALFORMED'],
  },
};

describe('node and noble engines agree (fast-check)', () => {
  const pool: Record<JwsAlg, KeyPair[]> = {
    EdDSA: [generateKeyPair('EdDSA'), generateKeyPair('EdDSA')],
    ES256: [generateKeyPair('ES256'), generateKeyPair('ES256')],
  };

  function check(alg: JwsAlg, mutation: string, keyIndex: number, payload: Uint8Array, bit: number, noise: Uint8Array): void {
    const { privateJwk, publicJwk } = pool[alg][keyIndex];
    const header = headerFor(alg);
    const input = inputFor(header, payload);
    const valid = base64urlDecode(signDetached(payload, privateJwk, { kid: 'k' }).split('.')[2]);
    const [signature, expected] = MUTATIONS[alg][mutation]({ valid, seed: base64urlDecode(privateJwk.d), input, bit, noise });
    const jws = `${header}..${base64urlEncode(signature)}`;
    const data = mutation === 'payloadBitFlip' ? flip(payload, bit % (payload.length * 8)) : payload;
    const jwk = mutation === 'wrongKey' ? pool[alg][1 - keyIndex].publicJwk : publicJwk;
    const [node, noble] = (['node', 'noble'] as const).map((engine) => verifyDetached(jws, data, jwk, { engine }));
    const outcome = node.ok || (node.reason === 'MALFORMED' ? 'MALFORMED' : false);
    expect({ mutation, noble, outcome }).toEqual({ mutation, noble: node, outcome: expected });
  }

  it.each<[JwsAlg, number]>([
    ['EdDSA', 1300],
    ['ES256', 700],
  ])('over %s, %i cases', (alg, numRuns) => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(MUTATIONS[alg])),
        fc.integer({ min: 0, max: 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (mutation, keyIndex, payload, bit, noise) => check(alg, mutation, keyIndex, payload, bit, noise),
      ),
      { numRuns },
    );
  }, 30_000);
});

/** A 32-byte integer in [n, 2^256). */
function aboveN(noise: Uint8Array): Uint8Array {
  return be32(N + (fromBe(noise.subarray(0, 28)) % ((1n << 256n) - N)));
}

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}
