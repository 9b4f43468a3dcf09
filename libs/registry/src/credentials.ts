import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * A partner API token: `dscsa_<credential id>_<secret>`. The id finds the credential, the 256-bit
 * secret proves possession; the server keeps only SHA-256 of the secret.
 */
export interface IssuedToken {
  id: string;
  token: string;
  secretHash: Buffer;
}

const TOKEN = /^dscsa_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function issueToken(): IssuedToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `dscsa_${id.replace(/-/g, '')}_${secret}`, secretHash: hashSecret(secret) };
}

/** The credential id a token names, and its secret; undefined for anything else. */
export function parseToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const h = m[1];
  return { id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, secret: m[2] };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
