import type { EventSummary } from '@app/epcis';
import type { RegistryView } from './authorization';

/** One logged event, as the verify app loads it with what it checked about its signature and log inclusion. */
export interface CustodyEvent {
  /** The event hash ID. */
  eventId: string;
  /** Position in the log: breaks ties between equal event times. */
  seq: number;
  summary: EventSummary;
  signer: { gln: string; kid: string; name?: string };
  recordTime: string;
  /** The JWS verifies against the signer's key and the key was inside its validity window at record time. */
  signatureValid: boolean;
  /** The key was revoked before the event was recorded (revocation is not retroactive, so later revocations do not count). */
  keyRevokedBeforeEvent?: boolean;
  /** Whether an inclusion proof against a signed checkpoint verified; undefined when not checked. */
  inclusionVerified?: boolean;
}

/** What the partner registry knows about a trading party. */
export interface PartnerFacts {
  gln: string;
  name?: string;
  /** manufacturer, repackager, wholesaler, 3pl, dispenser, regulator. */
  roles: string[];
  /** ISO date-times; validUntil null means open-ended. */
  licences: { kind: string; validFrom: string; validUntil: string | null }[];
}

/** A recall of some lots of a GTIN, announced by a logged event. */
export interface Recall {
  gtin: string;
  /** Recalled lots; an empty list recalls every lot of the GTIN. */
  lots: string[];
  eventId: string;
}

export interface AssessInput {
  /** Canonical SGTIN Digital Link of the scanned package. */
  item: string;
  label: { lot?: string; expiry?: string };
  /** Every event naming the item or any container it was ever aggregated into, in any order, duplicates allowed. */
  events: CustodyEvent[];
  /** Facts about every party named in the events, by GLN. */
  partners: ReadonlyMap<string, PartnerFacts>;
  /** Who may commission the GTIN: the prefix owner or a delegate registered for the event time. */
  registry: RegistryView;
  recalls: Recall[];
  /** GLN of the party scanning, when known. */
  scanner?: string;
  /** YYYY-MM-DD in the scanner's calendar. */
  today: string;
}

export type StepKind =
  | 'commissioned'
  | 'packed'
  | 'unpacked'
  | 'shipped'
  | 'received'
  | 'ownership_transferred'
  | 'dispensed'
  | 'decommissioned'
  | 'destroyed'
  /** A return shipment (shipping with disposition returned); custody rules treat it as a shipment. */
  | 'returned'
  | 'recalled'
  | 'other';

/** One event in the item's custody path. */
export interface CustodyStep {
  eventId: string;
  seq: number;
  eventTime: string;
  recordTime: string;
  kind: StepKind;
  /** Containers through which the event reached the item, innermost first, ending with the one it names; empty when it names the item. */
  via: string[];
  /** For aggregation events: the parent the item (through `via`) was packed into, unpacked from or observed in. */
  container?: string;
  bizStep?: string;
  disposition?: string;
  /** GLNs of the source owning and possessing parties (owner first); the signer for a shipment that names none. */
  from: string[];
  /** GLNs of the destination owning and possessing parties (owner first); the signer for a receipt that names none, the commissioner for a commissioning. */
  to: string[];
  /** bizLocation, else readPoint. */
  place?: string;
  signer: { gln: string; kid: string; name?: string };
  signatureValid: boolean;
  keyRevokedBeforeEvent: boolean;
  inclusionVerified?: boolean;
}

/** The item was inside `epc` (directly or through inner containers) from `from` until `to`. */
export interface ContainerSpan {
  epc: string;
  from: string;
  to?: string;
}

export type Verdict = 'VERIFIED' | 'SUSPECT' | 'ILLEGITIMATE' | 'NOT_FOUND';
export type Severity = Exclude<Verdict, 'VERIFIED'>;

/**
 * The rule table: every reason code with its severity. ILLEGITIMATE means evidence of counterfeit, clone,
 * forgery or theft; SUSPECT means quarantine and investigate (DSCSA "suspect product").
 */
export const SEVERITY = {
  NEVER_COMMISSIONED: 'NOT_FOUND',
  COMMISSIONED_MORE_THAN_ONCE: 'ILLEGITIMATE',
  COMMISSIONED_BY_NON_OWNER: 'ILLEGITIMATE',
  BAD_SIGNATURE: 'ILLEGITIMATE',
  KEY_REVOKED: 'ILLEGITIMATE',
  REPORTED_STOLEN: 'ILLEGITIMATE',
  LOT_MISMATCH: 'SUSPECT',
  EXPIRY_MISMATCH: 'SUSPECT',
  EXPIRED: 'SUSPECT',
  // A recall is not evidence of counterfeit or diversion (no FDA Form 3911); the package must still not be dispensed.
  RECALLED: 'SUSPECT',
  ALREADY_DISPENSED: 'SUSPECT',
  DECOMMISSIONED: 'SUSPECT',
  DESTROYED: 'SUSPECT',
  CUSTODY_GAP_NO_SHIPMENT: 'SUSPECT',
  CUSTODY_GAP_NOT_HOLDER: 'SUSPECT',
  CUSTODY_GAP_WRONG_RECEIVER: 'SUSPECT',
  NOT_CURRENT_HOLDER: 'SUSPECT',
  UNLICENSED_PARTNER: 'SUSPECT',
  NOT_IN_LOG: 'SUSPECT',
} as const satisfies Record<string, Severity>;

export type ReasonCode = keyof typeof SEVERITY;

export interface Reason {
  code: ReasonCode;
  severity: Severity;
  /** A sentence for the pharmacist. */
  message: string;
  /** Event hash IDs that show the reason; those on the path in time order. */
  evidence: string[];
}

export function reason(code: ReasonCode, message: string, evidence: string[]): Reason {
  return { code, severity: SEVERITY[code], message, evidence: [...new Set(evidence)] };
}

/** "Name (GLN)" when the registry knows the party, else the GLN. */
export function partyLabel(partners: AssessInput['partners'], gln: string): string {
  const name = partners.get(gln)?.name;
  return name ? `${name} (${gln})` : gln;
}

export interface Assessment {
  verdict: Verdict;
  reasons: Reason[];
  /** Every event that reached the item, in eventTime then seq order. */
  path: CustodyStep[];
  /** GLN of the party holding the item: the last receiver or new owner, or the commissioner if never shipped. */
  currentHolder?: string;
  containers: ContainerSpan[];
}
