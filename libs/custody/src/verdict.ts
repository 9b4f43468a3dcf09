/** The answer a pharmacist gets for one scanned package. */
export type Verdict = 'VERIFIED' | 'SUSPECT' | 'ILLEGITIMATE' | 'NOT_FOUND';

export type ReasonCode = 'NEVER_COMMISSIONED' | 'COMMISSIONED_MORE_THAN_ONCE' | 'LOT_MISMATCH' | 'EXPIRY_MISMATCH' | 'EXPIRED';

export interface Reason {
  code: ReasonCode;
  message: string;
  /** Event hash IDs that show the reason. */
  evidence: string[];
}

export interface Assessment {
  verdict: Verdict;
  reasons: Reason[];
}

/** What the package's label says, from the scan. */
export interface ScannedLabel {
  lot?: string;
  expiry?: string;
}

/** What the log says about the serialized item. */
export interface CommissionedItem {
  lot: string | null;
  expiry: string | null;
  commissionCount: number;
  commissioningEventId: string;
}

/**
 * Compares a scanned label with the item's commissioning. `today` is an ISO date (YYYY-MM-DD)
 * in the pharmacy's calendar, passed in so the rule stays a pure function.
 */
export function assessPackage(label: ScannedLabel, item: CommissionedItem | null, today: string): Assessment {
  if (!item)
    return {
      verdict: 'NOT_FOUND',
      reasons: [{ code: 'NEVER_COMMISSIONED', message: 'No manufacturer commissioned this serial number: possible counterfeit.', evidence: [] }],
    };
  const evidence = [item.commissioningEventId];
  const reasons: Reason[] = [];
  if (item.commissionCount > 1)
    reasons.push({ code: 'COMMISSIONED_MORE_THAN_ONCE', message: `This serial was commissioned ${item.commissionCount} times: possible clone.`, evidence });
  if (label.lot !== undefined && label.lot !== item.lot)
    reasons.push({ code: 'LOT_MISMATCH', message: `The label says lot ${label.lot}, but the item was commissioned in lot ${item.lot ?? '(none)'}.`, evidence });
  if (label.expiry !== undefined && label.expiry !== item.expiry)
    reasons.push({ code: 'EXPIRY_MISMATCH', message: `The label says expiry ${label.expiry}, but the item was commissioned with ${item.expiry ?? '(none)'}.`, evidence });
  const expiry = item.expiry ?? label.expiry;
  if (expiry !== undefined && expiry < today) reasons.push({ code: 'EXPIRED', message: `The product expired on ${expiry}.`, evidence });
  return { verdict: reasons.length ? 'SUSPECT' : 'VERIFIED', reasons };
}
