import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { VerificationService } from '../scan/verification.service';
import { csvLine } from './csv';

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

/** The report's JSON document, streamed in this member order (the summaries come last, once every unit is counted). */
export interface RecallReport {
  gtin: string;
  lots: string[];
  units: RecallUnit[];
  /** Units not yet dispensed, by holder: where the recall must reach. */
  byHolder: { gln: string | null; name: string | null; quantity: number }[];
  dispensed: number;
}

/** Units verified together (about: a chunk takes whole commissioning events): their paths are all the report holds at a time. */
const CHUNK = 1_000;
/** Chunks being read or assessed at once (two: one in PostgreSQL, one here). */
const IN_FLIGHT = 2;

/**
 * Every unit of the recalled lots, where it is now (through its cases and pallets), and whether it was dispensed: each
 * chunk of units verified as a set (VerificationService.verifyAll: every distinct event checked once), chunk by chunk.
 * Units come by lot, then in the order they were commissioned (commissioning event, then EPC). Serials are randomized,
 * so serial order would scatter every chunk over the whole lot's cases and pallets; commissioning order keeps a case's
 * units together, and with them the events they share.
 */
@Injectable()
export class RecallReportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
  ) {}

  async count(gtin: string, lots: string[]): Promise<number> {
    const [row] = (await this.db.query('SELECT count(*)::int AS n FROM ledger.item_state WHERE gtin = $1 AND lot = ANY($2)', [gtin, lots])) as { n: number }[];
    return row.n;
  }

  /**
   * The units, a chunk at a time. Chunks overlap: while this process assesses one and the caller streams it,
   * PostgreSQL already reads the next one's custody records (each chunk's statements take their own connection).
   */
  async *units(gtin: string, lots: string[]): AsyncGenerator<RecallUnit[]> {
    const pending: Promise<RecallUnit[]>[] = [];
    for await (const { lot, seqs } of this.chunks(gtin, lots)) {
      const chunk = this.chunk(gtin, lot, seqs);
      chunk.catch(() => undefined); // awaited in turn below; until then its failure must not count as unhandled
      pending.push(chunk);
      if (pending.length === IN_FLIGHT) yield await pending.shift()!;
    }
    while (pending.length) yield await pending.shift()!;
  }

  /** Each lot's commissioning events, grouped into chunks of about CHUNK units. */
  private async *chunks(gtin: string, lots: string[]): AsyncGenerator<{ lot: string; seqs: string[] }> {
    const ordered = (await this.db.query('SELECT DISTINCT l FROM unnest($1::text[]) AS l ORDER BY l', [lots])) as { l: string }[];
    for (const { l: lot } of ordered) {
      const commissionings = (await this.db.query(
        'SELECT commissioned_seq AS seq, count(*)::int AS n FROM ledger.item_state WHERE gtin = $1 AND lot = $2 GROUP BY 1 ORDER BY 1',
        [gtin, lot],
      )) as { seq: string; n: number }[];
      for (let start = 0; start < commissionings.length; ) {
        const seqs: string[] = [];
        for (let n = 0; n < CHUNK && start < commissionings.length; start++) {
          seqs.push(commissionings[start].seq);
          n += commissionings[start].n;
        }
        yield { lot, seqs };
      }
    }
  }

  /** A chunk's units through the EPC index of its commissioning events, verified as a set. */
  private async chunk(gtin: string, lot: string, seqs: string[]): Promise<RecallUnit[]> {
    const items = (await this.db.query(
      `SELECT i.epc, i.serial, i.lot, to_char(i.expiry, 'YYYY-MM-DD') AS expiry
       FROM ledger.epc_event x JOIN ledger.item_state i ON i.epc = x.epc AND i.commissioned_seq = x.seq
       WHERE x.seq = ANY($3::bigint[]) AND x.role = 'epc' AND i.gtin = $1 AND i.lot = $2
       ORDER BY i.commissioned_seq, i.epc`,
      [gtin, lot, seqs],
    )) as { epc: string; serial: string; lot: string; expiry: string | null }[];
    return this.verification.verifyAll(
      items.map((i) => ({ gtin, sgtin: i.epc, lot: i.lot, expiry: i.expiry ?? undefined, serial: i.serial })),
      {},
      (v): RecallUnit => {
        const holder = v.currentHolder ?? null;
        return {
          sgtin: v.scan.sgtin,
          serial: v.scan.serial,
          lot: v.scan.lot!,
          holder,
          holderName: v.custodyPath.find((s) => s.signer.gln === holder)?.signer.name ?? null,
          dispensed: v.reasons.some((r) => r.code === 'ALREADY_DISPENSED') || v.custodyPath.at(-1)?.kind === 'dispensed',
          reasons: v.reasons.map((r) => r.code),
        };
      },
    );
  }
}

/** byHolder and dispensed, counted as the units go by. */
export class RecallTally {
  dispensed = 0;
  private readonly holders = new Map<string | null, { gln: string | null; name: string | null; quantity: number }>();

  add(u: RecallUnit): void {
    if (u.dispensed) return void this.dispensed++;
    const entry = this.holders.get(u.holder) ?? { gln: u.holder, name: u.holderName, quantity: 0 };
    entry.quantity++;
    this.holders.set(u.holder, entry);
  }

  byHolder(): RecallReport['byHolder'] {
    return [...this.holders.values()].sort((a, b) => b.quantity - a.quantity);
  }
}

export const RECALL_CSV_HEADER = ['gtin', 'lot', 'serial', 'sgtin', 'holder_gln', 'holder_name', 'dispensed', 'reasons'];

/** One RFC 4180 CSV line of a unit. */
export const recallCsvLine = (gtin: string, u: RecallUnit) => csvLine([gtin, u.lot, u.serial, u.sgtin, u.holder, u.holderName, u.dispensed, u.reasons.join(' ')]);
