import { gtinOf } from './authorization';
import { AssessInput, Assessment, CustodyStep, partyLabel, Reason, ReasonCode, SEVERITY, Severity, StepKind } from './model';
import { licensedAt } from './rules';
import { scopePath, stepParties } from './visibility';

/** Trade patterns that only show across packages and time, with their severities (the verdict reasons are in SEVERITY). */
export const DIVERSION_SEVERITY = {
  REVERSE_DIRECTION: 'SUSPECT',
  UNLICENSED_RECIPIENT: 'SUSPECT',
  VANISHED_IN_TRANSIT: 'SUSPECT',
  IMPOSSIBLE_VELOCITY: 'SUSPECT',
} as const satisfies Record<string, Severity>;

export type DiversionCode = keyof typeof DIVERSION_SEVERITY;
export type AnomalyCode = ReasonCode | DiversionCode;

/** Every anomaly code in report order: the verdict reasons, then the trade patterns. */
export const ANOMALY_CODES = [...Object.keys(SEVERITY), ...Object.keys(DIVERSION_SEVERITY)] as AnomalyCode[];
const SEVERITY_OF: Record<AnomalyCode, Severity> = { ...SEVERITY, ...DIVERSION_SEVERITY };

export const DIVERSION_DEFAULTS = { vanishAfterHours: 72, minTransitMinutes: 60 };

/** One finding of the diversion report. */
export interface Anomaly {
  code: AnomalyCode;
  severity: Severity;
  /** A sentence for the investigator. */
  message: string;
  sgtin?: string;
  gtin?: string;
  lot?: string;
  /** GLNs of the parties the evidence names. */
  parties: string[];
  /** Event hash IDs that show the anomaly, in time order. */
  evidence: string[];
  /** When the anomaly arose (ISO, UTC): the report covers those that arose in its window. */
  at: string;
}

/** A package as assessCustody judged it, without a scanner. */
export interface UnitCustody {
  sgtin: string;
  lot?: string;
  /** YYYY-MM-DD, as commissioned. */
  expiry?: string;
  assessment: Pick<Assessment, 'reasons' | 'path' | 'currentHolder'>;
}

export interface DiversionOptions {
  /** The window, ISO date-times: anomalies with from <= at < to. */
  from: string;
  to: string;
  /** When the report runs; a shipment is overdue only once vanishAfterHours have passed by the earlier of `to` and `now`. */
  now?: string;
  /** Keep only anomalies that name this GLN. */
  partner?: string;
  /**
   * A trading partner reading the report (regulators are not scoped): as on a scan, it sees parties and evidence
   * of the steps it took part in, and other parties are named only as "another trading partner".
   */
  viewer?: string;
  vanishAfterHours?: number;
  minTransitMinutes?: number;
  partners: AssessInput['partners'];
  /** Times of evidence events that are not on a custody path (recall announcements), by event ID. */
  eventTimes?: ReadonlyMap<string, string>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHIPMENTS = new Set<StepKind>(['shipped', 'returned']);
/** How a package's life normally ends: across the data set an anomaly only when the package turns up again afterwards, as a scan would. */
const END_OF_LIFE = new Set<ReasonCode>(['ALREADY_DISPENSED', 'DECOMMISSIONED', 'DESTROYED']);
/** States that take effect at a time: they concern packages still in the supply chain then, and anything done with them after. */
const LAPSES = new Set<ReasonCode>(['EXPIRED', 'RECALLED']);
const DISPENSERS = new Set(['dispenser']);
const UPSTREAM = new Set(['manufacturer', 'repackager', 'wholesaler']);

const ms = (s: { eventTime: string }) => Date.parse(s.eventTime);

/**
 * The diversion report over assessed packages: the verdict reasons assessCustody found, read for the whole data set
 * rather than for one scan, and the trade patterns only a look across time shows: a dispenser selling up the chain,
 * shipments to parties without a valid licence, shipments nobody received, and a serial at two parties at once.
 * Pure: the verify app loads and assesses the packages.
 */
export function findAnomalies(units: Iterable<UnitCustody>, o: DiversionOptions): Anomaly[] {
  const [from, to] = [Date.parse(o.from), Date.parse(o.to)];
  const found: Anomaly[] = [];
  for (const unit of units) {
    const u = new UnitReview(unit, o);
    for (const a of [...u.verdictReasons(), ...u.reverseDirection(), ...u.unlicensedRecipients(), ...u.vanished(), ...u.velocity()]) {
      const at = Date.parse(a.at);
      if (at >= from && at < to && (o.partner === undefined || a.parties.includes(o.partner))) found.push(u.scoped(a));
    }
  }
  return found.sort(compareAnomalies);
}

/** Report order: by time, then code, then package. */
export function compareAnomalies(a: Anomaly, b: Anomaly): number {
  return a.at.localeCompare(b.at) || ANOMALY_CODES.indexOf(a.code) - ANOMALY_CODES.indexOf(b.code) || (a.sgtin ?? '').localeCompare(b.sgtin ?? '');
}

/** How many anomalies of each code, every code listed (zero: checked, none found). */
export function countByCode(anomalies: readonly Anomaly[]): Record<AnomalyCode, number> {
  const counts = Object.fromEntries(ANOMALY_CODES.map((c) => [c, 0])) as Record<AnomalyCode, number>;
  for (const a of anomalies) counts[a.code]++;
  return counts;
}

const ANOTHER_PARTNER = 'another trading partner';

class UnitReview {
  private readonly path: CustodyStep[];
  /** For a viewer: the parties of the steps it took part in, and the events of the steps it did not. */
  private readonly scope?: { parties: Set<string>; hidden: Set<string> };

  constructor(
    private readonly unit: UnitCustody,
    private readonly o: DiversionOptions,
  ) {
    this.path = unit.assessment.path;
    if (o.viewer !== undefined) {
      const { visible } = scopePath(o.viewer, this.path);
      const shown = new Set(visible);
      this.scope = { parties: new Set([o.viewer, ...visible.flatMap(stepParties)]), hidden: new Set(this.path.filter((s) => !shown.has(s)).map((s) => s.eventId)) };
    }
  }

  /** The anomaly as the viewer may see it: evidence off the path (recall announcements) stays, hidden steps go. */
  scoped(a: Anomaly): Anomaly {
    const scope = this.scope;
    if (!scope) return a;
    return { ...a, parties: a.parties.filter((gln) => scope.parties.has(gln)), evidence: a.evidence.filter((id) => !scope.hidden.has(id)) };
  }

  /** Each reason of the verdict, dated by its latest evidence; end-of-life and lapsed states only when they matter (see the sets above). */
  verdictReasons(): Anomaly[] {
    const { reasons, currentHolder } = this.unit.assessment;
    const endedAt = Math.min(...reasons.filter((r) => END_OF_LIFE.has(r.code)).map((r) => this.since(r)));
    return reasons.flatMap((r): Anomaly[] => {
      const steps = this.path.filter((s) => r.evidence.includes(s.eventId));
      if (END_OF_LIFE.has(r.code)) {
        const later = steps.length ? this.path.slice(this.path.indexOf(steps[0]) + 1) : [];
        if (!later.length) return [];
        return [this.anomaly(r.code, `${r.message} It turns up again afterwards: ${this.describe(later[0])}.`, later[0].eventTime, [...steps, ...later])];
      }
      if (LAPSES.has(r.code)) {
        const since = r.code === 'EXPIRED' && this.unit.expiry ? Date.parse(this.unit.expiry) + DAY : this.since(r);
        if (endedAt < since) return []; // dispensed or destroyed before it expired or was recalled
        const after = this.path.filter((s) => ms(s) >= since);
        const message = after.length
          ? `${r.message} Handled since: ${this.describe(after[0])}${after.length > 1 ? ` and ${after.length - 1} more events` : ''}.`
          : `${r.message} It is still in the supply chain${currentHolder ? `, held by ${this.names([currentHolder])}` : ''}.`;
        return [this.anomaly(r.code, message, after[0]?.eventTime ?? since, after, { evidence: r.evidence, parties: currentHolder ? [currentHolder] : [] })];
      }
      // A serial nobody commissioned has no evidence of its own: every event that names it is.
      const shown = r.evidence.length ? steps : this.path;
      return [this.anomaly(r.code, r.message, Math.max(...shown.map(ms)), shown, { evidence: r.evidence })];
    });
  }

  /** A dispenser shipping to a wholesaler, manufacturer or repackager outside a return (CBV disposition returned). */
  reverseDirection(): Anomaly[] {
    return this.path.flatMap((s, i) => {
      if (s.kind !== 'shipped') return [];
      const sellers = s.from.filter((gln) => this.hasRole(gln, DISPENSERS));
      const buyers = s.to.filter((gln) => this.hasRole(gln, UPSTREAM));
      if (!sellers.length || !buyers.length) return [];
      const message = `${this.names(sellers)}, a dispenser, shipped the package to ${this.names(buyers)} on ${s.eventTime} without marking it as a return.`;
      return [this.anomaly('REVERSE_DIRECTION', message, s.eventTime, this.withReceipt(i))];
    });
  }

  /** Shipments (returns included) to a party that held no licence its roles call for at the shipment time. */
  unlicensedRecipients(): Anomaly[] {
    return this.path.flatMap((s, i) =>
      !SHIPMENTS.has(s.kind)
        ? []
        : s.to
            .filter((gln) => !licensedAt(this.o.partners.get(gln), ms(s)))
            .map((gln) => {
              const why = this.o.partners.has(gln) ? 'held no licence valid then' : 'is not a registered trading partner';
              return this.anomaly('UNLICENSED_RECIPIENT', `${this.names(s.from)} shipped the package on ${s.eventTime} to ${this.names([gln])}, which ${why}.`, s.eventTime, this.withReceipt(i));
            }),
    );
  }

  /** Shipments that nobody recorded receiving within vanishAfterHours; younger ones are still in transit at the horizon. */
  vanished(): Anomaly[] {
    const hours = this.o.vanishAfterHours ?? DIVERSION_DEFAULTS.vanishAfterHours;
    const horizon = Math.min(Date.parse(this.o.to), this.o.now ? Date.parse(this.o.now) : Infinity);
    return this.path.flatMap((s, i) => {
      const due = ms(s) + hours * HOUR;
      if (!SHIPMENTS.has(s.kind) || due > horizon) return [];
      const receipt = this.receiptAfter(i);
      if (receipt && ms(receipt) <= due) return [];
      const message = `${this.names(s.from)} shipped the package to ${this.names(s.to)} on ${s.eventTime}, and nobody recorded receiving it within ${hours} hours${receipt ? ` (received on ${receipt.eventTime})` : ''}.`;
      return [this.anomaly('VANISHED_IN_TRANSIT', message, s.eventTime, this.withReceipt(i))];
    });
  }

  /**
   * The package recorded by one party and then by another within minTransitMinutes, unless the later one received
   * it from the earlier one: two packages carry the serial. The partner registry holds no locations, so any two
   * parties count as distant (the party of an event is its signer, which records it at its own site).
   */
  velocity(): Anomaly[] {
    const minutes = this.o.minTransitMinutes ?? DIVERSION_DEFAULTS.minTransitMinutes;
    return this.path.flatMap((b, i) => {
      const a = this.path[i - 1];
      if (!a || a.signer.gln === b.signer.gln) return [];
      const gap = ms(b) - ms(a);
      if (gap < 0 || gap >= minutes * 60_000 || this.handedOver(a.signer.gln, i)) return [];
      const message =
        `The package was at ${this.names([a.signer.gln])} on ${a.eventTime} and at ${this.names([b.signer.gln])} ${Math.round(gap / 60_000)} minutes later ` +
        `(${b.eventTime}), with no shipment and receipt between them: two packages may carry this serial.`;
      return [this.anomaly('IMPOSSIBLE_VELOCITY', message, b.eventTime, [a, b])];
    });
  }

  /** Step i is a receipt by its signer of the last shipment before it, and that shipment came from `from`. */
  private handedOver(from: string, i: number): boolean {
    if (this.path[i].kind !== 'received') return false;
    for (let j = i - 1; j >= 0; j--) if (SHIPMENTS.has(this.path[j].kind)) return this.path[j].signer.gln === from || this.path[j].from.includes(from);
    return false;
  }

  private receiptAfter(i: number): CustodyStep | undefined {
    return this.path.slice(i + 1).find((s) => s.kind === 'received');
  }

  private withReceipt(i: number): CustodyStep[] {
    const receipt = this.receiptAfter(i);
    return receipt ? [this.path[i], receipt] : [this.path[i]];
  }

  /** When the reason took effect: its earliest evidence; -Infinity when no evidence has a known time. */
  private since(r: Reason): number {
    const t = Math.min(...r.evidence.flatMap((id) => this.timeOf(id) ?? []));
    return Number.isFinite(t) ? t : -Infinity;
  }

  /** Event time of a step of the path or of a notice off it (a recall announcement). */
  private timeOf(id: string): number | undefined {
    const t = this.path.find((s) => s.eventId === id)?.eventTime ?? this.o.eventTimes?.get(id);
    return t === undefined ? undefined : Date.parse(t);
  }

  private hasRole(gln: string, roles: ReadonlySet<string>): boolean {
    return this.o.partners.get(gln)?.roles.some((r) => roles.has(r)) ?? false;
  }

  private names(glns: string[]): string {
    return glns.map((gln) => (!this.scope || this.scope.parties.has(gln) ? partyLabel(this.o.partners, gln) : ANOTHER_PARTNER)).join(' / ') || 'nobody';
  }

  private describe(s: CustodyStep): string {
    return `${s.bizStep ?? s.kind} recorded by ${this.names([s.signer.gln])} on ${s.eventTime}`;
  }

  /** Evidence and parties come from the steps, plus any given; `at` of an unknown time falls back to the first step. */
  private anomaly(code: AnomalyCode, message: string, at: string | number, steps: CustodyStep[], extra: { evidence?: string[]; parties?: string[] } = {}): Anomaly {
    const time = typeof at === 'number' ? at : Date.parse(at);
    const when = Number.isFinite(time) ? time : this.path.length ? ms(this.path[0]) : 0;
    const ordered = [...new Set(steps)].sort((x, y) => this.path.indexOf(x) - this.path.indexOf(y));
    return {
      code,
      severity: SEVERITY_OF[code],
      message,
      sgtin: this.unit.sgtin,
      gtin: gtinOf(this.unit.sgtin),
      lot: this.unit.lot,
      parties: [...new Set([...ordered.flatMap(stepParties), ...(extra.parties ?? [])])],
      evidence: [...new Set([...(extra.evidence ?? []), ...ordered.map((s) => s.eventId)])],
      at: new Date(when).toISOString(),
    };
  }
}
