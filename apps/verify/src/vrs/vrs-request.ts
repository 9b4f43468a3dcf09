import { Gs1Error, isGln, isGtin, parseDigitalLink } from '@app/gs1';

/**
 * Verification requests of the GS1 Lightweight Messaging Standard for Verification of Product Identifiers, as the
 * GS1 US DSCSA implementation guideline (R1.3) profiles them for the Verification Router Service:
 *
 *   GET {prefix}/01/{gtin}/10/{lot}/21/{serial}?17={YYMMDD}&linkType=verificationService
 *       &context=dscsaSaleableReturn&reqGLN={GLN}&corrUUID={UUID}
 *
 * Lot and expiry may be in the path or the query, as GS1 Digital Link allows. Routers still send the
 * GS1 Digital Link 1.0 short names the guideline's examples use (/gtin/{gtin}/lot/{lot}/ser/{serial}?exp=YYMMDD);
 * they are read as the numeric AIs they stand for, so `exp` is compared like `17`, never ignored.
 *
 * checkConnectivity asks whether this responder is reachable and answers, without any product lookup:
 *   GET {prefix}/checkConnectivity?reqGLN={GLN}[&gtin={GTIN-14}][&context=...][&corrUUID={UUID}]
 * or the Digital Link form with `context=checkConnectivity`.
 */

/** The request contexts this responder serves; others are refused with 400. */
export const VRS_CONTEXTS = ['dscsaSaleableReturn', 'dscsaSuspectProduct'] as const;
export type VrsContext = (typeof VRS_CONTEXTS)[number];
export const CHECK_CONNECTIVITY = 'checkConnectivity';

/** linkType values naming the verification service: the bare term of the guideline, the CURIE and the full IRI. */
const VERIFICATION_LINK_TYPES = new Set(['verificationService', 'gs1:verificationService', 'https://gs1.org/voc/verificationService']);
/** Request parameters that must appear at most once. */
const SINGLE_PARAMS = ['reqGLN', 'corrUUID', 'context', 'linkType', 'gtin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** GS1 Digital Link 1.0 short names of the path, by the AI they stand for. */
const SHORT_PATH_NAMES: Readonly<Record<string, string>> = { gtin: '01', cpv: '22', lot: '10', ser: '21' };

/** What the request said, as far as it could be read: recorded with every answer, even a 400. */
export interface VrsFields {
  reqGLN?: string;
  context?: string;
  corrUUID?: string;
  linkType?: string;
  gtin?: string;
  serial?: string;
  lot?: string;
  /** AI (17) as sent: YYMMDD, DD may be 00. */
  expiry?: string;
}

export interface VerifyRequest {
  kind: 'verify';
  reqGLN: string;
  corrUUID: string;
  context: VrsContext;
  gtin: string;
  serial: string;
  lot: string;
  expiry: string;
  fields: VrsFields;
}

export interface ConnectivityRequest {
  kind: 'checkConnectivity';
  reqGLN: string;
  corrUUID?: string;
  gtin?: string;
  fields: VrsFields;
}

export type VrsRequest = VerifyRequest | ConnectivityRequest;

/** A malformed request (400): every parameter at fault, and what could be read of the request. */
export class VrsRequestError extends Error {
  override readonly name = 'VrsRequestError';

  constructor(
    readonly errors: { param: string; detail: string }[],
    readonly fields: VrsFields,
  ) {
    super(errors.map((e) => e.detail).join('; '));
  }
}

/** Reads a request from its path and query as received (percent-encoding intact), e.g. Express's `originalUrl`. */
export function parseVrsRequest(url: string): VrsRequest {
  const withoutFragment = url.split('#')[0];
  const q = withoutFragment.indexOf('?');
  const path = q < 0 ? withoutFragment : withoutFragment.slice(0, q);
  const query = q < 0 ? '' : withoutFragment.slice(q + 1);
  const raw = new URLSearchParams(query);
  const fields: VrsFields = {};
  for (const name of ['reqGLN', 'context', 'corrUUID', 'linkType'] as const) if (raw.has(name)) fields[name] = raw.get(name)!;
  const errors: { param: string; detail: string }[] = [];
  for (const name of SINGLE_PARAMS) if (raw.getAll(name).length > 1) errors.push({ param: name, detail: `query parameter ${name} is given more than once` });
  if (errors.length) throw new VrsRequestError(errors, fields);

  if (isConnectivityPath(path)) {
    const gtin = raw.get('gtin') ?? undefined;
    if (gtin !== undefined) fields.gtin = gtin;
    if (gtin !== undefined && !(/^\d{14}$/.test(gtin) && isGtin(gtin))) errors.push({ param: 'gtin', detail: 'gtin must be a GTIN-14 with a valid check digit' });
    return connectivity(fields, errors);
  }

  let dl: ReturnType<typeof parseDigitalLink>;
  try {
    dl = parseDigitalLink(`https://vrs.invalid${longNames(path)}${query ? `?${longQueryNames(query)}` : ''}`);
  } catch (e) {
    if (e instanceof Gs1Error) throw new VrsRequestError([{ param: e.field ?? 'uri', detail: `not a GS1 Digital Link request: ${e.message}` }], fields);
    throw e;
  }
  const { ais, params } = dl;
  Object.assign(fields, {
    reqGLN: params.reqGLN,
    context: params.context,
    corrUUID: params.corrUUID,
    linkType: params.linkType,
    gtin: ais['01'],
    serial: ais['21'],
    lot: ais['10'],
    expiry: ais['17'],
  });
  for (const key of Object.keys(fields) as (keyof VrsFields)[]) if (fields[key] === undefined) delete fields[key];
  if (ais['01'] === undefined) errors.push({ param: '01', detail: 'the product identifier must be a GTIN (AI 01)' });
  if (fields.context === CHECK_CONNECTIVITY) return connectivity(fields, errors);

  const reqGLN = requester(fields, errors);
  if (fields.corrUUID === undefined) errors.push({ param: 'corrUUID', detail: 'corrUUID, the correlation UUID of the request, is required' });
  else if (!UUID.test(fields.corrUUID)) errors.push({ param: 'corrUUID', detail: 'corrUUID must be a UUID (8-4-4-4-12 hexadecimal digits)' });
  if (fields.context === undefined) errors.push({ param: 'context', detail: `context is required: one of ${VRS_CONTEXTS.join(', ')}` });
  else if (!isContext(fields.context)) errors.push({ param: 'context', detail: `unknown context ${JSON.stringify(fields.context)}: one of ${VRS_CONTEXTS.join(', ')}` });
  linkType(fields, errors);
  if (fields.serial === undefined) errors.push({ param: '21', detail: 'the serial number (AI 21) is required' });
  if (fields.lot === undefined) errors.push({ param: '10', detail: 'the lot number (AI 10) is required' });
  if (fields.expiry === undefined) errors.push({ param: '17', detail: 'the expiration date (AI 17, YYMMDD) is required' });
  if (errors.length) throw new VrsRequestError(errors, fields);
  return {
    kind: 'verify',
    reqGLN: reqGLN!,
    corrUUID: fields.corrUUID!,
    context: fields.context as VrsContext,
    gtin: fields.gtin!,
    serial: fields.serial!,
    lot: fields.lot!,
    expiry: fields.expiry!,
    fields,
  };
}

function connectivity(fields: VrsFields, errors: { param: string; detail: string }[]): ConnectivityRequest {
  const reqGLN = requester(fields, errors);
  if (fields.corrUUID !== undefined && !UUID.test(fields.corrUUID)) errors.push({ param: 'corrUUID', detail: 'corrUUID must be a UUID (8-4-4-4-12 hexadecimal digits)' });
  if (fields.context !== undefined && fields.context !== CHECK_CONNECTIVITY && !isContext(fields.context))
    errors.push({ param: 'context', detail: `unknown context ${JSON.stringify(fields.context)}: one of ${[...VRS_CONTEXTS, CHECK_CONNECTIVITY].join(', ')}` });
  linkType(fields, errors);
  if (errors.length) throw new VrsRequestError(errors, fields);
  return { kind: 'checkConnectivity', reqGLN: reqGLN!, corrUUID: fields.corrUUID, gtin: fields.gtin, fields };
}

/**
 * The requester's GLN. Requests carry no partner credentials yet, so this is a claim, checked only for form;
 * 401 (not authenticated) and 403 (authenticated, not permitted) come with partner credentials.
 */
function requester(fields: VrsFields, errors: { param: string; detail: string }[]): string | undefined {
  if (fields.reqGLN === undefined) errors.push({ param: 'reqGLN', detail: "reqGLN, the requester's GLN, is required" });
  else if (!(/^\d{13}$/.test(fields.reqGLN) && isGln(fields.reqGLN))) errors.push({ param: 'reqGLN', detail: 'reqGLN must be a 13-digit GLN with a valid check digit' });
  else return fields.reqGLN;
  return undefined;
}

/** A direct request to this service may leave linkType out; any other link type is not served here. */
function linkType(fields: VrsFields, errors: { param: string; detail: string }[]): void {
  if (fields.linkType !== undefined && !VERIFICATION_LINK_TYPES.has(fields.linkType))
    errors.push({ param: 'linkType', detail: `linkType ${JSON.stringify(fields.linkType)} is not served here: use verificationService or gs1:verificationService` });
}

/** …/checkConnectivity, but not a Digital Link whose serial (or other value) is "checkConnectivity". */
function isConnectivityPath(path: string): boolean {
  const segments = path.replace(/\/$/, '').split('/');
  const before = segments[segments.length - 2];
  return segments[segments.length - 1] === CHECK_CONNECTIVITY && !/^\d+$/.test(before) && !Object.hasOwn(SHORT_PATH_NAMES, before);
}

function isContext(context: string): context is VrsContext {
  return (VRS_CONTEXTS as readonly string[]).includes(context);
}

/**
 * /gtin/{gtin}/lot/{lot}/ser/{serial} to /01/{gtin}/10/{lot}/21/{serial}. Pairs are counted from the end, as a
 * path prefix may precede them, and only a path whose every name from `gtin` on is a short name is rewritten:
 * in /01/{gtin}/10/gtin/21/{serial} the lot "gtin" stays a lot.
 */
function longNames(path: string): string {
  const segments = path.split('/');
  const isName = (j: number) => Object.hasOwn(SHORT_PATH_NAMES, segments[j]);
  for (let i = segments.length - 2; i >= 1 && isName(i); i -= 2) {
    if (segments[i] !== 'gtin') continue;
    for (let j = i; j < segments.length; j += 2) segments[j] = SHORT_PATH_NAMES[segments[j]];
    break;
  }
  return segments.join('/');
}

/** The expiry short name `exp` as AI (17); everything else as sent. */
function longQueryNames(query: string): string {
  return query
    .split('&')
    .map((pair) => (pair === 'exp' || pair.startsWith('exp=') ? `17${pair.slice(3)}` : pair))
    .join('&');
}
