import { normalizeGtin, toDigitalLink } from '@app/gs1';
import { defined } from '../document/members';
import { identifierAis } from '../epc';
import { canonicalTimestamp } from '../event-hash-values';
import { summarizeEvent, type EventSummary } from '../event-summary';
import type { JsonObject } from '../signature';
import type { T3BusinessTransaction, T3Party, T3Product, T3Transaction } from './model';

/** The product with what the events add: the lot its commissioning ILMD gives a serial, and the lot's expiry. */
export interface ProductFacts {
  gtin: string;
  serial?: string;
  lot?: string;
  expiry?: string;
}

interface Step {
  event: JsonObject;
  summary: EventSummary;
}

const QUANTITY_LISTS = ['quantityList', 'childQuantityList'];

/**
 * Follows the product through the events in time order: containment from aggregation events (a unit travels inside
 * its case and pallet), lots from ILMD, and every change of ownership — an event whose source and destination
 * owning parties differ — that moved the product. A shipment and its receipt under the same business transactions
 * are one transaction. Throws EpcisValidationError for an event that is not a valid EPCIS event.
 */
export function traceProduct(product: T3Product, events: JsonObject[], parties: T3Party[]): { facts: ProductFacts; history: T3Transaction[] } {
  const steps: Step[] = events
    .map((event, index) => {
      const summary = summarizeEvent(event, index);
      return { event, summary, index, at: canonicalTimestamp(summary.eventTime) }; // UTC: offsets compare alike
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.index - b.index));

  const lotOf = new Map<string, string>(); // canonical EPC → lot (ILMD)
  const expiryOf = new Map<string, string>(); // lot → expiry (ILMD)
  for (const { summary } of steps) {
    if (summary.lot === undefined) continue;
    for (const { epc, role } of summary.epcs) if (role === 'epc' || role === 'output') lotOf.set(epc, summary.lot);
    if (summary.expiry !== undefined && !expiryOf.has(summary.lot)) expiryOf.set(summary.lot, summary.expiry);
  }
  const gtin = normalizeGtin(product.gtin);
  const unit = product.serial === undefined ? undefined : toDigitalLink({ '01': gtin, '21': product.serial });
  const lot = product.lot ?? (unit === undefined ? undefined : lotOf.get(unit));
  const facts: ProductFacts = { gtin, serial: product.serial, lot, expiry: product.expiry ?? (lot === undefined ? undefined : expiryOf.get(lot)) };

  const isProduct = (epc: string): boolean => {
    if (unit !== undefined) return epc === unit;
    const ais = aisOf(epc);
    return ais?.['01'] === gtin && ais['21'] !== undefined && lotOf.get(epc) === lot;
  };
  const contents = new Map<string, Set<string>>(); // parent → children, as aggregation events leave them
  const packagesIn = ({ summary, event }: Step): number => {
    const seen = new Set<string>();
    const visit = (epc: string) => {
      if (seen.has(epc)) return;
      seen.add(epc);
      for (const child of contents.get(epc) ?? []) visit(child);
    };
    for (const { epc, role } of summary.epcs) if (role !== 'input') visit(epc);
    const units = [...seen].filter(isProduct).length;
    // Lot-level transactions count the lot's quantity elements too; a serialised T3 is about its one package.
    return unit !== undefined ? units : units + lotQuantity(event, gtin, lot);
  };

  const transactions = new Map<string, T3Transaction>();
  const partyOf = (id: string): T3Party => parties.find((p) => p.gln === id) ?? { gln: id };
  for (const step of steps) {
    const { summary, event } = step;
    if (summary.type === 'AggregationEvent') aggregate(contents, summary);
    const owner = (side: 'source' | 'destination') => summary.parties.find((p) => p.side === side && p.type === 'owning_party')?.id;
    const [from, to] = [owner('source'), owner('destination')];
    if (from === undefined || to === undefined || from === to) continue;
    const quantity = packagesIn(step);
    if (quantity === 0) continue;
    const businessTransactions = businessTransactionsOf(event);
    const key = JSON.stringify([from, to, businessTransactions.map((t) => t.id).sort()]);
    const transaction = transactions.get(key) ?? { date: summary.eventTime, from: partyOf(from), to: partyOf(to), quantity, businessTransactions };
    transaction.quantity = Math.max(transaction.quantity, quantity); // a receipt counts the same goods again
    if (summary.bizStep === 'shipping') transaction.shipmentDate ??= summary.eventTime;
    transactions.set(key, transaction);
  }
  // Transactions were opened in time order; members in a fixed order, so the JSON reads the same every time.
  const history = [...transactions.values()].map(({ date, shipmentDate, from, to, quantity, businessTransactions }) =>
    defined({ date, shipmentDate, from, to, quantity, businessTransactions }),
  );
  return { facts, history };
}

function aggregate(contents: Map<string, Set<string>>, summary: EventSummary): void {
  const parent = summary.epcs.find((e) => e.role === 'parent')?.epc;
  if (parent === undefined) return;
  const children = summary.epcs.filter((e) => e.role === 'child').map((e) => e.epc);
  if (summary.action !== 'DELETE') {
    const set = contents.get(parent) ?? new Set<string>();
    for (const child of children) set.add(child);
    contents.set(parent, set);
  } else if (children.length === 0) {
    contents.delete(parent); // DELETE without children: everything is unpacked
  } else {
    for (const child of children) contents.get(parent)?.delete(child);
  }
}

function aisOf(uri: string): Record<string, string> | undefined {
  try {
    return identifierAis(uri);
  } catch {
    return undefined; // a class pattern or private URI: names no single product or lot
  }
}

function lotQuantity(event: JsonObject, gtin: string, lot: string | undefined): number {
  let total = 0;
  for (const list of QUANTITY_LISTS) {
    for (const q of Array.isArray(event[list]) ? (event[list] as JsonObject[]) : []) {
      const ais = typeof q?.epcClass === 'string' ? aisOf(q.epcClass) : undefined;
      if (ais?.['01'] === gtin && ais['10'] === lot) total += Number(q.quantity) || 0;
    }
  }
  return total;
}

function businessTransactionsOf(event: JsonObject): T3BusinessTransaction[] {
  const list = Array.isArray(event.bizTransactionList) ? (event.bizTransactionList as JsonObject[]) : [];
  return list
    .filter((t) => typeof t?.bizTransaction === 'string')
    .map((t) => (typeof t.type === 'string' ? { type: t.type, id: t.bizTransaction as string } : { id: t.bizTransaction as string }));
}
