import type { AnomalyCode, ReasonCode } from '@app/custody';
import type { JsonObject } from '@app/epcis';
import type { Partner, Product } from './partners';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Anomalies a scan shows: every package reported has a verdict other than VERIFIED. */
export const ANOMALY_KINDS = ['counterfeit', 'clone', 'diversion', 'custodyGap', 'expired', 'recalled'] as const;
/** Trade patterns the diversion report shows; a scan need not (a reverse sale or a lost return leaves a clean custody path). */
export const TRADE_ANOMALY_KINDS = ['reverseDirection', 'unlicensedRecipient', 'vanished', 'velocity'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number] | (typeof TRADE_ANOMALY_KINDS)[number];

/** What becomes of a unit once its pharmacy has it (values of LotPlan.fate). */
export const IN_STOCK = 0;
export const DISPENSED = 1;
export const RETURNED = 2;
export const FATE_NAMES = ['in-stock', 'dispensed', 'returned'] as const;

export type UnitAnomaly =
  | { kind: 'clone' | 'diversion' | (typeof TRADE_ANOMALY_KINDS)[number] }
  | { kind: 'custodyGap'; variant: 'wrong-receiver' | 'no-shipment' };

export interface Lot {
  /** product.index × lotsPerProduct + indexInProduct. */
  ordinal: number;
  product: Product;
  indexInProduct: number;
  number: string;
  /** YYYY-MM-DD */
  expiry: string;
  /** When its commissioning starts (ms since the epoch). */
  start: number;
  expired: boolean;
  recalled: boolean;
}

/** A lot's routing and what becomes of each unit: drawn from the lot's own random stream, so recomputable at will. */
export interface LotPlan extends Lot {
  cases: number;
  pallets: number;
  /** Index into the wholesalers, per pallet. */
  wholesalerOfPallet: Uint16Array;
  /** Index into the pharmacies, per case. */
  pharmacyOfCase: Uint16Array;
  fate: Uint8Array;
  /** By unit index within the lot. */
  anomalies: ReadonlyMap<number, UnitAnomaly>;
}

/** One EPCIS 2.0 event (JSON-LD, EPC URIs) with when it happened and the partner that performed and signs it. */
export interface SimEvent {
  time: number;
  signer: Partner;
  event: JsonObject;
}

export interface PackageReport {
  gtin: string;
  serial: string;
  lot: string;
  expiry: string;
  /** GS1 DataMatrix text: ]d2 then (01)(17)(21) GS (10). */
  scanCode: string;
  /** The reason codes the custody engine gives this package (libs/custody/src/model.ts), in its order. */
  expectedReasonCodes: ReasonCode[];
  /** The codes the diversion report (libs/custody/src/diversion.ts) gives it over a window that holds the whole chain, in its order. */
  expectedDiversionCodes: AnomalyCode[];
}

export interface Summary {
  seed: string;
  anomalies: (PackageReport & { kind: AnomalyKind })[];
  /** Packages without anomalies, one per fate, from a lot that is neither expired nor recalled. */
  samples: (PackageReport & { fate: (typeof FATE_NAMES)[number] })[];
  counts: {
    partners: number;
    products: number;
    lots: number;
    units: number;
    /** Events, documents and EPC mentions generated so far. */
    events: number;
    documents: number;
    epcs: number;
    anomalies: Record<AnomalyKind, number>;
  };
}
