import { trace } from './containment';
import { followCustody } from './custody';
import { AssessInput, Assessment, Reason, reason, ReasonCode, SEVERITY, Verdict } from './model';
import { inTimeOrder, toStep } from './path';
import { checkRules } from './rules';

// NOT_FOUND outranks SUSPECT (no manufacturer vouches for the serial) but not ILLEGITIMATE, which is evidence of fraud.
const RANK: Record<Verdict, number> = { VERIFIED: 0, SUSPECT: 1, NOT_FOUND: 2, ILLEGITIMATE: 3 };
const CODES = Object.keys(SEVERITY) as ReasonCode[];

/**
 * Judges one scanned package from every event that reached it, directly or through the cases and pallets
 * it travelled in. Pure: the verify app loads the events and registry facts and passes them in. The
 * result does not depend on the order of `events`: they are replayed by eventTime, then log sequence.
 */
export function assessCustody(input: AssessInput): Assessment {
  const { touches, containers } = trace(input.item, inTimeOrder(input.events));
  const path = touches.map(toStep);
  const commissions = touches.filter((_, i) => path[i].kind === 'commissioned').map((t) => t.event);
  // Without a commissioning there is no first holder to follow custody from.
  const custody = commissions.length ? followCustody(path, input) : { reasons: [] };
  const reasons: Reason[] = [
    ...(commissions.length ? [] : [reason('NEVER_COMMISSIONED', 'No manufacturer commissioned this serial number: possible counterfeit.', [])]),
    ...checkRules({ input, path, commissions }),
    ...custody.reasons,
  ].sort((a, b) => CODES.indexOf(a.code) - CODES.indexOf(b.code));
  const verdict = reasons.reduce<Verdict>((worst, r) => (RANK[r.severity] > RANK[worst] ? r.severity : worst), 'VERIFIED');
  return { verdict, reasons, path, currentHolder: custody.holder, containers };
}
