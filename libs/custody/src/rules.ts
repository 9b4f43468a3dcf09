import { authorizeSigner, gtinOf } from './authorization';
import { AssessInput, CustodyEvent, CustodyStep, PartnerFacts, partyLabel, Reason, reason, ReasonCode, StepKind } from './model';

export interface Context {
  input: AssessInput;
  path: CustodyStep[];
  /** The item's commissioning events, earliest first. */
  commissions: CustodyEvent[];
}

/** Licences that let a partner in each registry role take part in a transfer; any one, valid at the event time, will do. */
export const LICENCES_BY_ROLE: Readonly<Record<string, readonly string[]>> = {
  manufacturer: ['fda-registration'],
  repackager: ['fda-registration'],
  wholesaler: ['state-wholesale'],
  '3pl': ['state-3pl'],
  dispenser: ['state-pharmacy'],
};

const TRANSFERS = new Set<StepKind>(['shipped', 'returned', 'received', 'ownership_transferred']);

const NOUN: Record<StepKind, string> = {
  commissioned: 'commissioning',
  packed: 'packing',
  unpacked: 'unpacking',
  shipped: 'shipping',
  received: 'receiving',
  ownership_transferred: 'ownership transfer',
  dispensed: 'dispensing',
  decommissioned: 'decommissioning',
  destroyed: 'destruction',
  returned: 'return shipment',
  recalled: 'recall',
  other: 'event',
};

const phrase = (s: CustodyStep) => `the ${s.kind === 'other' ? (s.bizStep ?? 'other') : NOUN[s.kind]} event of ${s.eventTime} signed by ${s.signer.name ?? s.signer.gln}`;
const list = (steps: CustodyStep[]) => steps.map(phrase).join('; ');
const ids = (xs: { eventId: string }[]) => xs.map((x) => x.eventId);

export function checkRules(c: Context): Reason[] {
  return [clones, commissioner, label, expired, recalled, terminal, stolen, signatures, licences, logInclusion].flatMap((rule) => rule(c));
}

function clones({ commissions }: Context): Reason[] {
  if (commissions.length < 2) return [];
  const by = commissions.map((e) => `${e.signer.name ?? e.signer.gln} on ${e.summary.eventTime}`).join(', ');
  return [reason('COMMISSIONED_MORE_THAN_ONCE', `This serial was commissioned ${commissions.length} times (${by}): possible clone.`, ids(commissions))];
}

function commissioner({ commissions, input }: Context): Reason[] {
  return commissions.flatMap((e) => {
    const auth = authorizedSigner(e.summary, e.signer.gln, input.registry);
    return auth.ok ? [] : [reason('COMMISSIONED_BY_NON_OWNER', `The commissioning of ${e.summary.eventTime} is not the brand owner's: ${auth.message}.`, [e.eventId])];
  });
}

function label({ commissions: [first], input: { label } }: Context): Reason[] {
  if (!first) return [];
  const { lot, expiry } = first.summary;
  const reasons: Reason[] = [];
  if (label.lot !== undefined && label.lot !== lot)
    reasons.push(reason('LOT_MISMATCH', `The label says lot ${label.lot}, but the item was commissioned in lot ${lot ?? '(none)'}.`, [first.eventId]));
  if (label.expiry !== undefined && label.expiry !== expiry)
    reasons.push(reason('EXPIRY_MISMATCH', `The label says expiry ${label.expiry}, but the item was commissioned with ${expiry ?? '(none)'}.`, [first.eventId]));
  return reasons;
}

/** The commissioned expiry wins over the label's; a product is still good on its expiry date. */
function expired({ commissions: [first], input: { label, today } }: Context): Reason[] {
  const expiry = first?.summary.expiry ?? label.expiry;
  if (expiry === undefined || expiry >= today) return [];
  return [reason('EXPIRED', `The product expired on ${expiry}.`, first?.summary.expiry ? [first.eventId] : [])];
}

/** A recall of the item's lot (an empty lot list recalls the whole GTIN), or an event that marked it recalled. */
function recalled({ commissions: [first], input: { item, label, recalls }, path }: Context): Reason[] {
  const gtin = gtinOf(item);
  const lot = first?.summary.lot ?? label.lot;
  const notices = recalls.filter((r) => r.gtin === gtin && (!r.lots.length || (lot !== undefined && r.lots.includes(lot))));
  const marked = path.filter((s) => s.kind === 'recalled');
  if (!notices.length && !marked.length) return [];
  const message = notices.length
    ? `${lot === undefined ? 'This product' : `Lot ${lot}`} of GTIN ${gtin} is recalled: do not dispense.`
    : `The item was marked recalled in ${list(marked)}: do not dispense.`;
  return [reason('RECALLED', message, [...ids(notices), ...ids(marked)])];
}

/**
 * Dispensed, decommissioned or destroyed items should never be scanned for sale again: the packaging may
 * have been refilled. Only dispensing can be undone, by a return shipment followed by a receipt with
 * disposition sellable_accessible (a verified saleable return).
 */
function terminal({ path }: Context): Reason[] {
  let dispensings: CustodyStep[] = [];
  let returning = false;
  for (const step of path) {
    if (step.kind === 'dispensed') {
      dispensings.push(step);
      returning = false;
    } else if (dispensings.length && step.kind === 'returned') returning = true;
    else if (returning && step.kind === 'received' && step.disposition === 'sellable_accessible') {
      dispensings = [];
      returning = false;
    }
  }
  return [
    ...flag('ALREADY_DISPENSED', dispensings, (what) => `This package was already dispensed (${what}): its packaging may be reused.`),
    ...flag('DECOMMISSIONED', path.filter((s) => s.kind === 'decommissioned'), (what) => `This serial was decommissioned (${what}) and should not be in circulation.`),
    ...flag('DESTROYED', path.filter((s) => s.kind === 'destroyed'), (what) => `This package was reported destroyed (${what}): its packaging may be reused.`),
  ];
}

function stolen({ path }: Context): Reason[] {
  return flag('REPORTED_STOLEN', path.filter((s) => s.disposition === 'stolen'), (what) => `This package was reported stolen in ${what}.`);
}

function signatures({ path }: Context): Reason[] {
  return [
    ...flag('BAD_SIGNATURE', path.filter((s) => !s.signatureValid), (what) => `The signature does not verify on ${what}: the record may be forged.`),
    ...flag('KEY_REVOKED', path.filter((s) => s.keyRevokedBeforeEvent), (what) => `The signing key had been revoked before it signed ${what}.`),
  ];
}

function logInclusion({ path }: Context): Reason[] {
  return flag('NOT_IN_LOG', path.filter((s) => s.inclusionVerified === false), (what) => `No inclusion proof in the verifiable log checks out for ${what}.`);
}

// Registry views and summaries are values, and a commissioning is shared by every package it made: its authorization is
// worked out once per view rather than once per package (it looks up the GTIN of every EPC the event names).
const authorizations = new WeakMap<AssessInput['registry'], WeakMap<CustodyEvent['summary'], Map<string, ReturnType<typeof authorizeSigner>>>>();

function authorizedSigner(summary: CustodyEvent['summary'], signer: string, registry: AssessInput['registry']): ReturnType<typeof authorizeSigner> {
  let bySummary = authorizations.get(registry);
  if (!bySummary) authorizations.set(registry, (bySummary = new WeakMap()));
  let bySigner = bySummary.get(summary);
  if (!bySigner) bySummary.set(summary, (bySigner = new Map()));
  let auth = bySigner.get(signer);
  if (!auth) bySigner.set(signer, (auth = authorizeSigner(summary, signer, registry)));
  return auth;
}

/** One reason naming every step that shows it, or none when no step does. */
function flag(code: ReasonCode, steps: CustodyStep[], sentence: (what: string) => string): Reason[] {
  return steps.length ? [reason(code, sentence(list(steps)), ids(steps))] : [];
}

/** One reason per party that shipped or received the item without a licence its roles call for, valid at the event time. */
function licences({ path, input: { partners } }: Context): Reason[] {
  const unlicensed = new Map<string, CustodyStep[]>();
  for (const step of path)
    if (TRANSFERS.has(step.kind))
      for (const gln of new Set([...step.from, ...step.to]))
        if (!licensedAt(partners.get(gln), Date.parse(step.eventTime))) unlicensed.set(gln, [...(unlicensed.get(gln) ?? []), step]);
  return [...unlicensed].map(([gln, steps]) => {
    const p = partners.get(gln);
    const kinds = p ? [...licenceKinds(p)] : [];
    const message = !p
      ? `${gln} is not a registered trading partner, yet took part in ${list(steps)}.`
      : kinds.length
        ? `${partyLabel(partners, gln)} had no valid ${kinds.join(' or ')} licence for ${list(steps)}.`
        : `${partyLabel(partners, gln)} has no trading-partner role, yet took part in ${list(steps)}.`;
    return reason('UNLICENSED_PARTNER', message, ids(steps));
  });
}

const licenceKinds = (p: PartnerFacts) => new Set(p.roles.flatMap((r) => LICENCES_BY_ROLE[r] ?? []));

// Partner facts are values shared by every package a report assesses: their licence windows are read once.
const licenceWindows = new WeakMap<PartnerFacts, { from: number; until: number }[]>();

export function licensedAt(p: PartnerFacts | undefined, at: number): boolean {
  if (!p) return false;
  let windows = licenceWindows.get(p);
  if (!windows) {
    const kinds = licenceKinds(p);
    windows = p.licences.filter((l) => kinds.has(l.kind)).map((l) => ({ from: Date.parse(l.validFrom), until: l.validUntil === null ? Infinity : Date.parse(l.validUntil) }));
    licenceWindows.set(p, windows);
  }
  return windows.some((w) => w.from <= at && at < w.until);
}
