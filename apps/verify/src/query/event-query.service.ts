import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encodePageToken, EpcMatch, EventQuery, type JsonObject } from '@app/epcis';

export interface EventPage {
  events: JsonObject[];
  nextPageToken?: string;
}

/** Builds SQL for a parsed SimpleEventQuery; every value is a bind parameter. */
class SqlFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  anyOf(column: string, values: string[] | undefined): void {
    if (values) this.where.push(`${column} = ANY(${this.bind(values)})`);
  }

  /** The event touches an EPC matching one of `matches` in one of `roles`. */
  epcs(matches: EpcMatch[] | undefined, roles: string[] | null): void {
    if (!matches) return;
    const exact = matches.flatMap((m) => ('exact' in m ? [m.exact] : []));
    const prefixes = matches.flatMap((m) => ('prefix' in m ? [m.prefix.replace(/[\\%_]/g, '\\$&') + '%'] : []));
    const role = roles ? ` AND x.role = ANY(${this.bind(roles)})` : '';
    this.where.push(
      `EXISTS (SELECT 1 FROM ledger.epc_event x WHERE x.seq = r.seq${role} AND (x.epc = ANY(${this.bind(exact)}) OR x.epc LIKE ANY(${this.bind(prefixes)})))`,
    );
  }
}

@Injectable()
export class EventQueryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Events in (eventTime, log sequence) order, keyset-paginated so pages stay stable while the log grows.
   * With a `party`, only the events naming that GLN (a trading partner's scope).
   */
  async find(q: EventQuery, party?: string): Promise<EventPage> {
    const f = new SqlFilter();
    if (party) f.where.push(namesParty('r', f.bind(party)));
    f.anyOf('r.event_type', q.eventTypes);
    f.anyOf('r.biz_step', q.bizSteps);
    f.anyOf('r.disposition', q.dispositions);
    f.anyOf('r.biz_location', q.bizLocations);
    f.epcs(q.epcs, ['epc', 'child']);
    f.epcs(q.anyEpcs, null);
    f.epcs(q.parentIds, ['parent']);
    if (q.eventTimeFrom) f.where.push(`r.event_time >= ${f.bind(q.eventTimeFrom)}`);
    if (q.eventTimeTo) f.where.push(`r.event_time < ${f.bind(q.eventTimeTo)}`);
    if (q.after) f.where.push(`(r.event_time, r.seq) > (${f.bind(q.after.eventTime)}::timestamptz, ${f.bind(q.after.seq)})`);
    const rows = (await this.db.query(
      `SELECT r.seq, r.event_id, r.event, r.event_time FROM ledger.event_record r
       ${f.where.length ? `WHERE ${f.where.join(' AND ')}` : ''}
       ORDER BY r.event_time, r.seq LIMIT ${f.bind(q.perPage + 1)}`,
      f.params,
    )) as { seq: string; event_id: string; event: JsonObject; event_time: Date }[];
    const page = rows.slice(0, q.perPage);
    const last = page[page.length - 1];
    return {
      // An event captured without an eventID is named by its CBV 2.0 hash ID, as GS1 recommends for eventID.
      events: page.map((r) => (typeof r.event.eventID === 'string' ? r.event : { ...r.event, eventID: r.event_id })),
      nextPageToken: rows.length > q.perPage ? encodePageToken({ eventTime: last.event_time.toISOString(), seq: Number(last.seq) }) : undefined,
    };
  }

  /** By CBV event hash ID or by the event's own eventID; with a `party`, only an event naming it. */
  async get(eventId: string, party?: string): Promise<JsonObject | undefined> {
    const [row] = (await this.db.query(
      `SELECT event FROM ledger.event_record r WHERE (r.event_id = $1 OR r.event->>'eventID' = $1) ${party ? `AND ${namesParty('r', '$2')}` : ''} ORDER BY seq LIMIT 1`,
      party ? [eventId, party] : [eventId],
    )) as { event: JsonObject }[];
    return row?.event;
  }
}

/** The event (alias `r`) names the party bound at `param`: as signer, trading party or location. */
function namesParty(r: string, param: string): string {
  return `EXISTS (SELECT 1 FROM ledger.event_party p WHERE p.seq = ${r}.seq AND p.gln = ${param})`;
}
