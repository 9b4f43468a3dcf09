import type { ReasonCode } from '@app/custody';
import type { JsonObject } from '@app/epcis';
import type { Partner, Product } from './partners';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const ANOMALY_KINDS = ['counterfeit', 'clone', 'diversion', 'custodyGap', 'expired', 'recalled'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** What becomes of a unit once its pharmacy has it (values of LotPlan.fate). */
export const IN_STOCK = 0;
export const DISPENSED = 1;
export const RETURNED = 2;
export const FATE_NAMES = ['in-stock', 'dispensed', 'returned'] as const;

export type UnitAnomaly = { kind: 'clone' } | { kind: 'diversion' } | { kind: 'custodyGap'; variant: 'wrong-receiver' | 'no-shipment' };

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
