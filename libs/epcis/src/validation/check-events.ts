import { Gs1Error, parseDigitalLink, parseEpcUri } from '@app/gs1';
import type { EpcisIssue } from '../errors';
import type { JsonObject } from '../signature';
import { cbvProblem, type CbvVocabulary, sensorTermProblem } from './cbv';

export interface CheckEventsContext {
  /**
   * The JSON-LD @context the events are read with (a document's `@context`, or
   * EpcisDocumentModel.context): compact IRIs (`prefix:term`) are expanded with its prefix
   * definitions before vocabulary checks. Each event's own `@context` is applied on top.
   */
  '@context'?: unknown;
  /** eventIndex of events[0], when `events` is a slice of a larger document (default 0). */
  firstEventIndex?: number;
}

/** xsd:dateTime with seconds and an explicit time zone (EPCIS 2.0 section 7.3.1). */
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const TIME_ZONE_OFFSET = /^[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)$/;
const EPC_URN = /^urn:epc:(id|class|idpat):([a-z0-9-]+):/i;
// A GS1 Digital Link path segment pair with one of the primary keys @app/gs1 understands.
const DIGITAL_LINK_KEY = /^https?:\/\/[^/?#]+(?:\/[^?#]*)?\/(?:01|00|414|417)\/[^/?#]+/i;
const IDPAT_SGTIN = /^urn:epc:idpat:sgtin:(\d+)\.(\d+|\*)\.(.+)$/;

type Report = (path: string, rule: string, message: string) => void;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const show = (v: string): string => JSON.stringify(v.length > 100 ? `${v.slice(0, 97)}...` : v);

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkTime(value: unknown, path: string, report: Report): void {
  if (value === undefined) return;
  if (typeof value !== 'string') return report(path, 'date-time', `${path.slice(1)} must be a date-time string`);
  const m = DATE_TIME.exec(value);
  if (!m) return report(path, 'date-time', `${show(value)} is not an xsd:dateTime (YYYY-MM-DDThh:mm:ss[.fff] with a time zone)`);
  const [, y, mo, d, h, mi, s, zone] = m;
  const month = Number(mo);
  const valid =
    month >= 1 && month <= 12 && Number(d) >= 1 && Number(d) <= daysInMonth(Number(y), month) &&
    ((Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59) || (h === '24' && mi === '00' && s === '00'));
  if (!valid) return report(path, 'date-time', `${show(value)} is not a real date and time`);
  if (!zone) return report(path, 'time-zone', `${show(value)} has no time zone offset; EPCIS 2.0 times must carry one (Z or ±hh:mm)`);
  if (zone !== 'Z' && !TIME_ZONE_OFFSET.test(zone)) report(path, 'time-zone', `${show(value)} has an impossible time zone offset ${zone}`);
}

/** Prefix definitions (`"cbv": "https://ref.gs1.org/cbv/"`, `{ "ex": { "@id": "..." } }`) from a JSON-LD @context. */
function prefixesOf(context: unknown, into: Map<string, string> = new Map(), depth = 0): Map<string, string> {
  if (depth > 8) return into;
  if (Array.isArray(context)) {
    for (const c of context.slice(0, 64)) prefixesOf(c, into, depth + 1);
  } else if (isObject(context)) {
    for (const [term, def] of Object.entries(context)) {
      if (term.startsWith('@') || term.includes(':')) continue;
      const iri = typeof def === 'string' ? def : isObject(def) && typeof def['@id'] === 'string' ? def['@id'] : undefined;
      if (iri && /[/#:]$/.test(iri)) into.set(term, iri);
    }
  }
  return into;
}

function expander(prefixes: Map<string, string>): (value: string) => string {
  if (prefixes.size === 0) return (v) => v;
  return (value) => {
    const colon = value.indexOf(':');
    if (colon <= 0 || value.startsWith('//', colon + 1)) return value;
    const iri = prefixes.get(value.slice(0, colon));
    return iri === undefined ? value : iri + value.slice(colon + 1);
  };
}

interface Checker {
  report: Report;
  expand: (value: string) => string;
}

function vocabulary(c: Checker, vocab: CbvVocabulary, rule: string, value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') return c.report(path, rule, `${path.slice(1)} must be a string`);
  const expanded = c.expand(value);
  const problem = cbvProblem(vocab, expanded) ?? (expanded !== value ? cbvProblem(vocab, value) : undefined);
  if (problem) c.report(path, rule, problem);
}

function sensorTerm(c: Checker, kind: 'measurementType' | 'alertType', rule: string, value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') return c.report(path, rule, `${path.slice(1)} must be a string`);
  const problem = sensorTermProblem(kind, c.expand(value));
  if (problem) c.report(path, rule, problem);
}

function gs1Problem(e: unknown): { rule: string; message: string } {
  if (e instanceof Gs1Error) {
    return { rule: e.code === 'CHECK_DIGIT' ? 'gs1-check-digit' : 'gs1-identifier', message: e.message };
  }
  return { rule: 'gs1-identifier', message: (e as Error)?.message ?? String(e) };
}

/**
 * GS1 keys inside an identifier: EPC pure-identity and class URIs (sgtin, sscc, sgln, pgln, lgtin
 * and idpat:sgtin, whose company prefix and reference lengths must add up) and GS1 Digital Link
 * URIs (whose GTIN, SSCC or GLN check digit must be right). Other URIs (other EPC schemes, URNs
 * of the user's own) are not GS1 keys this platform knows and pass.
 */
function identifier(c: Checker, value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') return c.report(path, 'identifier', `${path.slice(1)} must be a URI string`);
  const epc = EPC_URN.exec(value);
  try {
    if (epc) {
      const [, kind, scheme] = epc;
      const lower = `${kind}:${scheme}`.toLowerCase();
      if (['id:sgtin', 'id:sscc', 'id:sgln', 'id:pgln', 'class:lgtin'].includes(lower)) {
        parseEpcUri(value);
      } else if (lower === 'idpat:sgtin') {
        const m = IDPAT_SGTIN.exec(value);
        const ok =
          m !== null &&
          m[1].length >= 6 && m[1].length <= 12 &&
          (m[2] === '*' ? m[3] === '*' : m[1].length + m[2].length === 13) &&
          (m[3] === '*' || /^(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2}){1,20}$/.test(m[3]));
        if (!ok) throw new Gs1Error('BAD_URI', 'an SGTIN pattern is urn:epc:idpat:sgtin:<company prefix>.<item reference>.* (13 digits in all) or <company prefix>.*.*');
      }
    } else if (DIGITAL_LINK_KEY.test(value)) {
      parseDigitalLink(value);
    }
  } catch (e) {
    const { rule, message } = gs1Problem(e);
    c.report(path, rule, `${show(value)}: ${message}`);
  }
}

function identifierList(c: Checker, list: unknown, path: string): void {
  asArray(list).forEach((v, i) => identifier(c, v, `${path}/${i}`));
}

function quantityList(c: Checker, list: unknown, path: string): void {
  asArray(list).forEach((q, i) => {
    if (isObject(q)) identifier(c, q.epcClass, `${path}/${i}/epcClass`);
  });
}

function checkEvent(event: JsonObject, c: Checker): void {
  checkTime(event.eventTime, '/eventTime', c.report);
  checkTime(event.recordTime, '/recordTime', c.report);
  const offset = event.eventTimeZoneOffset;
  if (offset !== undefined && (typeof offset !== 'string' || !TIME_ZONE_OFFSET.test(offset))) {
    c.report('/eventTimeZoneOffset', 'eventTimeZoneOffset', `${typeof offset === 'string' ? show(offset) : 'value'} is not a time zone offset from -14:00 to +14:00 (±hh:mm)`);
  }
  const error = event.errorDeclaration;
  if (isObject(error)) {
    checkTime(error.declarationTime, '/errorDeclaration/declarationTime', c.report);
    vocabulary(c, 'errorReason', 'cbv-error-reason', error.reason, '/errorDeclaration/reason');
  }

  vocabulary(c, 'bizStep', 'cbv-bizStep', event.bizStep, '/bizStep');
  vocabulary(c, 'disposition', 'cbv-disposition', event.disposition, '/disposition');
  const persistent = event.persistentDisposition;
  if (isObject(persistent)) {
    for (const key of ['set', 'unset']) {
      asArray(persistent[key]).forEach((d, i) => vocabulary(c, 'disposition', 'cbv-disposition', d, `/persistentDisposition/${key}/${i}`));
    }
  }
  asArray(event.bizTransactionList).forEach((bt, i) => {
    if (isObject(bt)) vocabulary(c, 'bizTransactionType', 'cbv-bizTransaction-type', bt.type, `/bizTransactionList/${i}/type`);
  });
  for (const [list, member] of [['sourceList', 'source'], ['destinationList', 'destination']] as const) {
    asArray(event[list]).forEach((sd, i) => {
      if (!isObject(sd)) return;
      vocabulary(c, 'sourceDestType', 'cbv-source-destination-type', sd.type, `/${list}/${i}/type`);
      identifier(c, sd[member], `/${list}/${i}/${member}`);
    });
  }
  asArray(event.sensorElementList).forEach((se, i) => {
    if (!isObject(se)) return;
    const meta = se.sensorMetadata;
    if (isObject(meta)) {
      for (const key of ['time', 'startTime', 'endTime']) checkTime(meta[key], `/sensorElementList/${i}/sensorMetadata/${key}`, c.report);
    }
    asArray(se.sensorReport).forEach((r, j) => {
      if (!isObject(r)) return;
      const at = `/sensorElementList/${i}/sensorReport/${j}`;
      sensorTerm(c, 'measurementType', 'cbv-sensor-type', r.type, `${at}/type`);
      sensorTerm(c, 'alertType', 'cbv-sensor-exception', r.exception, `${at}/exception`);
      vocabulary(c, 'component', 'cbv-sensor-component', r.component, `${at}/component`);
      checkTime(r.time, `${at}/time`, c.report);
    });
  });

  // What: instance identifiers and class identifiers.
  for (const key of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) identifierList(c, event[key], `/${key}`);
  for (const key of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) quantityList(c, event[key], `/${key}`);
  identifier(c, event.parentID, '/parentID');
  // Where.
  for (const key of ['readPoint', 'bizLocation']) {
    const place = event[key];
    if (isObject(place)) identifier(c, place.id, `/${key}/id`);
  }
}

/**
 * Semantic layer of EPCIS capture validation, on EPCIS 2.0 JSON-LD event objects (a parsed JSON
 * document's eventList, or parseEpcisDocument(...).events for XML 1.2/2.0): what the schemas cannot
 * see. GS1 keys in EPC URIs, class URIs and Digital Link URIs (epcList, childEPCs, input/output
 * lists, quantity lists, parentID, readPoint, bizLocation, source, destination); CBV 2.0 terms
 * (bizStep, disposition, persistentDisposition, bizTransaction type, source/destination type,
 * error reason, sensor type/exception/component: a bare word must be a standard term, a URI in a
 * CBV namespace must name a real term, anything else must be a full URI); eventTime, recordTime,
 * declarationTime and sensor times with a time zone; eventTimeZoneOffset.
 *
 * Never throws: any value of any shape yields issues or nothing.
 */
export function checkEvents(events: readonly JsonObject[], context: CheckEventsContext = {}): EpcisIssue[] {
  const issues: EpcisIssue[] = [];
  const base = Number.isInteger(context.firstEventIndex) ? (context.firstEventIndex as number) : 0;
  const shared = prefixesOf(context['@context']);
  if (!Array.isArray(events)) return [{ path: '/', rule: 'event', message: 'events must be an array of event objects' }];
  events.forEach((event, i) => {
    const eventIndex = base + i;
    if (!isObject(event)) {
      issues.push({ eventIndex, path: '/', rule: 'event', message: 'an event must be a JSON object' });
      return;
    }
    const eventID = typeof event.eventID === 'string' ? event.eventID : undefined;
    const report: Report = (path, rule, message) => {
      const issue: EpcisIssue = { eventIndex, path, rule, message };
      if (eventID !== undefined) issue.eventID = eventID;
      issues.push(issue);
    };
    const own = event['@context'];
    const prefixes = own === undefined ? shared : prefixesOf(own, new Map(shared));
    try {
      checkEvent(event, { report, expand: expander(prefixes) });
    } catch (e) {
      // Defensive: the checks are written not to throw; should one ever do, the event is still rejected.
      report('/', 'check-failed', `the event could not be checked: ${(e as Error)?.message ?? String(e)}`);
    }
  });
  return issues;
}
