import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CryptoError } from './errors';
import { canonicalize } from './jcs';
import { signJson, verifyJson } from './json-signature';
import { base64urlEncode } from './base64url';
import { generateKeyPair, jwkThumbprint, publicJwkFromPrivate, type JwsAlg } from './keys';
import example from './fixtures/signature-protocol-example.json';

const kid = '0614141000005/2026-a';

describe.each<JwsAlg>(['EdDSA', 'ES256'])('signJson / verifyJson (%s)', (alg) => {
  const { privateJwk, publicJwk } = generateKeyPair(alg);
  const value = { b: [1, 2.5, 'é'], a: { z: null, y: true } };

  it('verifies the same JSON value whatever its member order', () => {
    const jws = signJson(value, privateJwk, kid);
    expect(verifyJson({ a: { y: true, z: null }, b: [1, 2.5, 'é'] }, jws, publicJwk)).toEqual({ ok: true, header: { alg, kid } });
  });

  it('rejects a changed value', () => {
    const jws = signJson(value, privateJwk, kid);
    expect(verifyJson({ ...value, b: [1, 2.5, 'e'] }, jws, publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyJson({ ...value, c: 0 }, jws, publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses to sign, and fails to verify, a value with no canonical form', () => {
    expect(() => signJson({ a: NaN }, privateJwk, kid)).toThrow(CryptoError);
    expect(verifyJson(JSON.parse('{"a":"\\ud800"}'), signJson(value, privateJwk, kid), publicJwk)).toMatchObject({ ok: false, reason: 'INVALID_PAYLOAD' });
  });
});

describe('the worked example in docs/signature-protocol.md', () => {
  const event = example.document.epcisBody.eventList[0] as Record<string, unknown>;
  const { 'dscsa:signature': jws, ...unsigned } = event;

  it('declares the dscsa prefix in the document @context', () => {
    expect(example.document['@context']).toContainEqual({ dscsa: 'https://ns.dscsa-trace.org/epcis/' });
  });

  it('has a consistent test key', () => {
    expect(publicJwkFromPrivate(example.privateJwk)).toEqual(example.publicJwk);
  });

  it('canonicalizes the event without its signature to the documented form, header and signing input', () => {
    expect(canonicalize(unsigned)).toBe(example.canonical);
    expect(Buffer.from(example.jws.split('.')[0], 'base64url').toString()).toBe(example.protectedHeader);
    expect(example.signingInput).toBe(`${example.jws.split('.')[0]}.${base64urlEncode(Buffer.from(example.canonical))}`);
  });

  it('reproduces the documented JWS (Ed25519 is deterministic), which the event carries and which verifies on both engines', () => {
    expect(signJson(unsigned, example.privateJwk, example.kid)).toBe(example.jws);
    expect(jws).toBe(example.jws);
    for (const engine of ['node', 'noble'] as const) {
      expect(verifyJson(unsigned, example.jws, example.publicJwk, { engine })).toEqual({ ok: true, header: { alg: 'EdDSA', kid: example.kid } });
    }
    expect(verifyJson(event, example.jws, example.publicJwk)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('is the example the document shows', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/signature-protocol.md'), 'utf8');
    expect(doc).toContain('libs/crypto/src/fixtures/signature-protocol-example.json');
    for (const text of [example.privateJwk.d, example.publicJwk.x, example.canonical, example.signingInput, example.jws, jwkThumbprint(example.publicJwk)]) {
      expect(doc).toContain(text);
    }
  });
});
