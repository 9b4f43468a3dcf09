import { ReasonCode, SEVERITY, Verdict } from '@app/custody';
import { ADDITIONAL_INFO, connectivityResponse, VERIFICATION_FAILURE_REASONS, vrsAnswer, VrsData, vrsResponse } from './vrs-answer';

/** An assessment with these reasons, its verdict the worst severity, as libs/custody ranks them. */
function assessed(...codes: ReasonCode[]): { verdict: Verdict; reasons: { code: ReasonCode }[] } {
  const rank: Verdict[] = ['VERIFIED', 'SUSPECT', 'NOT_FOUND', 'ILLEGITIMATE'];
  const verdict = codes.map((c) => SEVERITY[c] as Verdict).reduce((w, v) => (rank.indexOf(v) > rank.indexOf(w) ? v : w), 'VERIFIED');
  return { verdict, reasons: codes.map((code) => ({ code })) };
}

describe('vrsAnswer: the custody assessment as a VRS data member', () => {
  it('verifies a package with nothing against it, with no other member', () => {
    expect(vrsAnswer(assessed())).toStrictEqual({ verified: true });
  });

  it('answers No_match_GTIN_Serial for a serial never commissioned, whatever else is said about it', () => {
    expect(vrsAnswer(assessed('NEVER_COMMISSIONED'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' });
    expect(vrsAnswer(assessed('NEVER_COMMISSIONED', 'EXPIRED', 'REPORTED_STOLEN'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' });
  });

  it('names the label element that does not match: lot, expiry or both', () => {
    expect(vrsAnswer(assessed('LOT_MISMATCH'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' });
    expect(vrsAnswer(assessed('EXPIRY_MISMATCH'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' });
    expect(vrsAnswer(assessed('LOT_MISMATCH', 'EXPIRY_MISMATCH'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' });
  });

  it('gives no additional information about a product whose identifier did not match', () => {
    expect(vrsAnswer(assessed('LOT_MISMATCH', 'RECALLED', 'EXPIRED'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' });
    expect(vrsAnswer(assessed('EXPIRY_MISMATCH', 'COMMISSIONED_MORE_THAN_ONCE'))).toStrictEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' });
  });

  it.each(['COMMISSIONED_MORE_THAN_ONCE', 'COMMISSIONED_BY_NON_OWNER', 'BAD_SIGNATURE', 'KEY_REVOKED', 'REPORTED_STOLEN'] as const)(
    'answers an illegitimate product (%s) not for re-distribution',
    (code) => {
      expect(vrsAnswer(assessed(code))).toStrictEqual({ verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Illegitimate' });
    },
  );

  it.each([
    'ALREADY_DISPENSED',
    'DECOMMISSIONED',
    'DESTROYED',
    'CUSTODY_GAP_NO_SHIPMENT',
    'CUSTODY_GAP_NOT_HOLDER',
    'CUSTODY_GAP_WRONG_RECEIVER',
    'NOT_CURRENT_HOLDER',
    'UNLICENSED_PARTNER',
    'NOT_IN_LOG',
  ] as const)('answers a suspect product (%s) not for re-distribution', (code) => {
    expect(vrsAnswer(assessed(code))).toStrictEqual({ verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Suspect' });
  });

  it('ranks illegitimate above suspect, recall and expiry', () => {
    expect(vrsAnswer(assessed('ALREADY_DISPENSED', 'RECALLED', 'EXPIRED', 'BAD_SIGNATURE')).additionalInfo).toBe('Illegitimate');
    expect(vrsAnswer(assessed('RECALLED', 'EXPIRED', 'DECOMMISSIONED')).additionalInfo).toBe('Suspect');
  });

  it('verifies an expired or recalled package and says so (guideline scenario B1), a recall before expiry', () => {
    expect(vrsAnswer(assessed('EXPIRED'))).toStrictEqual({ verified: true, additionalInfo: 'Expired' });
    expect(vrsAnswer(assessed('RECALLED'))).toStrictEqual({ verified: true, additionalInfo: 'Recalled' });
    expect(vrsAnswer(assessed('EXPIRED', 'RECALLED'))).toStrictEqual({ verified: true, additionalInfo: 'Recalled' });
  });

  it('answers false with Manufacturer_policy under a policy that rejects them (scenario B2)', () => {
    const reject = { expired: 'reject', recalled: 'reject' } as const;
    expect(vrsAnswer(assessed('EXPIRED'), reject)).toStrictEqual({ verified: false, verificationFailureReason: 'Manufacturer_policy', additionalInfo: 'Expired' });
    expect(vrsAnswer(assessed('RECALLED'), reject)).toStrictEqual({ verified: false, verificationFailureReason: 'Manufacturer_policy', additionalInfo: 'Recalled' });
    expect(vrsAnswer(assessed('RECALLED', 'EXPIRED'), { expired: 'reject', recalled: 'inform' })).toStrictEqual({ verified: true, additionalInfo: 'Recalled' });
  });

  it('claims nothing for an adverse verdict that gives no reason', () => {
    expect(vrsAnswer({ verdict: 'SUSPECT', reasons: [] })).toStrictEqual({ verified: false, verificationFailureReason: 'No_reason_provided' });
  });

  it('answers every reason code, alone, with a data member the guideline allows', () => {
    for (const code of Object.keys(SEVERITY) as ReasonCode[]) {
      const data: VrsData = vrsAnswer(assessed(code));
      expect(typeof data.verified).toBe('boolean');
      if (data.verified) expect(data.verificationFailureReason).toBeUndefined();
      else expect(VERIFICATION_FAILURE_REASONS).toContain(data.verificationFailureReason);
      if (data.additionalInfo !== undefined) expect(ADDITIONAL_INFO).toContain(data.additionalInfo);
      expect(Object.keys(data).every((k) => ['verified', 'verificationFailureReason', 'additionalInfo'].includes(k))).toBe(true);
    }
  });
});

describe('the response envelope', () => {
  const at = new Date('2026-11-22T10:00:00.123Z');

  it('has the guideline members in its order, the timestamp in UTC with milliseconds', () => {
    const r = vrsResponse({ responderGLN: '0614141000005', corrUUID: '6a0e3f06-1c9d-4d5e-9a2b-0c4f7a1b2c3d', data: { verified: true }, at });
    expect(Object.keys(r)).toEqual(['verificationTimestamp', 'responderGLN', 'data', 'corrUUID']);
    expect(JSON.stringify(r)).toBe(
      '{"verificationTimestamp":"2026-11-22T10:00:00.123Z","responderGLN":"0614141000005","data":{"verified":true},"corrUUID":"6a0e3f06-1c9d-4d5e-9a2b-0c4f7a1b2c3d"}',
    );
  });

  it('answers checkConnectivity without a data member, echoing corrUUID only when sent', () => {
    expect(connectivityResponse({ responderGLN: '0614141000005', at })).toStrictEqual({ verificationTimestamp: '2026-11-22T10:00:00.123Z', responderGLN: '0614141000005' });
    expect(connectivityResponse({ responderGLN: '0614141000005', corrUUID: 'x', at }).corrUUID).toBe('x');
  });
});
