import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { parseJwsHeader } from '@app/crypto';
import { splitSignature, type JsonObject } from '@app/epcis';

export interface Rejection {
  captureId?: string;
  eventIndex?: number;
  eventId?: string;
  signerGln?: string;
  rule: string;
  message: string;
  event?: JsonObject;
}

/** Events larger than this are recorded without their body: a rejection log must not be a way to fill the disk. */
const MAX_STORED_EVENT_BYTES = 64 * 1024;

@Injectable()
export class RejectionLog {
  private readonly logger = new Logger(RejectionLog.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Best effort: a failure to record is logged, and never turns a 4xx answer into a 5xx. */
  async record(rejections: Rejection[]): Promise<void> {
    if (!rejections.length) return;
    const rows = rejections.map((r) => {
      const body = r.event && JSON.stringify(r.event);
      return {
        capture_id: r.captureId ?? null,
        event_index: r.eventIndex ?? null,
        event_id: r.eventId ?? null,
        signer_gln: r.signerGln ?? null,
        kid: r.event ? claimedKid(r.event) : null,
        rule: r.rule,
        message: r.message.slice(0, 2000),
        event: body && body.length <= MAX_STORED_EVENT_BYTES ? r.event : null,
      };
    });
    await this.db
      .query(
        `INSERT INTO ingest.rejection (capture_id, event_index, event_id, signer_gln, kid, rule, message, event)
         SELECT capture_id, event_index, event_id, signer_gln, kid, rule, message, event
         FROM jsonb_to_recordset($1::jsonb) AS r(capture_id uuid, event_index int, event_id text, signer_gln text, kid text, rule text, message text, event jsonb)`,
        [JSON.stringify(rows)],
      )
      .catch((e: Error) => this.logger.error(`could not record ${rows.length} rejection(s): ${e.message}`));
  }

  async list(filter: { signerGln?: string; limit: number }): Promise<unknown[]> {
    return this.db.query(
      `SELECT id, at, capture_id AS "captureId", event_index AS "eventIndex", event_id AS "eventId", signer_gln AS "signerGln", kid, rule, message, event
       FROM ingest.rejection WHERE ($1::text IS NULL OR signer_gln = $1 OR kid LIKE $1 || '/%') ORDER BY id DESC LIMIT $2`,
      [filter.signerGln ?? null, filter.limit],
    );
  }
}

/** The kid an event's own signature claims, even when the signature turned out not to hold. */
function claimedKid(event: JsonObject): string | null {
  const { jws } = splitSignature(event);
  try {
    return jws ? parseJwsHeader(jws).kid : null;
  } catch {
    return null;
  }
}
