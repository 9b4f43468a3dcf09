import { EpcisIssue, EpcisValidationError } from './errors';
import { bareBizStep, bareDisposition, bareSourceDestType } from './vocabulary';
import { canonicalEpc, identifierAis } from './epc';
import type { JsonObject } from './signature';

export const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How an EPC takes part in an event; custody rules read aggregation membership from it. */
export type EpcRole = 'epc' | 'parent' | 'child' | 'input' | 'output';

/** The facts custody rules need from one event, with every EPC in canonical Digital Link form. */
export interface EventSummary {
  type: EventType;
  action?: 'ADD' | 'OBSERVE' | 'DELETE';
  eventTime: string;
  bizStep?: string;
  disposition?: string;
  /** Canonical Digital Link of an SGLN, or the URI as given when it is not a GS1 identifier. */
  readPoint?: string;
  bizLocation?: string;
  epcs: { epc: string; role: EpcRole }[];
  lot?: string;
  expiry?: string;
  /** Trading parties from sourceList/destinationList, as GLNs where the identifier is a GS1 PGLN or SGLN. */
  parties: Party[];
  /** Product classes of the quantity lists (GTIN, and lot for an LGTIN), e.g. the lots a recall names. */
  classes: { gtin: string; lot?: string }[];
}

export interface Party {
  side: 'source' | 'destination';
  /** owning_party, possessing_party, location, or a private type URI. */
  type: string;
  /** The party's GLN when its identifier is a PGLN or SGLN; otherwise the identifier as given. */
  id: string;
}

// RFC 3339 date-time with a mandatory offset: EPCIS times without a zone are ambiguous across partners.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const EPC_FIELDS: [string, EpcRole][] = [
  ['epcList', 'epc'],
  ['childEPCs', 'child'],
  ['inputEPCList', 'input'],
  ['outputEPCList', 'output'],
];

/** Validates the shape of one EPCIS 2.0 JSON event and extracts its summary; throws EpcisValidationError. */
export function summarizeEvent(event: unknown, eventIndex = 0): EventSummary {
  const issues: EpcisIssue[] = [];
  const fail = (path: string, rule: string, message: string) => issues.push({ eventIndex, path, rule, message });
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new EpcisValidationError([{ eventIndex, path: '', rule: 'type', message: 'an event must be a JSON object' }]);
  }
  const e = event as JsonObject;
  const eventID = typeof e.eventID === 'string' ? e.eventID : undefined;
  const str = (field: string): string | undefined => {
    const v = e[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') fail(field, 'type', `${field} must be a string`);
    return typeof v === 'string' ? v : undefined;
  };

  const type = str('type') as EventType | undefined;
  if (!type || !EVENT_TYPES.includes(type)) fail('type', 'event-type', `type must be one of ${EVENT_TYPES.join(', ')}`);
  const eventTime = str('eventTime');
  if (!eventTime || !DATE_TIME.test(eventTime) || Number.isNaN(Date.parse(eventTime)))
    fail('eventTime', 'date-time', 'eventTime must be an RFC 3339 date-time with a time-zone offset');
  const offset = str('eventTimeZoneOffset');
  if (!offset || !OFFSET.test(offset)) fail('eventTimeZoneOffset', 'offset', 'eventTimeZoneOffset must look like +hh:mm or -hh:mm');
  const action = str('action') as EventSummary['action'];
  if (type !== 'TransformationEvent' && (!action || !['ADD', 'OBSERVE', 'DELETE'].includes(action)))
    fail('action', 'action', 'action must be ADD, OBSERVE or DELETE');

  // Every list field is optional; present, it must be an array, and each entry is visited with its path.
  const eachEntry = (field: string, visit: (entry: unknown, path: string) => void) => {
    const list = e[field];
    if (list === undefined) return;
    if (!Array.isArray(list)) return fail(field, 'type', `${field} must be an array`);
    list.forEach((entry, i) => visit(entry, `${field}/${i}`));
  };
  const epcs: EventSummary['epcs'] = [];
  const addEpc = (value: unknown, path: string, role: EpcRole) => {
    if (typeof value !== 'string') return fail(path, 'type', 'an EPC must be a string');
    try {
      epcs.push({ epc: canonicalEpc(value), role });
    } catch (err) {
      fail(path, 'epc', (err as Error).message);
    }
  };
  for (const [field, role] of EPC_FIELDS) eachEntry(field, (v, path) => addEpc(v, path, role));
  if (e.parentID !== undefined) addEpc(e.parentID, 'parentID', 'parent');

  const ilmd = e.ilmd;
  let lot: string | undefined;
  let expiry: string | undefined;
  if (ilmd !== undefined) {
    if (typeof ilmd !== 'object' || ilmd === null || Array.isArray(ilmd)) fail('ilmd', 'type', 'ilmd must be an object');
    else {
      const i = ilmd as JsonObject;
      lot = typeof i['cbvmda:lotNumber'] === 'string' ? (i['cbvmda:lotNumber'] as string) : undefined;
      expiry = typeof i['cbvmda:itemExpirationDate'] === 'string' ? (i['cbvmda:itemExpirationDate'] as string) : undefined;
      if (expiry !== undefined && !ISO_DATE.test(expiry)) fail('ilmd/cbvmda:itemExpirationDate', 'date', 'itemExpirationDate must be YYYY-MM-DD');
    }
  }
  const place = (field: 'readPoint' | 'bizLocation') => {
    const v = e[field];
    if (v === undefined) return undefined;
    const id = (v as JsonObject | null)?.id;
    if (typeof id !== 'string') return void fail(`${field}/id`, 'type', `${field}.id must be a string`);
    try {
      return canonicalEpc(id);
    } catch {
      return id; // a private location URI is allowed; only GS1 identifiers have a canonical form
    }
  };
  const parties: Party[] = [];
  for (const [field, side] of [
    ['sourceList', 'source'],
    ['destinationList', 'destination'],
  ] as const)
    eachEntry(field, (entry, path) => {
      const t = (entry as JsonObject | null)?.type;
      const v = (entry as JsonObject | null)?.[side];
      if (typeof t !== 'string' || typeof v !== 'string') return fail(path, 'type', `each ${field} entry needs string type and ${side}`);
      parties.push({ side, type: bareSourceDestType(t), id: partyGln(v) });
    });
  const classes: EventSummary['classes'] = [];
  for (const field of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'])
    eachEntry(field, (q, path) => {
      const epcClass = (q as JsonObject | null)?.epcClass;
      if (typeof epcClass !== 'string') return fail(`${path}/epcClass`, 'type', 'epcClass must be a string');
      const ais = productClassAis(epcClass);
      if (ais?.['01']) classes.push(ais['10'] === undefined ? { gtin: ais['01'] } : { gtin: ais['01'], lot: ais['10'] });
    });
  const summary: EventSummary = {
    type: type as EventType,
    action,
    eventTime: eventTime as string,
    bizStep: bareBizStep(str('bizStep')),
    disposition: bareDisposition(str('disposition')),
    readPoint: place('readPoint'),
    bizLocation: place('bizLocation'),
    epcs,
    lot,
    expiry,
    parties,
    classes,
  };
  if (issues.length) throw new EpcisValidationError(issues.map((i) => ({ ...i, eventID })));
  return summary;
}

/** Every GLN an event names: its signer, its trading parties, and the GLNs behind its business location and read point. */
export function namedParties(signerGln: string, summary: Pick<EventSummary, 'parties' | 'bizLocation' | 'readPoint'>): string[] {
  const named = [signerGln, ...summary.parties.map((p) => p.id), ...[summary.bizLocation, summary.readPoint].flatMap((place) => (place ? [partyGln(place)] : []))];
  return [...new Set(named)].filter((g) => /^\d{13}$/.test(g));
}

/** The GLN behind a PGLN or SGLN (URN or Digital Link), which is what the partner registry knows; any other identifier as given. */
export function partyGln(id: string): string {
  try {
    const ais = identifierAis(id);
    return ais['417'] ?? ais['414'] ?? id;
  } catch {
    return id;
  }
}

/** urn:epc:class:lgtin:… or a Digital Link /01/{gtin}[/10/{lot}]; class patterns (idpat) name no single product. */
function productClassAis(epcClass: string): Record<string, string> | undefined {
  try {
    return identifierAis(epcClass);
  } catch {
    return undefined;
  }
}
