import type { Reason, ReasonCode, Verdict } from '@app/custody';

/**
 * The answer of a verification service under the GS1 Lightweight Messaging Standard for Verification of
 * Product Identifiers, as the GS1 US implementation guideline for DSCSA (R1.3) profiles it for the
 * Verification Router Service (VRS). Member names and code values are the guideline's, case included.
 */

/** Why `verified` is false. */
export const VERIFICATION_FAILURE_REASONS = [
  /** GTIN and serial do not match (then lot and expiry are not checked). */
  'No_match_GTIN_Serial',
  'No_match_GTIN_Serial_Lot',
  'No_match_GTIN_Serial_Expiry',
  'No_match_GTIN_Serial_Lot_Expiry',
  'No_reason_provided',
  /** The manufacturer's policy answers false for a condition others might answer true for (expired, recalled). */
  'Manufacturer_policy',
  /** The product is suspect and not to be redistributed. */
  'Not_for_re-distribution',
] as const;
export type VerificationFailureReason = (typeof VERIFICATION_FAILURE_REASONS)[number];

/** Optional information about a product whose identifier matched. */
export const ADDITIONAL_INFO = ['Expired', 'ExpirationExtended', 'Recalled', 'Suspect', 'Illegitimate'] as const;
export type AdditionalInfo = (typeof ADDITIONAL_INFO)[number];

/** `data` of the response: the failure reason only when not verified, additional information only when there is some. */
export interface VrsData {
  verified: boolean;
  verificationFailureReason?: VerificationFailureReason;
  additionalInfo?: AdditionalInfo;
}

/** The verification response, members in the guideline's order. */
export interface VrsResponse {
  /** ISO 8601 UTC with milliseconds. */
  verificationTimestamp: string;
  responderGLN: string;
  data: VrsData;
  /** The requester's correlation UUID, echoed as sent. */
  corrUUID: string;
}

/** The answer to a checkConnectivity request: who answers, and that it answers; nothing about any product. */
export interface ConnectivityResponse {
  verificationTimestamp: string;
  responderGLN: string;
  corrUUID?: string;
}

/**
 * The guideline leaves it to the manufacturer whether an expired or recalled product whose identifier matches
 * is answered verified true with the information (scenario "B1") or false with Manufacturer_policy ("B2").
 */
export interface VrsPolicy {
  expired: 'inform' | 'reject';
  recalled: 'inform' | 'reject';
}

/**
 * B1 for both: `verified` says whether the product identifier is one the manufacturer commissioned with this
 * lot and expiry; the requester decides what an expired or recalled package means for its return.
 */
export const DEFAULT_VRS_POLICY: VrsPolicy = { expired: 'inform', recalled: 'inform' };

/** What a custody reason means for a VRS answer. */
type Effect =
  /** The identifier does not match: the serial was never commissioned under the GTIN. */
  | 'no-serial'
  /** GTIN and serial match, the label's lot or expiry does not. */
  | 'no-lot'
  | 'no-expiry'
  /** Evidence of counterfeit, clone, forgery, theft (DSCSA illegitimate product). */
  | 'illegitimate'
  /** Quarantine and investigate (DSCSA suspect product): not to be redistributed. */
  | 'suspect'
  | 'recalled'
  | 'expired';

/**
 * Every custody reason code, mapped; `satisfies` makes a new code in libs/custody a compile error here until
 * it is placed. The table follows the reason's severity except for the label, expiry and recall codes.
 */
const EFFECT = {
  NEVER_COMMISSIONED: 'no-serial',
  COMMISSIONED_MORE_THAN_ONCE: 'illegitimate',
  COMMISSIONED_BY_NON_OWNER: 'illegitimate',
  BAD_SIGNATURE: 'illegitimate',
  KEY_REVOKED: 'illegitimate',
  REPORTED_STOLEN: 'illegitimate',
  LOT_MISMATCH: 'no-lot',
  EXPIRY_MISMATCH: 'no-expiry',
  EXPIRED: 'expired',
  RECALLED: 'recalled',
  // A dispensed, decommissioned or destroyed serial back in a saleable return: its packaging may be reused.
  ALREADY_DISPENSED: 'suspect',
  DECOMMISSIONED: 'suspect',
  DESTROYED: 'suspect',
  CUSTODY_GAP_NO_SHIPMENT: 'suspect',
  CUSTODY_GAP_NOT_HOLDER: 'suspect',
  CUSTODY_GAP_WRONG_RECEIVER: 'suspect',
  // Only raised when the scanner is named; the VRS verification does not name the requester as scanner.
  NOT_CURRENT_HOLDER: 'suspect',
  UNLICENSED_PARTNER: 'suspect',
  NOT_IN_LOG: 'suspect',
} as const satisfies Record<ReasonCode, Effect>;

/**
 * Maps the platform's custody assessment of a package to the VRS `data` member. Precedence:
 * 1. the serial was never commissioned: No_match_GTIN_Serial (lot and expiry are then not compared);
 * 2. the label's lot and/or expiry differ from the commissioning: No_match_GTIN_Serial_Lot / _Expiry / _Lot_Expiry;
 *    no additional information is given about a product whose identifier did not match;
 * 3. evidence of an illegitimate product: false, Not_for_re-distribution, Illegitimate;
 * 4. a suspect product (dispensed, decommissioned, custody gaps, ...): false, Not_for_re-distribution, Suspect;
 * 5. recalled, then expired: true with Recalled / Expired (or false with Manufacturer_policy, per `policy`);
 *    additionalInfo is a single value, so a recall outranks expiry;
 * 6. otherwise verified true with nothing more.
 */
export function vrsAnswer(assessment: { verdict: Verdict; reasons: Pick<Reason, 'code'>[] }, policy: VrsPolicy = DEFAULT_VRS_POLICY): VrsData {
  const effects = new Set<Effect>(assessment.reasons.map((r) => EFFECT[r.code]));
  if (effects.has('no-serial')) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' };
  if (effects.has('no-lot') && effects.has('no-expiry')) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' };
  if (effects.has('no-lot')) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' };
  if (effects.has('no-expiry')) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' };
  if (effects.has('illegitimate')) return { verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Illegitimate' };
  if (effects.has('suspect')) return { verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Suspect' };
  if (effects.has('recalled'))
    return policy.recalled === 'reject' ? { verified: false, verificationFailureReason: 'Manufacturer_policy', additionalInfo: 'Recalled' } : { verified: true, additionalInfo: 'Recalled' };
  if (effects.has('expired'))
    return policy.expired === 'reject' ? { verified: false, verificationFailureReason: 'Manufacturer_policy', additionalInfo: 'Expired' } : { verified: true, additionalInfo: 'Expired' };
  // A verdict other than VERIFIED without a reason to say why: answer false, but claim nothing.
  return assessment.verdict === 'VERIFIED' ? { verified: true } : { verified: false, verificationFailureReason: 'No_reason_provided' };
}

/** The response envelope, in the guideline's member order. */
export function vrsResponse(o: { responderGLN: string; corrUUID: string; data: VrsData; at: Date }): VrsResponse {
  return { verificationTimestamp: o.at.toISOString(), responderGLN: o.responderGLN, data: o.data, corrUUID: o.corrUUID };
}

export function connectivityResponse(o: { responderGLN: string; corrUUID?: string; at: Date }): ConnectivityResponse {
  return { verificationTimestamp: o.at.toISOString(), responderGLN: o.responderGLN, ...(o.corrUUID === undefined ? {} : { corrUUID: o.corrUUID }) };
}
