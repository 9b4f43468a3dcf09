import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Gs1Error, parseScan, ScanResult } from '@app/gs1';
import { assessPackage, Assessment } from '@app/custody';
import { ProblemException } from '@app/platform';

export interface CustodyStep {
  eventId: string;
  seq: number;
  type: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  eventTime: string;
  recordTime: string;
  signer: { gln: string; kid: string; name: string | null };
  block: { height: number; hash: string };
}

export interface Verification extends Assessment {
  scan: ScanResult;
  custodyPath: CustodyStep[];
}

interface PathRow {
  seq: string;
  event_id: string;
  event_type: string;
  action: string | null;
  disposition: string | null;
  biz_step: string | null;
  event_time: Date;
  record_time: Date;
  signer_gln: string;
  kid: string;
  signer_name: string | null;
  block_height: string;
  block_hash: Buffer;
}

interface ItemRow {
  lot: string | null;
  expiry: string | null;
  commission_count: number;
  commissioning_event_id: string;
}

@Injectable()
export class VerificationService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  parse(code: string): ScanResult & { sgtin: string } {
    let scan: ScanResult;
    try {
      scan = parseScan(code);
    } catch (e) {
      if (e instanceof Gs1Error) throw new ProblemException(400, 'invalid-scan', e.message, { code: e.code, field: e.field });
      throw e;
    }
    if (!scan.sgtin) throw new ProblemException(400, 'invalid-scan', 'the scan has no serial number (AI 21): only serialized packages can be verified');
    return scan as ScanResult & { sgtin: string };
  }

  async verify(scan: ScanResult & { sgtin: string }, today = new Date().toISOString().slice(0, 10)): Promise<Verification> {
    const [item] = (await this.db.query(
      `SELECT s.lot, to_char(s.expiry, 'YYYY-MM-DD') AS expiry, s.commission_count, r.event_id AS commissioning_event_id
       FROM ledger.item_state s JOIN ledger.event_record r ON r.seq = s.commissioned_seq WHERE s.epc = $1`,
      [scan.sgtin],
    )) as ItemRow[];
    const path = (await this.db.query(
      `SELECT r.seq, r.event_id, r.event_type, r.event->>'action' AS action, r.event->>'disposition' AS disposition, r.biz_step,
              r.event_time, r.record_time, r.signer_gln, r.kid, p.name AS signer_name, r.block_height, b.block_hash
       FROM ledger.epc_event e
       JOIN ledger.event_record r ON r.seq = e.seq
       JOIN ledger.block b ON b.height = r.block_height
       LEFT JOIN ingest.partner p ON p.gln = r.signer_gln
       WHERE e.epc = $1
       ORDER BY r.event_time, r.seq`,
      [scan.sgtin],
    )) as PathRow[];
    const assessment = assessPackage(
      { lot: scan.lot, expiry: scan.expiry },
      item ? { lot: item.lot, expiry: item.expiry, commissionCount: item.commission_count, commissioningEventId: item.commissioning_event_id } : null,
      today,
    );
    return { scan, ...assessment, custodyPath: path.map(toStep) };
  }
}

function toStep(r: PathRow): CustodyStep {
  return {
    eventId: r.event_id,
    seq: Number(r.seq),
    type: r.event_type,
    action: r.action,
    bizStep: r.biz_step,
    disposition: r.disposition,
    eventTime: r.event_time.toISOString(),
    recordTime: r.record_time.toISOString(),
    signer: { gln: r.signer_gln, kid: r.kid, name: r.signer_name },
    block: { height: Number(r.block_height), hash: r.block_hash.toString('hex') },
  };
}
