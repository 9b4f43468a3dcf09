import { ANOMALY_CODES, type AnomalyCode, type DiversionCode, type ReasonCode } from '@app/custody';
import { sha256 } from '@app/crypto';
import { signedDocuments, type SignedDocument } from './documents';
import { scanCode, serialOf } from './identifiers';
import { chainEvents, dispensedOn, eventCount, recalledAt } from './lifecycle';
import { ANOMALY_KINDS, DAY, DISPENSED, FATE_NAMES, IN_STOCK, RETURNED, TRADE_ANOMALY_KINDS } from './model';
import type { AnomalyKind, Lot, LotPlan, PackageReport, SimEvent, Summary, UnitAnomaly } from './model';
import { createPartners, createProducts, LAPSED_ON, type Partner, type Product } from './partners';
import { Prng } from './random';

export interface SimulationOptions {
  seed: string | number;
  manufacturers: number;
  productsPerManufacturer: number;
  lotsPerProduct: number;
  unitsPerLot: number;
  unitsPerCase: number;
  casesPerPallet: number;
  wholesalers: number;
  pharmacies: number;
  /** Share of units a pharmacy dispenses. */
  dispenseRatio: number;
  /** Share of units a pharmacy sends back to its wholesaler as saleable returns (never dispensed ones). */
  returnRatio: number;
  /** One lot is recalled by its manufacturer. */
  recall: boolean;
  /** How many packages of each kind the summary reports; expired and recalled ones all come from one lot, the others are units picked at random. */
  anomalies: Record<AnomalyKind, number>;
  /** When the first lot is commissioned (ISO date-time); lots follow over at most 180 days. */
  start: string;
  eventsPerDocument: number;
  /** Documents stay below this many bytes of events (ingest refuses bodies over INGEST_BODY_LIMIT, 2 MB by default). */
  maxDocumentBytes: number;
}

export type SimulationInput = Partial<Omit<SimulationOptions, 'anomalies'>> & { anomalies?: Partial<Record<AnomalyKind, number>> };

const ALL_KINDS: AnomalyKind[] = [...ANOMALY_KINDS, ...TRADE_ANOMALY_KINDS];
export const NO_ANOMALIES = Object.fromEntries(ALL_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>;
/** Kinds picked unit by unit, in this order, so that adding a kind leaves the picks of the others as they were. */
const UNIT_KINDS = ['clone', 'diversion', 'custodyGap', ...TRADE_ANOMALY_KINDS] as const;
/** What the diversion report adds for each kind of unit anomaly to the verdict reasons it keeps. */
const TRADE_CODES: Partial<Record<AnomalyKind, DiversionCode>> = {
  diversion: 'REVERSE_DIRECTION',
  reverseDirection: 'REVERSE_DIRECTION',
  unlicensedRecipient: 'UNLICENSED_RECIPIENT',
  vanished: 'VANISHED_IN_TRANSIT',
  velocity: 'IMPOSSIBLE_VELOCITY',
};

export const DEFAULT_OPTIONS: SimulationOptions = {
  seed: 1,
  manufacturers: 2,
  productsPerManufacturer: 2,
  lotsPerProduct: 2,
  unitsPerLot: 12,
  unitsPerCase: 12,
  casesPerPallet: 10,
  wholesalers: 2,
  pharmacies: 4,
  dispenseRatio: 0.3,
  returnRatio: 0.05,
  recall: false,
  anomalies: NO_ANOMALIES,
  start: '2026-01-05T13:00:00Z',
  eventsPerDocument: 1000,
  maxDocumentBytes: 1_000_000,
};

// Lots start at most a day apart and all within this span, however many there are.
const LOT_SPAN = 180 * DAY;

/**
 * A deterministic DSCSA supply chain: the same options give the same partners, keys, events, signatures and summary.
 * Events are generated lot by lot and merged in time order as they are consumed, so memory holds the lots in flight,
 * never the whole chain.
 */
export class Simulation {
  readonly options: SimulationOptions;
  readonly seed: string;
  readonly partners: Partner[];
  readonly manufacturers: Partner[];
  readonly wholesalers: Partner[];
  /** Licensed pharmacies: every case goes to one of them. */
  readonly pharmacies: Partner[];
  /** A pharmacy whose licence lapsed before the chain began, registered only for unlicensedRecipient anomalies. */
  readonly lapsedPharmacy?: Partner;
  readonly products: Product[];
  /** By ordinal. */
  readonly lots: Lot[];
  /** 32 bits of the seed that key the stateless jitter of event times. */
  readonly noiseKey: number;
  /** Unit anomalies, by lot ordinal and unit index. */
  private readonly unitAnomalies = new Map<number, Map<number, UnitAnomaly>>();
  private readonly reports: Pick<Summary, 'anomalies' | 'samples'>;
  private readonly tally = { events: 0, documents: 0, epcs: 0 };

  constructor(input: SimulationInput = {}) {
    const o: SimulationOptions = { ...DEFAULT_OPTIONS, ...input, anomalies: { ...NO_ANOMALIES, ...input.anomalies } };
    validate(o);
    this.options = o;
    this.seed = String(o.seed);
    const key = sha256(`${this.seed}/noise`);
    this.noiseKey = new DataView(key.buffer, key.byteOffset).getUint32(0);
    this.partners = createPartners(this.seed, { ...o, lapsedPharmacies: o.anomalies.unlicensedRecipient ? 1 : 0 });
    this.manufacturers = this.partners.filter((p) => p.role === 'manufacturer');
    this.wholesalers = this.partners.filter((p) => p.role === 'wholesaler');
    this.pharmacies = this.partners.filter((p) => p.role === 'dispenser' && !p.licence.validUntil);
    this.lapsedPharmacy = this.partners.find((p) => p.licence.validUntil);
    this.products = createProducts(this.seed, this.manufacturers, o.productsPerManufacturer);
    const rng = Prng.from(this.seed, 'anomalies');
    this.lots = this.createLots(rng);
    this.reports = this.injectAnomalies(rng);
  }

  /** Lots of all products start in turn; one may be expired and another recalled. */
  private createLots(rng: Prng): Lot[] {
    const o = this.options;
    const count = this.products.length * o.lotsPerProduct;
    const expiredLot = o.anomalies.expired > 0 ? rng.int(count) : -1;
    const recalledLot = !o.recall ? -1 : expiredLot < 0 ? rng.int(count) : (expiredLot + 1 + rng.int(count - 1)) % count;
    const start = Date.parse(o.start);
    const interval = Math.min(DAY, LOT_SPAN / count);
    return this.products.flatMap((product) =>
      Array.from({ length: o.lotsPerProduct }, (_, l): Lot => {
        const ordinal = product.index * o.lotsPerProduct + l;
        const lotStart = start + Math.floor((l * this.products.length + product.index) * interval);
        const expired = ordinal === expiredLot;
        const made = new Date(lotStart);
        return {
          ordinal,
          product,
          indexInProduct: l,
          number: `${product.lotPrefix}${String(l + 1).padStart(5, '0')}`,
          // A shelf life of three years to the end of the month; an expired lot was out of date before the chain began.
          expiry: isoDate(expired ? start - DAY : Date.UTC(made.getUTCFullYear() + 3, made.getUTCMonth() + 1, 0)),
          start: lotStart,
          expired,
          recalled: ordinal === recalledLot,
        };
      }),
    );
  }

  /**
   * Picks the units of unit anomalies (outside the expired and recalled lots when there are others) and the
   * counterfeit serials, and reports every anomalous package, and a few ordinary ones, with its expected codes.
   */
  private injectAnomalies(rng: Prng): Pick<Summary, 'anomalies' | 'samples'> {
    const o = this.options;
    const ordinary = this.lots.filter((l) => !l.expired && !l.recalled);
    const candidates = ordinary.length ? ordinary : this.lots;
    const unitKinds = UNIT_KINDS.flatMap((kind) => Array<(typeof UNIT_KINDS)[number]>(o.anomalies[kind]).fill(kind));
    if (unitKinds.length > candidates.length * o.unitsPerLot)
      throw new RangeError(`${unitKinds.length} packages with unit anomalies (${UNIT_KINDS.join(', ')}) need as many units outside the expired and recalled lots`);
    let gaps = 0;
    const targets = unitKinds.map((kind): [AnomalyKind, Lot, number] => {
      for (;;) {
        const lot = rng.pick(candidates);
        const unit = rng.int(o.unitsPerLot);
        const inLot = this.unitAnomalies.get(lot.ordinal) ?? new Map<number, UnitAnomaly>();
        if (inLot.has(unit)) continue;
        // Receiving what was shipped to another pharmacy takes two pharmacies.
        const anomaly: UnitAnomaly = kind === 'custodyGap' ? { kind, variant: this.pharmacies.length > 1 && gaps++ % 2 === 0 ? 'wrong-receiver' : 'no-shipment' } : { kind };
        this.unitAnomalies.set(lot.ordinal, inLot.set(unit, anomaly));
        return [kind, lot, unit];
      }
    });

    const plans = new Map<Lot, LotPlan>();
    const planOf = (lot: Lot) => plans.get(lot) ?? plans.set(lot, this.plan(lot)).get(lot)!;
    const anomalies: Summary['anomalies'] = [];
    const unitsPerProduct = o.lotsPerProduct * o.unitsPerLot;
    for (let i = 0; i < o.anomalies.counterfeit; i++) {
      const lot = rng.pick(candidates);
      const serial = serialOf(lot.product.serialKey, unitsPerProduct + i); // past every commissioned ordinal of the product
      // No event names a counterfeit serial, so the diversion report has nothing to show until someone scans it.
      anomalies.push({ kind: 'counterfeit', ...this.report(lot, serial, ['NEVER_COMMISSIONED', ...lotCodes(lot)], []) });
    }
    for (const [kind, lot, unit] of targets) anomalies.push({ kind, ...this.unitReport(planOf(lot), unit) });
    for (const kind of ['expired', 'recalled'] as const) {
      const lot = this.lots.find((l) => l[kind]);
      if (!lot || !o.anomalies[kind]) continue;
      // Packages still on a shelf first: a dispensed one would also show ALREADY_DISPENSED.
      const plan = planOf(lot);
      const [shelved, dispensed]: number[][] = [[], []];
      for (let u = 0; u < o.unitsPerLot && shelved.length < o.anomalies[kind]; u++) (plan.fate[u] === DISPENSED ? dispensed : shelved).push(u);
      for (const unit of [...shelved, ...dispensed].slice(0, o.anomalies[kind])) anomalies.push({ kind, ...this.unitReport(plan, unit) });
    }
    const samples: Summary['samples'] = [];
    if (ordinary.length) {
      const plan = planOf(ordinary[0]);
      for (const [fate, name] of FATE_NAMES.entries()) {
        const unit = plan.fate.findIndex((f, u) => f === fate && !plan.anomalies.has(u));
        if (unit >= 0) samples.push({ fate: name, ...this.unitReport(plan, unit) });
      }
    }
    return { anomalies, samples };
  }

  plan(lot: Lot): LotPlan {
    const { unitsPerLot, unitsPerCase, casesPerPallet, dispenseRatio, returnRatio } = this.options;
    const rng = Prng.from(this.seed, 'lot', lot.ordinal);
    const cases = Math.ceil(unitsPerLot / unitsPerCase);
    const pallets = Math.ceil(cases / casesPerPallet);
    const wholesalerOfPallet = new Uint16Array(pallets).map(() => rng.int(this.wholesalers.length));
    const pharmacyOfCase = new Uint16Array(cases).map(() => rng.int(this.pharmacies.length));
    const fate = new Uint8Array(unitsPerLot).map(() => {
      const r = rng.float();
      return r < dispenseRatio ? DISPENSED : r < dispenseRatio + returnRatio ? RETURNED : IN_STOCK;
    });
    const anomalies = this.unitAnomalies.get(lot.ordinal) ?? new Map<number, UnitAnomaly>();
    // A diverted unit was dispensed first; the others stay on the shelf so that they show only their own anomaly (a
    // velocity unit's two dispensings are its anomaly's own events).
    for (const [unit, a] of anomalies) fate[unit] = a.kind === 'diversion' ? DISPENSED : IN_STOCK;
    return { ...lot, cases, pallets, wholesalerOfPallet, pharmacyOfCase, fate, anomalies };
  }

  serial(lot: Lot, unit: number): string {
    return serialOf(lot.product.serialKey, lot.indexInProduct * this.options.unitsPerLot + unit);
  }

  /** Events in time order, each with the partner that performed and signs it. */
  events(): Generator<SimEvent> {
    return chainEvents(this);
  }

  /** How many events events() yields; plans every lot, so about as costly as drawing the chain's random numbers. */
  eventTotal(): number {
    return this.lots.reduce((n, lot) => n + eventCount(this.plan(lot)), 0);
  }

  /** The events as EPCIS documents of one signer each, with their DSCSA-Signature. */
  async *documents(): AsyncGenerator<SignedDocument> {
    for await (const doc of signedDocuments(this, this.events())) {
      this.tally.documents++;
      this.tally.events += doc.eventCount;
      this.tally.epcs += doc.epcCount;
      yield doc;
    }
  }

  /** The anomalies and samples to scan; event, document and EPC counts cover the documents generated so far. */
  summary(): Summary {
    const o = this.options;
    const anomalies = { ...NO_ANOMALIES };
    for (const a of this.reports.anomalies) anomalies[a.kind]++;
    return {
      seed: this.seed,
      ...this.reports,
      counts: { partners: this.partners.length, products: this.products.length, lots: this.lots.length, units: this.lots.length * o.unitsPerLot, ...this.tally, anomalies },
    };
  }

  private unitReport(plan: LotPlan, unit: number): PackageReport {
    const anomaly = plan.anomalies.get(unit);
    const dispensed = dispensedOn(this, plan, unit);
    const codes: ReasonCode[] = [...lotCodes(plan)];
    if (anomaly?.kind === 'clone') codes.push('COMMISSIONED_MORE_THAN_ONCE');
    if (dispensed !== undefined) codes.push('ALREADY_DISPENSED');
    if (anomaly?.kind === 'custodyGap') codes.push(anomaly.variant === 'wrong-receiver' ? 'CUSTODY_GAP_WRONG_RECEIVER' : 'CUSTODY_GAP_NO_SHIPMENT');
    if (anomaly?.kind === 'unlicensedRecipient') codes.push('UNLICENSED_PARTNER');
    // The report keeps a dispensing only when the package turns up again, and a recall only if it was not dispensed before.
    const turnsUp = anomaly?.kind === 'diversion' || anomaly?.kind === 'velocity';
    const kept = codes.filter((c) => (c !== 'ALREADY_DISPENSED' || turnsUp) && (c !== 'RECALLED' || dispensed === undefined || dispensed >= recalledAt(plan)));
    const trade = anomaly && TRADE_CODES[anomaly.kind];
    return this.report(plan, this.serial(plan, unit), codes, [...kept, ...(trade ? [trade] : [])]);
  }

  private report(lot: Lot, serial: string, codes: ReasonCode[], diversionCodes: AnomalyCode[]): PackageReport {
    const p = { gtin: lot.product.gtin, serial, lot: lot.number, expiry: lot.expiry };
    return { ...p, scanCode: scanCode(p), expectedReasonCodes: inReportOrder(codes), expectedDiversionCodes: inReportOrder(diversionCodes) };
  }
}

const inReportOrder = <T extends AnomalyCode>(codes: T[]): T[] => codes.sort((a, b) => ANOMALY_CODES.indexOf(a) - ANOMALY_CODES.indexOf(b));

const lotCodes = (lot: Lot): ReasonCode[] => [...(lot.expired ? (['EXPIRED'] as const) : []), ...(lot.recalled ? (['RECALLED'] as const) : [])];

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function validate(o: SimulationOptions): void {
  const counts = ['manufacturers', 'productsPerManufacturer', 'lotsPerProduct', 'unitsPerLot', 'unitsPerCase', 'casesPerPallet', 'wholesalers', 'pharmacies', 'eventsPerDocument'] as const;
  for (const name of counts) if (!Number.isSafeInteger(o[name]) || o[name] < 1) throw new RangeError(`${name} must be a positive integer`);
  for (const kind of ALL_KINDS) if (!Number.isSafeInteger(o.anomalies[kind]) || o.anomalies[kind] < 0) throw new RangeError(`anomalies.${kind} must be a non-negative integer`);
  if (!(o.dispenseRatio >= 0 && o.returnRatio >= 0 && o.dispenseRatio + o.returnRatio <= 1)) throw new RangeError('dispenseRatio and returnRatio must be shares that add up to at most 1');
  if (Number.isNaN(Date.parse(o.start))) throw new RangeError('start must be an ISO date-time');
  if (o.productsPerManufacturer > 899) throw new RangeError('productsPerManufacturer is at most 899 (three-digit NDC product codes)');
  if (o.wholesalers + o.pharmacies + o.manufacturers > 50_000) throw new RangeError('at most 50,000 partners');
  if (o.lotsPerProduct > 99_999) throw new RangeError('lotsPerProduct is at most 99,999');
  const lots = o.manufacturers * o.productsPerManufacturer * o.lotsPerProduct;
  const cases = Math.ceil(o.unitsPerLot / o.unitsPerCase);
  if (lots * (cases + Math.ceil(cases / o.casesPerPallet)) >= 1e9) throw new RangeError('too many cases and pallets for 9-digit SSCC serial references');
  if (o.lotsPerProduct * o.unitsPerLot + o.anomalies.counterfeit >= 1e12) throw new RangeError('too many units per product for 12-digit serials');
  if (o.anomalies.recalled && !o.recall) throw new RangeError('recalled packages need recall: true');
  if (o.anomalies.velocity && o.pharmacies < 2) throw new RangeError('velocity anomalies need two pharmacies');
  if (o.anomalies.unlicensedRecipient && Date.parse(o.start) < Date.parse(LAPSED_ON)) throw new RangeError(`unlicensed recipients need a start after ${LAPSED_ON}, when their licence lapsed`);
  if (o.recall && lots < 2 && o.anomalies.expired) throw new RangeError('an expired and a recalled lot need at least two lots');
  for (const kind of ['expired', 'recalled'] as const)
    if (o.anomalies[kind] > o.unitsPerLot) throw new RangeError(`anomalies.${kind} is at most unitsPerLot: they come from one lot`);
}
