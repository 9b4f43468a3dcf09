import type { JsonObject } from '@app/epcis';
import { lgtinUri } from '@app/gs1';
import { containerUri, localTime, PREFIX_LENGTH } from './identifiers';
import { mergeByTime } from './merge';
import { DAY, DISPENSED, HOUR, RETURNED, type Lot, type LotPlan, type SimEvent, type UnitAnomaly } from './model';
import type { Partner } from './partners';
import { noise } from './random';
import type { Simulation } from './simulation';

/** Every event of the chain in time order: each lot's life, merged as lots come into flight. */
export function chainEvents(sim: Simulation): Generator<SimEvent> {
  const lots = [...sim.lots].sort((a, b) => a.start - b.start);
  return mergeByTime(lots.map((lot) => ({ start: lot.start, items: lotEvents(sim, lot) })));
}

function* lotEvents(sim: Simulation, lot: Lot): Generator<SimEvent> {
  const life = new LotLife(sim, sim.plan(lot));
  const phases = [
    life.production(),
    life.palletShipments(),
    life.palletReceipts(),
    life.caseShipments(),
    life.caseReceipts(),
    life.dispensings(),
    life.returns(false),
    life.returns(true),
    life.anomaliesAndRecall(),
  ];
  yield* mergeByTime(phases.map((items) => ({ start: lot.start, items })));
}

/** How many events a lot's life has, without making them (a progress total): the count of LotLife's phases. */
export function eventCount(plan: LotPlan): number {
  let n = 5 * plan.cases + 4 * plan.pallets; // commission, pack, ship, receive, unpack each case; pack, ship, receive, unpack each pallet
  for (const fate of plan.fate) n += fate === DISPENSED ? 1 : fate === RETURNED ? 2 : 0;
  for (const a of plan.anomalies.values()) n += a.kind === 'clone' || a.kind === 'vanished' || (a.kind === 'custodyGap' && a.variant === 'no-shipment') ? 1 : 2;
  return n + (plan.recalled ? 1 : 0);
}

/** When the unit is first dispensed, if ever. */
export function dispensedOn(sim: Simulation, plan: LotPlan, unit: number): number | undefined {
  return new LotLife(sim, plan).dispensedOn(unit);
}

export const recalledAt = (lot: Lot): number => lot.start + RECALLED_AFTER;

/**
 * When each phase of a lot's life begins after the lot's start, and over how long its steps (cases, pallets, units)
 * are spread: each step gets an equal slot, so every phase yields in time order without sorting.
 */
const PHASES = {
  production: { id: 0, after: 0, spread: 8 * HOUR },
  palletShipping: { id: 1, after: DAY, spread: 8 * HOUR },
  palletReceiving: { id: 2, after: 2 * DAY, spread: 8 * HOUR },
  caseShipping: { id: 3, after: 4 * DAY, spread: 8 * HOUR },
  caseReceiving: { id: 4, after: 5 * DAY, spread: 8 * HOUR },
  dispensing: { id: 5, after: 6 * DAY, spread: 30 * DAY },
  returning: { id: 6, after: 8 * DAY, spread: 27 * DAY },
};
/** Share of a slot over which an event time is jittered. Events within a slot start at parts 0, 0.4 and 0.7 of it. */
const JITTER = 0.2;
const CLONED_AFTER = 3 * DAY;
const RECALLED_AFTER = 20 * DAY;
/** Between two pharmacies dispensing packages with one serial: well under the diversion report's 60 minutes. */
const VELOCITY_GAP = 20 * 60_000;

/**
 * One lot from the line to the counter. The manufacturer commissions a case's worth of units at a time, packs them
 * into the case and full cases onto pallets, and ships each pallet to a wholesaler, which receives and breaks it and
 * ships each case to a pharmacy, which receives and unpacks it, then dispenses some units and returns others.
 */
class LotLife {
  private readonly maker: Partner;
  private readonly units: number;

  constructor(
    private readonly sim: Simulation,
    private readonly plan: LotPlan,
  ) {
    this.maker = plan.product.manufacturer;
    this.units = plan.fate.length;
  }

  *production(): Generator<SimEvent> {
    const { cases } = this.plan;
    const { casesPerPallet } = this.sim.options;
    for (let i = 0; i < cases; i++) {
      const units = this.unitsOfCase(i);
      yield this.event(this.at('production', i, cases), this.maker, this.commissioning(units));
      yield this.event(this.at('production', i, cases, 0.4), this.maker, aggregation('ADD', this.caseUri(i), units, this.maker));
      const pallet = Math.floor(i / casesPerPallet);
      if (i === cases - 1 || (i + 1) % casesPerPallet === 0)
        yield this.event(this.at('production', i, cases, 0.7), this.maker, aggregation('ADD', this.palletUri(pallet), this.casesOfPallet(pallet), this.maker));
    }
  }

  *palletShipments(): Generator<SimEvent> {
    for (let j = 0; j < this.plan.pallets; j++) {
      const to = this.sim.wholesalers[this.plan.wholesalerOfPallet[j]];
      yield this.event(this.at('palletShipping', j, this.plan.pallets), this.maker, transfer('shipping', 'in_transit', [this.palletUri(j)], this.maker, to, this.po('P', j)));
    }
  }

  *palletReceipts(): Generator<SimEvent> {
    for (let j = 0; j < this.plan.pallets; j++) {
      const by = this.sim.wholesalers[this.plan.wholesalerOfPallet[j]];
      yield this.event(this.at('palletReceiving', j, this.plan.pallets), by, transfer('receiving', 'in_progress', [this.palletUri(j)], this.maker, by, this.po('P', j)));
      yield this.event(this.at('palletReceiving', j, this.plan.pallets, 0.4), by, aggregation('DELETE', this.palletUri(j), this.casesOfPallet(j), by));
    }
  }

  *caseShipments(): Generator<SimEvent> {
    for (let i = 0; i < this.plan.cases; i++) {
      const [from, to] = [this.wholesalerOfCase(i), this.pharmacyOfCase(i)];
      yield this.event(this.at('caseShipping', i, this.plan.cases), from, transfer('shipping', 'in_transit', [this.caseUri(i)], from, to, this.po('C', i)));
    }
  }

  *caseReceipts(): Generator<SimEvent> {
    for (let i = 0; i < this.plan.cases; i++) {
      const [from, by] = [this.wholesalerOfCase(i), this.pharmacyOfCase(i)];
      yield this.event(this.at('caseReceiving', i, this.plan.cases), by, transfer('receiving', 'in_progress', [this.caseUri(i)], from, by, this.po('C', i)));
      yield this.event(this.at('caseReceiving', i, this.plan.cases, 0.4), by, aggregation('DELETE', this.caseUri(i), this.unitsOfCase(i), by));
    }
  }

  *dispensings(): Generator<SimEvent> {
    for (let u = 0; u < this.units; u++) {
      if (this.plan.fate[u] !== DISPENSED) continue;
      const by = this.pharmacyOfUnit(u);
      yield this.event(this.dispensedAt(u), by, dispensing(this.epc(u), by));
    }
  }

  /** Saleable returns to the wholesaler that supplied the unit: the shipments, or a day later their receipts. */
  *returns(receipts: boolean): Generator<SimEvent> {
    for (let u = 0; u < this.units; u++) {
      if (this.plan.fate[u] !== RETURNED) continue;
      const i = this.caseOf(u);
      const [from, to] = [this.pharmacyOfCase(i), this.wholesalerOfCase(i)];
      const shipped = this.at('returning', u, this.units);
      const rma = { type: 'rma', id: `RMA-${this.plan.ordinal}-${u}` };
      yield receipts
        ? this.event(shipped + DAY, to, transfer('receiving', 'sellable_accessible', [this.epc(u)], from, to, rma))
        : this.event(shipped, from, transfer('shipping', 'returned', [this.epc(u)], from, to, rma));
    }
  }

  /** The injected unit anomalies of this lot, and its recall: few, so sorted in memory. */
  *anomaliesAndRecall(): Generator<SimEvent> {
    const events: SimEvent[] = [];
    for (const [u, anomaly] of this.plan.anomalies) events.push(...this.anomalyEvents(u, anomaly));
    if (this.plan.recalled) {
      const epcClass = lgtinUri(this.plan.product.gtin, this.plan.number, PREFIX_LENGTH);
      events.push(this.event(recalledAt(this.plan), this.maker, { action: 'OBSERVE', disposition: 'recalled', readPoint: { id: this.maker.site }, quantityList: [{ epcClass, quantity: this.units }] }));
    }
    yield* events.sort((a, b) => a.time - b.time);
  }

  private anomalyEvents(u: number, anomaly: UnitAnomaly): SimEvent[] {
    const i = this.caseOf(u);
    const [pharmacy, wholesaler, epc] = [this.pharmacyOfCase(i), this.wholesalerOfCase(i), this.epc(u)];
    const po = this.po('X', u);
    const ship = (at: number, from: Partner, to: Partner, disposition = 'in_transit') => this.event(at, from, transfer('shipping', disposition, [epc], from, to, po));
    const receive = (at: number, from: Partner, to: Partner) => this.event(at, to, transfer('receiving', 'in_progress', [epc], from, to, po));
    const since = this.anomalyAt(u);
    switch (anomaly.kind) {
      case 'clone':
        return [this.event(this.plan.start + CLONED_AFTER, this.maker, this.commissioning([epc]))];
      case 'diversion': {
        // Sold on after it was dispensed, and not as a return.
        const dispensed = this.dispensedAt(u);
        return [ship(dispensed + 2 * DAY, pharmacy, wholesaler), receive(dispensed + 3 * DAY, pharmacy, wholesaler)];
      }
      case 'custodyGap':
        // The wholesaler receives what the pharmacy shipped to another pharmacy, or never shipped at all.
        return [...(anomaly.variant === 'wrong-receiver' ? [ship(since, pharmacy, this.otherPharmacy(i))] : []), receive(since + DAY, pharmacy, wholesaler)];
      case 'reverseDirection':
        // Sold back up the chain as stock, not returned.
        return [ship(since, pharmacy, wholesaler), receive(since + DAY, pharmacy, wholesaler)];
      case 'unlicensedRecipient':
        // Passed on to a pharmacy whose licence had lapsed.
        return [ship(since, pharmacy, this.sim.lapsedPharmacy!), receive(since + DAY, pharmacy, this.sim.lapsedPharmacy!)];
      case 'vanished':
        // A return that never arrives.
        return [ship(since, pharmacy, wholesaler, 'returned')];
      case 'velocity':
        // Dispensed, and minutes later another pharmacy dispenses a package with the same serial.
        return [this.event(since, pharmacy, dispensing(epc, pharmacy)), this.event(since + VELOCITY_GAP, this.otherPharmacy(i), dispensing(epc, this.otherPharmacy(i)))];
    }
  }

  dispensedOn(u: number): number | undefined {
    if (this.plan.anomalies.get(u)?.kind === 'velocity') return this.anomalyAt(u);
    return this.plan.fate[u] === DISPENSED ? this.dispensedAt(u) : undefined;
  }

  /** Unit anomalies on the shelf happen two days after the pharmacy unpacked the unit's case. */
  private anomalyAt(u: number): number {
    return this.at('caseReceiving', this.caseOf(u), this.plan.cases, 0.4) + 2 * DAY;
  }

  /** The step's slot in the phase, jittered; `part` places a second or third event later in the same slot. */
  private at(phase: keyof typeof PHASES, step: number, steps: number, part = 0): number {
    const { id, after, spread } = PHASES[phase];
    const jitter = JITTER * noise(this.sim.noiseKey, this.plan.ordinal, id, step, part * 10);
    return this.plan.start + after + Math.floor(((step + part + jitter) * spread) / steps);
  }

  private dispensedAt(u: number): number {
    return this.at('dispensing', u, this.units);
  }

  private event(time: number, signer: Partner, fields: JsonObject): SimEvent {
    return { time, signer, event: { type: 'ObjectEvent', eventTime: localTime(time, signer.timeZone), eventTimeZoneOffset: signer.timeZone, ...fields } };
  }

  private commissioning(epcs: string[]): JsonObject {
    return {
      epcList: epcs,
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      ...here(this.maker),
      ilmd: { 'cbvmda:lotNumber': this.plan.number, 'cbvmda:itemExpirationDate': this.plan.expiry },
    };
  }

  private epc(u: number): string {
    return this.plan.product.sgtinBase + this.sim.serial(this.plan, u);
  }

  private unitsOfCase(i: number): string[] {
    const { unitsPerCase } = this.sim.options;
    return Array.from({ length: Math.min(unitsPerCase, this.units - i * unitsPerCase) }, (_, k) => this.epc(i * unitsPerCase + k));
  }

  private casesOfPallet(j: number): string[] {
    const { casesPerPallet } = this.sim.options;
    return Array.from({ length: Math.min(casesPerPallet, this.plan.cases - j * casesPerPallet) }, (_, k) => this.caseUri(j * casesPerPallet + k));
  }

  /** SSCCs are numbered by lot ordinal, so they never repeat across the manufacturer's lots. */
  private caseUri(i: number): string {
    return containerUri(this.maker.companyPrefix, this.plan.ordinal * (this.plan.cases + this.plan.pallets) + i);
  }

  private palletUri(j: number): string {
    return this.caseUri(this.plan.cases + j);
  }

  private caseOf(u: number): number {
    return Math.floor(u / this.sim.options.unitsPerCase);
  }

  private wholesalerOfCase(i: number): Partner {
    return this.sim.wholesalers[this.plan.wholesalerOfPallet[Math.floor(i / this.sim.options.casesPerPallet)]];
  }

  private pharmacyOfCase(i: number): Partner {
    return this.sim.pharmacies[this.plan.pharmacyOfCase[i]];
  }

  private otherPharmacy(i: number): Partner {
    return this.sim.pharmacies[(this.plan.pharmacyOfCase[i] + 1) % this.sim.pharmacies.length];
  }

  private pharmacyOfUnit(u: number): Partner {
    return this.pharmacyOfCase(this.caseOf(u));
  }

  /** A purchase order of this lot's `kind` step (Pallet, Case, eXtra), numbered by the buyer. */
  private po(kind: string, n: number) {
    return { type: 'po', id: `PO-${this.plan.ordinal}-${kind}${n}` };
  }
}

const here = (p: Partner) => ({ readPoint: { id: p.site }, bizLocation: { id: p.site } });

const dispensing = (epc: string, by: Partner): JsonObject => ({ epcList: [epc], action: 'OBSERVE', bizStep: 'dispensing', disposition: 'dispensed', ...here(by) });

function aggregation(action: 'ADD' | 'DELETE', parent: string, children: string[], by: Partner): JsonObject {
  return { type: 'AggregationEvent', parentID: parent, childEPCs: children, action, bizStep: action === 'ADD' ? 'packing' : 'unpacking', disposition: 'in_progress', ...here(by) };
}

/**
 * A shipment or receipt between owning parties, signed by the shipper or the receiver, who must be named in the
 * source or destination list (libs/custody/src/authorization.ts). The business transaction is the buyer's.
 */
function transfer(bizStep: 'shipping' | 'receiving', disposition: string, epcs: string[], from: Partner, to: Partner, transaction: { type: string; id: string }): JsonObject {
  const by = bizStep === 'shipping' ? from : to;
  return {
    epcList: epcs,
    action: 'OBSERVE',
    bizStep,
    disposition,
    ...(bizStep === 'shipping' ? { readPoint: { id: by.site } } : here(by)),
    bizTransactionList: [{ type: transaction.type, bizTransaction: `urn:epcglobal:cbv:bt:${to.gln}:${transaction.id}` }],
    sourceList: [
      { type: 'owning_party', source: from.party },
      { type: 'location', source: from.site },
    ],
    destinationList: [
      { type: 'owning_party', destination: to.party },
      { type: 'location', destination: to.site },
    ],
  };
}
