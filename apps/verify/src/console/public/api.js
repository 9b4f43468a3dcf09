/**
 * What every console page shares with the verify app: the partner credential of this browser tab, the calls that
 * send it, problem+json errors made into sentences, and downloads.
 *
 * The credential (`dscsa_<id>_<secret>`, issued to a trading partner or regulator) is kept in sessionStorage: it
 * lasts as long as the tab, is not shared with other tabs, and is never written to localStorage. Custody data
 * (scans, events, proofs, reports, the access log) takes it; the console's own files, its configuration, partner
 * names and the ledger's checkpoint are public and fetched without it.
 */

import { ed25519Backend } from './ed25519.js';
import { openCheckpoint, parseVkey } from './ledger-verify.js';

const STORAGE_KEY = 'dscsa.console.credential';
const TOKEN = /^dscsa_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/;

/** Fired on document when the tab signs in or out: pages clear custody data they show. */
export const SESSION_EVENT = 'console:session';

export const SIGN_IN_MESSAGE = 'Sign in with your partner credential to see custody data.';

/** A refused or failed call, with a sentence for the user. */
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The server wants a (valid) partner credential. */
  get needsSignIn() {
    return this.status === 401;
  }
}

/** The token of this tab, or undefined. */
export function credential() {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the tab cannot keep a credential
  }
}

export const isWellFormedToken = (token) => TOKEN.test(token);

/**
 * Signs this tab in: the token is checked with the verify app (GET session) before it is kept.
 * Resolves with the partner { gln, name, roles }; rejects with ApiError (401 for a credential it does not accept).
 */
export async function signIn(token) {
  const trimmed = String(token ?? '').trim();
  if (!isWellFormedToken(trimmed)) throw new ApiError(0, 'That is not a partner credential: it looks like dscsa_ followed by 32 hex digits, _ and 43 more characters.');
  const who = await getJson('session', { token: trimmed });
  sessionStorage.setItem(STORAGE_KEY, trimmed);
  document.dispatchEvent(new CustomEvent(SESSION_EVENT, { detail: who }));
  return who;
}

export function signOut() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing was kept
  }
  document.dispatchEvent(new CustomEvent(SESSION_EVENT, { detail: null }));
}

/** Who the tab's credential belongs to ({ gln, name, roles }), undefined when signed out; ApiError if refused. */
export async function whoAmI() {
  return credential() ? getJson('session') : undefined;
}

/**
 * fetch with the tab's credential. `url` is relative to the page (/console/…). Returns the Response when it is
 * 2xx; throws ApiError otherwise (network failures too), with the server's problem detail where it sent one.
 */
export async function apiFetch(url, { token = credential(), headers = {}, ...init } = {}) {
  let res;
  try {
    res = await fetch(url, { cache: 'no-store', ...init, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch {
    throw new ApiError(0, 'The verification service did not answer. Check the connection and try again.');
  }
  if (res.ok) return res;
  const problem = await res
    .clone()
    .json()
    .catch(() => undefined);
  throw new ApiError(res.status, describe(res.status, problem, !!token), problem);
}

/** GET (or another method with a JSON body) answering JSON: resolves with { body, res }. */
export async function apiJson(url, { body, method = body === undefined ? 'GET' : 'POST', headers = {}, ...init } = {}) {
  const res = await apiFetch(url, {
    method,
    ...init,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let parsed;
  try {
    parsed = await res.json();
  } catch {
    throw new ApiError(res.status, 'The verification service sent an answer this page cannot read.');
  }
  return { body: parsed, res };
}

const getJson = async (url, init) => (await apiJson(url, init)).body;

/**
 * Downloads what `url` answers as a file, sending the credential (a plain link cannot). The name is the server's
 * (Content-Disposition) or `fallbackName`. Resolves with the file name; throws ApiError.
 */
export async function download(url, fallbackName, accept) {
  const res = await apiFetch(url, accept ? { headers: { accept } } : {});
  const blob = await res.blob();
  const name = fileName(res.headers.get('content-disposition')) ?? fallbackName;
  const href = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}

/** The file name of a Content-Disposition header (filename*=UTF-8'' or filename=), without any path. */
export function fileName(disposition) {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  let name;
  try {
    name = star ? decodeURIComponent(star[1].trim()) : /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
  } catch {
    name = undefined;
  }
  name = name?.split(/[\\/]/).pop()?.trim();
  return name || undefined;
}

/** The link to the next page of an answer (RFC 8288 Link, rel="next"), resolved against the request, or undefined. */
export function nextLink(res) {
  const header = res.headers.get('link');
  const m = header && /<([^>]+)>\s*;\s*rel="?next"?/i.exec(header);
  return m ? new URL(m[1], res.url).href : undefined;
}

function describe(status, problem, signedIn) {
  const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : undefined;
  switch (status) {
    case 401:
      return signedIn ? `Your credential was not accepted (${detail ?? 'unknown, expired or revoked'}). ${SIGN_IN_MESSAGE}` : SIGN_IN_MESSAGE;
    case 403:
      return `Your credential does not allow this${detail ? `: ${detail}` : '.'}`;
    case 404:
      // A route the server does not have answers a plain 404 (about:blank); a known route names what it did not find.
      return detail && problem?.type && problem.type !== 'about:blank'
        ? `Not found: ${detail}`
        : 'This server does not offer that yet (HTTP 404 for an unknown address): the service may not be deployed here.';
    case 400:
    case 422:
      return `The request was refused: ${detail ?? `HTTP ${status}`}`;
    case 429:
    case 503:
      return `The service is busy or unavailable (HTTP ${status}${detail ? `: ${detail}` : ''}). Try again shortly.`;
    default:
      return `The verification service failed: ${detail ?? `HTTP ${status}`}`;
  }
}

// -------------------------------------------------------------------------------------------------------------
// The ledger's answers, fetched through the verify app and checked here (ledger-verify.js)

let configuration;

/** The console's configuration (public): { ledgerVkey, ledgerOrigin, ledgerPublicUrl }; {} when unavailable. */
export function consoleConfig() {
  configuration ??= fetch('config.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  return configuration;
}

/**
 * The ledger's latest checkpoint (public), opened with the verifier key of this console's configuration, the trust
 * anchor of every check the page makes. Resolves with one of
 *   { state: 'verified', cfg, key, checkpoint, backend, note }  (checkpoint as openCheckpoint gives it),
 *   { state: 'rejected', cfg, reason, note? }                   (not validly signed, or not fetched),
 *   { state: 'no-key', cfg }                                    (nothing to check it with);
 * `note` is the text the ledger sent, for display.
 */
export async function loadCheckpoint() {
  const cfg = await consoleConfig();
  if (!cfg.ledgerVkey) return { state: 'no-key', cfg };
  let note;
  try {
    const key = await parseVkey(cfg.ledgerVkey);
    const res = await fetch('ledger/checkpoint', { cache: 'no-store' });
    if (!res.ok) throw new Error(`the ledger answered HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    note = new TextDecoder().decode(bytes);
    const checkpoint = await openCheckpoint(bytes, key);
    return { state: 'verified', cfg, key, checkpoint, backend: await ed25519Backend(), note };
  } catch (e) {
    return { state: 'rejected', cfg, reason: e?.message ?? String(e), note };
  }
}

/**
 * Registered witness keys by name (public: /console/witnesses), as a Map name → { kid, gln, name, publicKey } with
 * the 32-byte Ed25519 key as base64; empty when unavailable.
 */
export async function witnessKeys(names) {
  const wanted = [...new Set(names)].slice(0, 100);
  if (!wanted.length) return new Map();
  try {
    const res = await fetch(`witnesses?${wanted.map((n) => `kid=${encodeURIComponent(n)}`).join('&')}`, { cache: 'no-store' });
    const body = res.ok ? await res.json() : { witnesses: [] };
    return new Map(body.witnesses.map((w) => [w.kid, w]));
  } catch {
    return new Map();
  }
}

/**
 * The ledger's inclusion proof answer for an event at the checkpoint's tree size (custody data: takes the
 * credential). Resolves with { answer } or { reason } saying why there is none.
 */
export async function inclusionProof(eventId, checkpoint) {
  try {
    const res = await apiFetch(`ledger/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=${checkpoint.size}`);
    return { answer: await res.json() };
  } catch (e) {
    if (!(e instanceof ApiError)) return { reason: 'the proof answer could not be read' };
    if (e.status === 0) return { reason: 'the proof could not be fetched' };
    if (e.needsSignIn) return { reason: 'sign in to fetch the proof', needsSignIn: true };
    return { reason: `the ledger has no proof (${e.problem?.detail ?? `HTTP ${e.status}`})` };
  }
}
