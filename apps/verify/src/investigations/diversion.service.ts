import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Anomaly, AnomalyCode, compareAnomalies, countByCode, findAnomalies, gtinOf, PartnerFacts, stepParties, UnitCustody } from '@app/custody';
import { ProblemException } from '@app/platform';
import { VerificationService } from '../scan/verification.service';
import { toCsv } from './csv';

export interface DiversionQuery {
  from: Date;
  to: Date;
  /** Only anomalies that name this GLN (and only packages it handled are assessed). */
  partner?: string;
  /** A trading partner reading the report: parties and evidence scoped to its own steps (a regulator's is not). */
  viewer?: string;
  /** GTIN-14: only packages of this product. */
  gtin?: string;
  vanishAfterHours: number;
  minTransitMinutes: number;
}

export interface DiversionReport {
  window: { from: string; to: string };
  parameters: { partner: string | null; gtin: string | null; vanishAfterHours: number; minTransitMinutes: number };
  /** Packages assessed: those the window touched. */
  units: number;
  anomalies: Anomaly[];
  counts: Record<AnomalyCode, number>;
}

/** Packages one report may assess. */
export const MAX_UNITS = 200_000;
/** Packages verified together: their custody paths are all the report holds in memory at a time, besides anomalies. */
const CHUNK = 1_000;

/** Serialized packages (SGTIN Digital Links) among the EPCs the ledger indexes. */
const SGTIN_PATTERN = 'https://id.gs1.org/01/%/21/%';

/** `cte` plus every EPC ever aggregated into one of its EPCs, at any depth: the packages in its cases and pallets. */
const contents = (cte: string, seed: string) => `${cte}(epc) AS (
    ${seed}
  UNION
    SELECT c.epc FROM ${cte} k
    JOIN ledger.epc_event p ON p.epc = k.epc AND p.role = 'parent'
    JOIN ledger.epc_event c ON c.seq = p.seq AND c.role = 'child')`;

/**
 * The diversion report: every package the window touched (an event named it or a case or pallet it was packed in,
 * its lot was recalled, or it expired) is assessed like a scan, without a scanner, as of the window's end; the
 * custody library reads the verdicts and paths for the whole data set (libs/custody/src/diversion.ts).
 */
@Injectable()
export class DiversionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
  ) {}

  async report(q: DiversionQuery): Promise<DiversionReport> {
    const now = new Date();
    const items = await this.items(q);
    if (items.length > MAX_UNITS)
      throw new ProblemException(422, 'report-too-large', `the window touches more than ${MAX_UNITS} packages: narrow it, or name a gtin or a partner`, { limit: MAX_UNITS });
    const today = (q.to < now ? q.to : now).toISOString().slice(0, 10);
    const options = {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      now: now.toISOString(),
      partner: q.partner,
      viewer: q.viewer,
      vanishAfterHours: q.vanishAfterHours,
      minTransitMinutes: q.minTransitMinutes,
      partners: new Map<string, PartnerFacts>(),
      eventTimes: await this.recallTimes([...new Set(items.map((i) => i.gtin))]),
    };
    const anomalies: Anomaly[] = [];
    // Chunk by chunk, each verified as a set, so only anomalies outlive their chunk, never the custody paths.
    for (let start = 0; start < items.length; start += CHUNK) {
      const units = await this.verification.verifyAll(
        items.slice(start, start + CHUNK).map(({ epc, gtin, lot, expiry }) => ({ gtin, sgtin: epc, lot: lot ?? undefined, expiry: expiry ?? undefined })),
        { today },
        (v): UnitCustody => ({ sgtin: v.scan.sgtin, lot: v.scan.lot, expiry: v.scan.expiry, assessment: { reasons: v.reasons, path: v.custodyPath, currentHolder: v.currentHolder } }),
      );
      await this.addPartners(options.partners, units);
      anomalies.push(...findAnomalies(units, options));
    }
    anomalies.sort(compareAnomalies);
    return {
      window: { from: options.from, to: options.to },
      parameters: { partner: q.partner ?? null, gtin: q.gtin ?? null, vanishAfterHours: q.vanishAfterHours, minTransitMinutes: q.minTransitMinutes },
      units: items.length,
      anomalies,
      counts: countByCode(anomalies),
    };
  }

  /** At most MAX_UNITS + 1 packages, so that the caller can tell there were too many. */
  private async items(q: DiversionQuery): Promise<{ epc: string; gtin: string; lot: string | null; expiry: string | null }[]> {
    const rows = (await this.db.query(
      `WITH RECURSIVE
       ${contents(
         'touched',
         `SELECT x.epc FROM ledger.event_record e JOIN ledger.epc_event x USING (seq) WHERE e.event_time >= $1 AND e.event_time < $2
          UNION
          SELECT i.epc FROM ledger.recall r JOIN ledger.event_record e USING (seq)
          JOIN ledger.item_state i ON i.gtin = r.gtin AND (r.lot IS NULL OR i.lot = r.lot)
          WHERE e.event_time >= $1 AND e.event_time < $2
          UNION
          SELECT epc FROM ledger.item_state WHERE (expiry + 1)::timestamp AT TIME ZONE 'UTC' >= $1 AND (expiry + 1)::timestamp AT TIME ZONE 'UTC' < $2`,
       )},
       ${contents('handled', `SELECT x.epc FROM ledger.event_party p JOIN ledger.epc_event x USING (seq) WHERE p.gln = $4`)}
       SELECT k.epc, i.lot, to_char(i.expiry, 'YYYY-MM-DD') AS expiry FROM touched k LEFT JOIN ledger.item_state i USING (epc)
       WHERE k.epc LIKE $5 AND ($3::text IS NULL OR k.epc LIKE 'https://id.gs1.org/01/' || $3 || '/21/%')
         AND ($4::text IS NULL OR k.epc IN (SELECT epc FROM handled))
       ORDER BY k.epc LIMIT $6`,
      [q.from, q.to, q.gtin ?? null, q.partner ?? null, SGTIN_PATTERN, MAX_UNITS + 1],
    )) as { epc: string; lot: string | null; expiry: string | null }[];
    return rows.map((r) => ({ ...r, gtin: gtinOf(r.epc)! }));
  }

  /** When each recall announcement of the GTINs was made: a recall concerns packages still in the supply chain then. */
  private async recallTimes(gtins: string[]): Promise<Map<string, string>> {
    const rows = (await this.db.query(
      'SELECT DISTINCT e.event_id, e.event_time FROM ledger.recall r JOIN ledger.event_record e USING (seq) WHERE r.gtin = ANY($1)',
      [gtins],
    )) as { event_id: string; event_time: Date }[];
    return new Map(rows.map((r) => [r.event_id, r.event_time.toISOString()]));
  }

  /** Roles and licences of the parties the packages' paths name that are not known yet. */
  private async addPartners(known: Map<string, PartnerFacts>, units: UnitCustody[]): Promise<void> {
    const glns = [...new Set(units.flatMap((u) => u.assessment.path.flatMap(stepParties)))].filter((gln) => !known.has(gln));
    if (!glns.length) return;
    for (const [gln, facts] of await this.verification.partnerFacts(glns)) known.set(gln, facts);
  }
}

const CSV_HEADER = ['at', 'code', 'severity', 'gtin', 'lot', 'sgtin', 'parties', 'evidence', 'message'];

/** RFC 4180 CSV of the anomalies, one line each; parties and evidence are space-separated. */
export function diversionCsv(report: DiversionReport): string {
  return toCsv(
    CSV_HEADER,
    report.anomalies.map((a) => [a.at, a.code, a.severity, a.gtin, a.lot, a.sgtin, a.parties.join(' '), a.evidence.join(' '), a.message]),
  );
}
