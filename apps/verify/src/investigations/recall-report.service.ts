import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { VerificationService } from '../scan/verification.service';
import { toCsv } from './csv';

export interface RecallUnit {
  sgtin: string;
  serial: string;
  lot: string;
  /** GLN of the party holding the unit now; for a unit in transit, the shipper until it is received. */
  holder: string | null;
  holderName: string | null;
  dispensed: boolean;
  /** Reason codes the custody rules raise for the unit (a recalled unit always has RECALLED once announced). */
  reasons: string[];
}

export interface RecallReport {
  gtin: string;
  lots: string[];
  units: RecallUnit[];
  /** Units not yet dispensed, by holder: where the recall must reach. */
  byHolder: { gln: string | null; name: string | null; quantity: number }[];
  dispensed: number;
}

/** Units evaluated at once: each is a custody path of a few queries. */
const CONCURRENCY = 8;

/** Every unit of the recalled lots, where it is now (through its cases and pallets), and whether it was dispensed. */
@Injectable()
export class RecallReportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
  ) {}

  async report(gtin: string, lots: string[]): Promise<RecallReport> {
    const items = (await this.db.query(
      `SELECT epc, serial, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry FROM ledger.item_state WHERE gtin = $1 AND lot = ANY($2) ORDER BY lot, serial`,
      [gtin, lots],
    )) as { epc: string; serial: string; lot: string; expiry: string | null }[];
    const units: RecallUnit[] = new Array(items.length);
    for (let start = 0; start < items.length; start += CONCURRENCY) {
      await Promise.all(
        items.slice(start, start + CONCURRENCY).map(async (item, i) => {
          const v = await this.verification.verify({ gtin, sgtin: item.epc, lot: item.lot, expiry: item.expiry ?? undefined });
          const holder = v.currentHolder ?? null;
          units[start + i] = {
            sgtin: item.epc,
            serial: item.serial,
            lot: item.lot,
            holder,
            holderName: v.custodyPath.flatMap((s) => (s.signer.gln === holder ? [s.signer.name ?? null] : []))[0] ?? null,
            dispensed: v.reasons.some((r) => r.code === 'ALREADY_DISPENSED') || v.custodyPath.at(-1)?.kind === 'dispensed',
            reasons: v.reasons.map((r) => r.code),
          };
        }),
      );
    }
    const byHolder = new Map<string | null, { gln: string | null; name: string | null; quantity: number }>();
    for (const u of units.filter((x) => !x.dispensed)) {
      const entry = byHolder.get(u.holder) ?? { gln: u.holder, name: u.holderName, quantity: 0 };
      entry.quantity++;
      byHolder.set(u.holder, entry);
    }
    return { gtin, lots, units, byHolder: [...byHolder.values()].sort((a, b) => b.quantity - a.quantity), dispensed: units.filter((u) => u.dispensed).length };
  }
}

/** RFC 4180 CSV of the units, one line each. */
export function recallCsv(report: RecallReport): string {
  return toCsv(
    ['gtin', 'lot', 'serial', 'sgtin', 'holder_gln', 'holder_name', 'dispensed', 'reasons'],
    report.units.map((u) => [report.gtin, u.lot, u.serial, u.sgtin, u.holder, u.holderName, u.dispensed, u.reasons.join(' ')]),
  );
}
