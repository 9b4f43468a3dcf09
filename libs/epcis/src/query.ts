import { normalizeGtin, Gs1Error } from '@app/gs1';
import { canonicalEpc } from './epc';
import { bareBizStep, bareDisposition } from './vocabulary';
import { EVENT_TYPES } from './event-summary';

/** An EPC filter: one identifier, or every serial of a GTIN (`urn:epc:idpat:sgtin:CP.IR.*`). */
export type EpcMatch = { exact: string } | { prefix: string };

/** The SimpleEventQuery parameters this platform answers, parsed and normalised. */
export interface EventQuery {
  eventTypes?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  bizLocations?: string[];
  /** MATCH_epc: epcList and childEPCs. */
  epcs?: EpcMatch[];
  /** MATCH_anyEPC: any EPC field, parentID and transformation inputs/outputs included. */
  anyEpcs?: EpcMatch[];
  parentIds?: EpcMatch[];
  eventTimeFrom?: Date;
  eventTimeTo?: Date;
  perPage: number;
  after?: PageCursor;
}

export interface PageCursor {
  eventTime: string;
  seq: number;
}

export class EventQueryError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`${param}: ${message}`);
  }
}

export const MAX_PER_PAGE = 1000;
const DEFAULT_PER_PAGE = 30;
const LIST_PARAMS = ['eventType', 'EQ_bizStep', 'EQ_disposition', 'EQ_bizLocation', 'MATCH_epc', 'MATCH_anyEPC', 'MATCH_parentID'] as const;
const KNOWN = new Set<string>([...LIST_PARAMS, 'GE_eventTime', 'LT_eventTime', 'perPage', 'nextPageToken']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses query-string parameters (repeated or `|`-separated values); unknown parameters are errors, not ignored. */
export function parseEventQuery(params: Record<string, string | string[] | undefined>): EventQuery {
  for (const name of Object.keys(params)) if (!KNOWN.has(name)) throw new EventQueryError(name, 'unknown query parameter');
  const list = (name: (typeof LIST_PARAMS)[number]): string[] | undefined => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split('|')).filter((v) => v !== '');
    if (values.length === 0) throw new EventQueryError(name, 'needs at least one value');
    return values;
  };
  const single = (name: string): string | undefined => {
    const raw = params[name];
    if (Array.isArray(raw)) throw new EventQueryError(name, 'may be given once');
    return raw;
  };
  const time = (name: string): Date | undefined => {
    const v = single(name);
    if (v === undefined) return undefined;
    if (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) throw new EventQueryError(name, 'must be a date-time with a time-zone offset');
    return new Date(v);
  };
  const eventTypes = list('eventType');
  for (const t of eventTypes ?? []) if (!(EVENT_TYPES as readonly string[]).includes(t)) throw new EventQueryError('eventType', `unknown event type ${t}`);
  const perPageText = single('perPage');
  const perPage = perPageText === undefined ? DEFAULT_PER_PAGE : Number(perPageText);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) throw new EventQueryError('perPage', `must be an integer from 1 to ${MAX_PER_PAGE}`);
  const token = single('nextPageToken');
  return {
    eventTypes,
    bizSteps: list('EQ_bizStep')?.map((v) => bareBizStep(v) as string),
    dispositions: list('EQ_disposition')?.map((v) => bareDisposition(v) as string),
    bizLocations: list('EQ_bizLocation')?.map((v) => identifier('EQ_bizLocation', v)),
    epcs: list('MATCH_epc')?.map((v) => epcMatch('MATCH_epc', v)),
    anyEpcs: list('MATCH_anyEPC')?.map((v) => epcMatch('MATCH_anyEPC', v)),
    parentIds: list('MATCH_parentID')?.map((v) => epcMatch('MATCH_parentID', v)),
    eventTimeFrom: time('GE_eventTime'),
    eventTimeTo: time('LT_eventTime'),
    perPage,
    after: token === undefined ? undefined : decodePageToken(token),
  };
}

function identifier(param: string, value: string): string {
  try {
    return canonicalEpc(value);
  } catch (e) {
    if (e instanceof Gs1Error) throw new EventQueryError(param, e.message);
    throw e;
  }
}

// urn:epc:idpat:sgtin:CompanyPrefix.IndicatorItemRef.* — all serials of one GTIN.
const SGTIN_PATTERN = /^urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*$/;

function epcMatch(param: string, value: string): EpcMatch {
  const pattern = SGTIN_PATTERN.exec(value);
  if (pattern) {
    const [, prefix, ref] = pattern;
    if (prefix.length + ref.length !== 13) throw new EventQueryError(param, `${value}: company prefix and item reference must have 13 digits`);
    const gtin = identifier(param, `urn:epc:id:sgtin:${prefix}.${ref}.0`).split('/')[4];
    return { prefix: `https://id.gs1.org/01/${normalizeGtin(gtin)}/21/` };
  }
  if (value.startsWith('urn:epc:idpat:')) throw new EventQueryError(param, `${value}: only urn:epc:idpat:sgtin:CP.IR.* patterns are supported`);
  return { exact: identifier(param, value) };
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.eventTime, cursor.seq])).toString('base64url');
}

function decodePageToken(token: string): PageCursor {
  try {
    const [eventTime, seq] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof eventTime === 'string' && !Number.isNaN(Date.parse(eventTime)) && Number.isSafeInteger(seq)) return { eventTime, seq: seq as number };
  } catch {
    // fall through: a token we did not issue
  }
  throw new EventQueryError('nextPageToken', 'not a token this server issued');
}
