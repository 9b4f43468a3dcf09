/**
 * Ed25519 signature verification (RFC 8032) in the browser: WebCrypto's Ed25519 where the browser has it (Chromium
 * 137+, Firefox 129+, Safari 17+), else @noble/curves' ES module build, which the verify app serves from its own
 * node_modules under ./vendor/ (no CDN). Both are strict: 64-byte signatures, S < L, cofactorless equation.
 */

// RFC 8032 section 7.1, TEST 1: the probe that decides whether WebCrypto's Ed25519 really works here.
const PROBE_KEY = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const PROBE_SIG = hex(
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
);

let backend;

/** Which implementation verifies: 'WebCrypto' or 'noble'. */
export async function ed25519Backend() {
  return (await choose()).name;
}

/** True iff `signature` is a valid Ed25519 signature of `message` under the 32-byte `publicKey`. Never throws for bad input. */
export async function ed25519Verify(publicKey, message, signature) {
  if (!(signature instanceof Uint8Array) || signature.length !== 64 || !(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  return (await choose()).verify(publicKey, message, signature);
}

function choose() {
  backend ??= webCrypto().catch(() => noble());
  return backend;
}

async function webCrypto() {
  const verify = async (publicKey, message, signature) => {
    try {
      const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    } catch {
      return false; // a key WebCrypto refuses (e.g. not a point) verifies nothing
    }
  };
  const key = await crypto.subtle.importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify']);
  if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, PROBE_SIG, new Uint8Array(0)))) throw new Error('WebCrypto Ed25519 fails RFC 8032 test 1');
  return { name: 'WebCrypto', verify };
}

async function noble() {
  const { ed25519 } = await import('./vendor/noble-curves/ed25519.js');
  const verify = async (publicKey, message, signature) => {
    try {
      // noble checks the cofactored equation; a torsion-free R makes it the cofactorless one (as libs/checkpoint).
      return ed25519.verify(signature, message, publicKey, { zip215: false }) && ed25519.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree();
    } catch {
      return false;
    }
  };
  if (!(await verify(PROBE_KEY, new Uint8Array(0), PROBE_SIG))) throw new Error('noble Ed25519 fails RFC 8032 test 1');
  return { name: 'noble', verify };
}

function hex(text) {
  return Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));
}
