import { assessPackage, CommissionedItem } from './verdict';

const item: CommissionedItem = { lot: 'L1', expiry: '2027-06-30', commissionCount: 1, commissioningEventId: 'ni:///sha-256;ab?ver=CBV2.0' };
const today = '2026-11-22';

describe('assessPackage', () => {
  it('verifies a label that matches its commissioning', () => {
    expect(assessPackage({ lot: 'L1', expiry: '2027-06-30' }, item, today)).toEqual({ verdict: 'VERIFIED', reasons: [] });
  });

  it('verifies a scan that carries no lot or expiry against the log alone', () => {
    expect(assessPackage({}, item, today).verdict).toBe('VERIFIED');
  });

  it('answers NOT_FOUND for a serial never commissioned', () => {
    const a = assessPackage({ lot: 'L1' }, null, today);
    expect(a.verdict).toBe('NOT_FOUND');
    expect(a.reasons.map((r) => r.code)).toEqual(['NEVER_COMMISSIONED']);
  });

  it('flags a lot or expiry that contradicts the commissioning, with the event as evidence', () => {
    const a = assessPackage({ lot: 'L2', expiry: '2027-07-31' }, item, today);
    expect(a.verdict).toBe('SUSPECT');
    expect(a.reasons.map((r) => r.code)).toEqual(['LOT_MISMATCH', 'EXPIRY_MISMATCH']);
    expect(a.reasons[0].evidence).toEqual([item.commissioningEventId]);
  });

  it('flags a clone and an expired product', () => {
    const a = assessPackage({}, { ...item, commissionCount: 2, expiry: '2026-11-21' }, today);
    expect(a.reasons.map((r) => r.code)).toEqual(['COMMISSIONED_MORE_THAN_ONCE', 'EXPIRED']);
  });

  it('does not call a product expired on its expiry date', () => {
    expect(assessPackage({}, { ...item, expiry: today }, today).verdict).toBe('VERIFIED');
  });
});
