/** The validity window of a registered key, as the registry stores it. */
export interface KeyWindow {
  validFrom: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
}

export type KeyValidity = { valid: true } | { valid: false; reason: 'KEY_NOT_YET_VALID' | 'KEY_EXPIRED' | 'KEY_REVOKED' };

/**
 * A key signs for events recorded inside [validFrom, validUntil) and before its revocation.
 * Revocation is not retroactive: what was recorded before it stays valid.
 */
export function keyValidityAt(key: KeyWindow, at: Date): KeyValidity {
  const t = at.getTime();
  if (t < key.validFrom.getTime()) return { valid: false, reason: 'KEY_NOT_YET_VALID' };
  if (key.validUntil && t >= key.validUntil.getTime()) return { valid: false, reason: 'KEY_EXPIRED' };
  if (key.revokedAt && t >= key.revokedAt.getTime()) return { valid: false, reason: 'KEY_REVOKED' };
  return { valid: true };
}
