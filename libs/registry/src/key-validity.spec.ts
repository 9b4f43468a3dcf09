import { keyValidityAt } from './key-validity';

const d = (s: string) => new Date(s);
const key = { validFrom: d('2026-01-01T00:00:00Z'), validUntil: d('2027-01-01T00:00:00Z'), revokedAt: null };

describe('keyValidityAt', () => {
  it('accepts a time inside the window, including its first instant', () => {
    expect(keyValidityAt(key, d('2026-01-01T00:00:00Z'))).toEqual({ valid: true });
    expect(keyValidityAt(key, d('2026-06-01T00:00:00Z'))).toEqual({ valid: true });
  });

  it('rejects before valid-from and at or after valid-until', () => {
    expect(keyValidityAt(key, d('2025-12-31T23:59:59Z'))).toEqual({ valid: false, reason: 'KEY_NOT_YET_VALID' });
    expect(keyValidityAt(key, d('2027-01-01T00:00:00Z'))).toEqual({ valid: false, reason: 'KEY_EXPIRED' });
  });

  it('keeps events recorded before a revocation valid and rejects those after it', () => {
    const revoked = { ...key, revokedAt: d('2026-03-01T00:00:00Z') };
    expect(keyValidityAt(revoked, d('2026-02-28T23:59:59Z'))).toEqual({ valid: true });
    expect(keyValidityAt(revoked, d('2026-03-01T00:00:00Z'))).toEqual({ valid: false, reason: 'KEY_REVOKED' });
  });

  it('treats an open-ended key as valid indefinitely', () => {
    expect(keyValidityAt({ ...key, validUntil: null }, d('2099-01-01T00:00:00Z'))).toEqual({ valid: true });
  });
});
