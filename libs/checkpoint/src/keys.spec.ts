import { ed25519 } from '@noble/curves/ed25519';
import { CheckpointError } from './errors';
import {
  COSIGNATURE_V1,
  ED25519,
  formatSkey,
  formatVkey,
  generateSignerKey,
  isValidKeyName,
  keyId,
  parseSkey,
  parseVkey,
  signerKey,
  verifierKey,
  verifyEd25519,
} from './keys';

// golang.org/x/mod/sumdb/note, note.go package documentation and note_test.go.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
// x/mod/sumdb/note example_test.go: GenerateKey(zeroReader, "EnochRoot"), i.e. the all-zero seed.
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';

const invalidKey = expect.objectContaining({ name: 'CheckpointError', code: 'INVALID_KEY' });

describe('key encodings', () => {
  it('derives the x/mod/sumdb/note example keys exactly', () => {
    const peter = parseSkey(PETER_SKEY);
    expect(peter).toMatchObject({ type: ED25519, name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(formatVkey(peter)).toBe(PETER_VKEY);
    expect(formatSkey(peter)).toBe(PETER_SKEY);
    expect(parseVkey(PETER_VKEY)).toEqual({ type: ED25519, name: 'PeterNeumann', keyId: 0xc74f20a3, publicKey: peter.publicKey });

    const enoch = signerKey(ED25519, 'EnochRoot', new Uint8Array(32));
    expect(formatVkey(enoch)).toBe(ENOCH_VKEY);
  });

  it('reproduces the vkey of c2sp.org/signed-note §Verifier keys', () => {
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    expect(formatVkey(parseVkey(vkey))).toBe(vkey);
    expect(parseVkey(vkey).keyId).toBe(0x530d903a);
  });

  it('gives one key different key IDs as a note key (0x01) and a cosignature/v1 key (0x04)', () => {
    // The transparency.dev DEV little-garden witness, as published in both forms (Tessera/TesseraCT witness policy
    // docs: 0x01; transparency.dev witness network list: 0x04).
    const asNoteKey = parseVkey('transparency.dev/DEV:witness-little-garden+4b7fca75+AStusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM');
    const asWitness = parseVkey('transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM');
    expect(asWitness.publicKey).toEqual(asNoteKey.publicKey);
    expect(asWitness.type).toBe(COSIGNATURE_V1);
    expect(keyId(asNoteKey.name, COSIGNATURE_V1, asNoteKey.publicKey)).toBe(0xd8042a87);
  });

  it('round-trips generated keys of both types', () => {
    for (const type of [ED25519, COSIGNATURE_V1] as const) {
      const key = generateSignerKey(type, 'dscsa-trace.example/ledger');
      expect(parseSkey(formatSkey(key))).toEqual(key);
      expect(parseVkey(formatVkey(key))).toEqual(verifierKey(type, key.name, key.publicKey));
    }
  });

  // x/mod/sumdb/note TestNewVerifier / TestNewSigner: every proper substring and every one-byte change is refused.
  it.each([PETER_VKEY, PETER_SKEY])('refuses every mangling of %s', (key) => {
    const parse = key.startsWith('PRIVATE') ? parseSkey : parseVkey;
    const bytes = Buffer.from(key);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i !== 0 || j !== bytes.length) expect(() => parse(bytes.subarray(i, j).toString('latin1'))).toThrow(invalidKey);
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i]++;
      expect(() => parse(changed.toString('latin1'))).toThrow(invalidKey);
    }
  });

  it.each([
    ['a wrong-length key, with its key hash adjusted (note_test.go)', 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='],
    ['an unknown algorithm, with its key hash adjusted (note_test.go)', 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['an uppercase key ID', 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a key ID of 7 digits', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['the URL-safe base64 alphabet', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW'],
    ['a truncated key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T'],
    ['a name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['an empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['two fields', 'PeterNeumann+c74f20a3'],
  ])('refuses a vkey with %s', (_, vkey) => {
    expect(() => parseVkey(vkey)).toThrow(invalidKey);
  });

  it('refuses public keys outside the prime-order subgroup or of small order, with a matching key ID', () => {
    const identity = Uint8Array.of(1, ...new Array(31).fill(0));
    const torsioned = ed25519.Point.fromBytes(signerKey(ED25519, 'k', new Uint8Array(32)).publicKey)
      .add(ed25519.Point.fromBytes(Uint8Array.of(0xec, ...new Array(30).fill(0xff), 0x7f))) // (0, -1), of order 2
      .toBytes();
    for (const publicKey of [identity, torsioned]) {
      const vkey = `k+${keyId('k', ED25519, publicKey).toString(16).padStart(8, '0')}+${Buffer.from([ED25519, ...publicKey]).toString('base64')}`;
      expect(() => parseVkey(vkey)).toThrow(invalidKey);
    }
  });

  it('refuses unusable names and seeds', () => {
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u0085b', 'a\u2028b', 'a\u3000b', 'a\u0001b', 'a\ud800b']) {
      expect(isValidKeyName(name)).toBe(false);
      expect(() => signerKey(ED25519, name, new Uint8Array(32))).toThrow(invalidKey);
    }
    expect(isValidKeyName('dscsa-trace.example/ledger')).toBe(true);
    expect(isValidKeyName('a\ufeffb')).toBe(true); // BOM is not White_Space (Go's unicode.IsSpace agrees)
    expect(() => signerKey(ED25519, 'k', new Uint8Array(31))).toThrow(invalidKey);
    expect(() => signerKey(0x02, 'k', new Uint8Array(32))).toThrow(invalidKey);
  });
});

describe('strict Ed25519 verification', () => {
  const key = signerKey(ED25519, 'k', new Uint8Array(32).fill(7));
  const message = Buffer.from('message');
  const signature = ed25519.sign(message, key.seed);
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;

  it('accepts a valid signature and nothing else of the wrong length', () => {
    expect(verifyEd25519(key.publicKey, message, signature)).toBe(true);
    expect(verifyEd25519(key.publicKey, message, signature.subarray(0, 63))).toBe(false);
    expect(verifyEd25519(key.publicKey, message, Uint8Array.of(...signature, 0))).toBe(false);
  });

  it('refuses the non-canonical S + L, which satisfies the verification equation', () => {
    expect(verifyEd25519(key.publicKey, message, withS(signature, readS(signature) + L))).toBe(false);
  });

  it('refuses R with a small-order component, which the cofactored equation (and noble alone) accepts', () => {
    const { scalar } = ed25519.utils.getExtendedPublicKey(key.seed);
    const T = ed25519.Point.fromBytes(Uint8Array.of(0xec, ...new Array(30).fill(0xff), 0x7f)); // order 2
    const r = 12345n;
    const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
    const k = modL(bytesToLE(ed25519.CURVE.hash(Uint8Array.of(...R, ...key.publicKey, ...message))));
    const forged = withS(Uint8Array.of(...R, ...new Array(32).fill(0)), modL(r + k * scalar));
    expect(ed25519.verify(forged, message, key.publicKey, { zip215: false })).toBe(true);
    expect(verifyEd25519(key.publicKey, message, forged)).toBe(false);
  });

  function modL(n: bigint): bigint {
    return ((n % L) + L) % L;
  }
  function bytesToLE(bytes: Uint8Array): bigint {
    return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
  }
  function readS(sig: Uint8Array): bigint {
    return bytesToLE(sig.subarray(32));
  }
  function withS(sig: Uint8Array, s: bigint): Uint8Array {
    const out = Uint8Array.from(sig);
    out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
    return out;
  }
});

it('CheckpointError carries its code', () => {
  expect(new CheckpointError('INVALID_KEY', 'x')).toMatchObject({ name: 'CheckpointError', code: 'INVALID_KEY', message: 'x' });
});
