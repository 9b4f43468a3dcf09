import { namedParties, type EventSummary } from '@app/epcis';
import { digitalLinkAis } from '@app/gs1';
import { isRecall } from '@app/custody';

/**
 * The projections the ledger keeps beside the log, defined once: the writer stores them with each block and the
 * audit rebuilds them from the events, so a changed, deleted or inserted projection row shows.
 */
export interface LoggedEvent {
  seq: number;
  summary: EventSummary;
  signerGln: string;
}

/** The event_record columns the EPCIS query interface filters on, copied from the event beside its record. */
export const queryColumnsOf = ({ seq, summary }: LoggedEvent) => ({
  seq,
  event_type: summary.type,
  event_time: summary.eventTime,
  biz_step: summary.bizStep ?? null,
  disposition: summary.disposition ?? null,
  biz_location: summary.bizLocation ?? null,
  read_point: summary.readPoint ?? null,
});

/** How the writer casts them on insert; the audit compares with the same casts, so both read eventTime alike. */
export const QUERY_COLUMN_TYPES = 'seq bigint, event_type text, event_time timestamptz, biz_step text, disposition text, biz_location text, read_point text';

export const epcLinksOf = ({ seq, summary }: LoggedEvent) => summary.epcs.map(({ epc, role }) => ({ epc, seq, role }));

export const partyLinksOf = ({ seq, summary, signerGln }: LoggedEvent) => namedParties(signerGln, summary).map((gln) => ({ gln, seq }));

/** The lots a recall announcement names (lot null: every lot of the GTIN). */
export const recallsOf = ({ seq, summary }: LoggedEvent) => (isRecall(summary) ? summary.classes.map((c) => ({ gtin: c.gtin, lot: c.lot ?? null, seq })) : []);

/** A serialized item's commissioning state: the first commissioning's facts, how often it was commissioned (a clone shows), and the last time. */
export interface ItemState {
  epc: string;
  gtin: string;
  serial: string;
  lot: string | null;
  expiry: string | null;
  commissionedSeq: number;
  commissionCount: number;
  lastSeq: number;
}

/** Folds an event's commissionings into `items` (keyed by EPC), in log order. */
export function foldItemStates(items: Map<string, ItemState>, { seq, summary }: LoggedEvent): void {
  if (summary.type !== 'ObjectEvent' || summary.action !== 'ADD' || summary.bizStep !== 'commissioning') return;
  for (const { epc } of summary.epcs) {
    const ais = digitalLinkAis(epc);
    if (!ais['21']) continue;
    const item = items.get(epc);
    if (item) {
      item.commissionCount += 1;
      item.lastSeq = seq;
    } else
      items.set(epc, { epc, gtin: ais['01'], serial: ais['21'], lot: summary.lot ?? null, expiry: summary.expiry ?? null, commissionedSeq: seq, commissionCount: 1, lastSeq: seq });
  }
}
