import type { EventSummary } from '@app/epcis';
import type { Touch } from './containment';
import type { CustodyEvent, CustodyStep, StepKind } from './model';

/** Events in time order: by eventTime (as an instant, since offsets differ across partners), then log order. */
export function inTimeOrder(events: readonly CustodyEvent[]): CustodyEvent[] {
  const byId = new Map(events.map((e) => [e.eventId, e])); // the app may load an event once per EPC it names
  return [...byId.values()]
    .map((event) => ({ event, at: Date.parse(event.summary.eventTime) }))
    .sort((a, b) => a.at - b.at || a.event.seq - b.event.seq || (a.event.eventId < b.event.eventId ? -1 : 1))
    .map(({ event }) => event);
}

export function toStep({ event, via, container }: Touch): CustodyStep {
  const s = event.summary;
  const kind = classify(s, via.length === 0);
  const from = parties(s, 'source');
  const to = parties(s, 'destination');
  if (!from.length && (kind === 'shipped' || kind === 'returned')) from.push(event.signer.gln);
  if (!to.length && (kind === 'received' || kind === 'commissioned')) to.push(event.signer.gln);
  return {
    eventId: event.eventId,
    seq: event.seq,
    eventTime: s.eventTime,
    recordTime: event.recordTime,
    kind,
    via,
    container,
    bizStep: s.bizStep,
    disposition: s.disposition,
    from,
    to,
    place: s.bizLocation ?? s.readPoint,
    signer: event.signer,
    signatureValid: event.signatureValid,
    keyRevokedBeforeEvent: event.keyRevokedBeforeEvent === true,
    inclusionVerified: event.inclusionVerified,
  };
}

/**
 * What the event did to the item. Transfers are read from the bizStep whatever the event type (some
 * partners ship with an AggregationEvent OBSERVE). Commissioning and decommissioning count only when the
 * event names the item: retiring an SSCC does not retire what was packed in it, while destroying a pallet does.
 */
export function classify(s: EventSummary, direct: boolean): StepKind {
  const { type, action, bizStep: b, disposition: d } = s;
  if (b === 'commissioning' && type === 'ObjectEvent' && action === 'ADD') return direct ? 'commissioned' : 'other';
  if (b === 'shipping') return d === 'returned' ? 'returned' : 'shipped';
  if (b === 'receiving') return 'received';
  if (type === 'AggregationEvent' && action !== 'OBSERVE') return action === 'ADD' ? 'packed' : 'unpacked';
  if (b === 'decommissioning' || (type === 'ObjectEvent' && action === 'DELETE')) return direct ? 'decommissioned' : 'other';
  if (b === 'destroying' || d === 'destroyed' || d === 'disposed') return 'destroyed';
  // A partially dispensed package stays on the pharmacy's shelf and is scanned again legitimately.
  if (d !== 'partially_dispensed' && (b === 'dispensing' || b === 'retail_selling' || d === 'dispensed' || d === 'retail_sold')) return 'dispensed';
  if (d === 'recalled') return 'recalled';
  if (type === 'TransactionEvent' && action === 'ADD' && s.parties.some((p) => p.side === 'destination' && p.type === 'owning_party'))
    return 'ownership_transferred';
  return 'other';
}

/** Owning then possessing parties on one side, without repeats. */
function parties(s: EventSummary, side: 'source' | 'destination'): string[] {
  const ids = (type: string) => s.parties.filter((p) => p.side === side && p.type === type).map((p) => p.id);
  return [...new Set([...ids('owning_party'), ...ids('possessing_party')])];
}
