import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EpcisIssue } from '../errors';
import schema from './schemas/epcis-capture.schema.json';
import type { EpcisInputKind } from './types';

/** `$id` of schemas/epcis-capture.schema.json. */
export const EPCIS_CAPTURE_SCHEMA_ID = schema.$id;

let compiled: Record<EpcisInputKind, ValidateFunction> | undefined;

/** Compiles the capture schema once per process (about 100 ms), on first use. */
function validators(): Record<EpcisInputKind, ValidateFunction> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false, strictTuples: false, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addVocabulary(['x-rule', 'x-message']);
    ajv.addSchema(schema);
    const get = (fragment: string): ValidateFunction => {
      const fn = ajv.getSchema(`${schema.$id}#/definitions/${fragment}`);
      if (!fn) throw new Error(`capture schema has no definition ${fragment}`);
      return fn;
    };
    compiled = { document: get('document'), event: get('singleEvent') };
  }
  return compiled;
}

/** Issues listed per document, as for the XSD layer (MAX_XSD_DETAILS); the rest are counted. */
export const MAX_SCHEMA_ISSUES = 200;

const EVENT_POINTER = /^\/epcisBody\/eventList\/(\d+)(?=\/|$)/;
// Errors that only say "a branch failed": the branch's own errors say what is wrong.
const WRAPPER_KEYWORDS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'propertyNames', 'then', 'else']);

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

function preview(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * The x-rule / x-message annotation for an error: on the `not` subschema itself for a `not` error
 * (the schema's "none of these" constructs), else on the schema holding the failing keyword.
 */
function annotation(error: ErrorObject, key: 'x-rule' | 'x-message'): string | undefined {
  for (const holder of [error.keyword === 'not' ? error.schema : undefined, error.parentSchema]) {
    const value = holder && typeof holder === 'object' ? (holder as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function toIssue(error: ErrorObject, kind: EpcisInputKind, data: unknown): EpcisIssue | undefined {
  if (WRAPPER_KEYWORDS.has(error.keyword)) return undefined;
  let pointer = error.instancePath;
  const field = (error as ErrorObject & { propertyName?: string }).propertyName;
  let rule = annotation(error, 'x-rule') ?? error.keyword;
  let message = annotation(error, 'x-message') ?? error.message ?? 'is invalid';
  if (field !== undefined) {
    pointer += `/${escapePointer(field)}`;
    message = `${JSON.stringify(field)} ${message}`;
  } else if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    pointer += `/${escapePointer(missing)}`;
    rule = 'required';
    message = `${missing} is required`;
  } else if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    pointer += `/${escapePointer(extra)}`;
    rule = 'unknown-property';
    message = `${JSON.stringify(extra)} is not a field of this object`;
  } else if (error.keyword !== 'not' || !annotation(error, 'x-message')) {
    message = `${message} (got ${preview(error.data)})`;
  }

  let eventIndex: number | undefined;
  let path = pointer;
  if (kind === 'event') {
    eventIndex = 0;
  } else {
    const m = EVENT_POINTER.exec(pointer);
    if (m) {
      eventIndex = Number(m[1]);
      path = pointer.slice(m[0].length);
    }
  }
  const issue: EpcisIssue = { path: path || '/', rule, message };
  if (eventIndex !== undefined) {
    issue.eventIndex = eventIndex;
    const eventID = eventIdAt(data, kind, eventIndex);
    if (eventID !== undefined) issue.eventID = eventID;
  }
  return issue;
}

function eventIdAt(data: unknown, kind: EpcisInputKind, index: number): string | undefined {
  let event: unknown = data;
  if (kind === 'document') {
    const body = (data as { epcisBody?: { eventList?: unknown } } | null)?.epcisBody;
    const list = body && typeof body === 'object' ? body.eventList : undefined;
    event = Array.isArray(list) ? list[index] : undefined;
  }
  const id = event && typeof event === 'object' ? (event as { eventID?: unknown }).eventID : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Validates parsed EPCIS 2.0 JSON/JSON-LD against schemas/epcis-capture.schema.json: a whole
 * EPCISDocument, or one bare event with its own @context. Never throws for any JSON value.
 */
export function validateJsonValue(data: unknown, kind: EpcisInputKind): EpcisIssue[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [{ path: '/', rule: 'not-an-object', message: `the input must be a JSON object (got ${preview(data)})` }];
  }
  const validate = validators()[kind];
  if (validate(data)) return [];
  const issues: EpcisIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, kind, data);
    if (!issue) continue;
    const key = `${issue.eventIndex ?? ''}\u0000${issue.path}\u0000${issue.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  if (issues.length === 0) issues.push({ path: '/', rule: 'schema', message: 'does not match the EPCIS 2.0 capture schema' });
  if (issues.length > MAX_SCHEMA_ISSUES) {
    const more = issues.length - MAX_SCHEMA_ISSUES;
    issues.length = MAX_SCHEMA_ISSUES;
    issues.push({ path: '/', rule: 'too-many-issues', message: `${more} more schema errors are not listed` });
  }
  return issues;
}
