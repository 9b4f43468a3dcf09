/**
 * Page pieces every console page uses: building elements (every value from the server goes in as text, never as
 * HTML), GS1 identifiers and parties in words, and the sign-in panel.
 */
import { ApiError, isWellFormedToken, SESSION_EVENT, SIGN_IN_MESSAGE, signIn, signOut, whoAmI } from './api.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'on') for (const [type, fn] of Object.entries(v)) node.addEventListener(type, fn);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/** Appends term/value rows to a <dl>; rows without a value are left out. */
export function facts(dl, rows) {
  for (const [term, value, attrs] of rows) if (value !== undefined && value !== null && value !== '') dl.append(el('dt', {}, term), el('dd', attrs ?? {}, value));
}

/**
 * A table: `columns` are [heading, cell(row) → text or node, attrs?]; `caption` names it for screen readers.
 * Rows get data-row attributes from `rowData(row)` when given.
 */
export function table(caption, columns, rows, rowData) {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'data' },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...columns.map(([heading]) => el('th', { scope: 'col' }, heading)))),
      el('tbody', {}, ...rows.map((row) => el('tr', { dataset: rowData?.(row) }, ...columns.map(([, cell, attrs]) => el('td', attrs ?? {}, cell(row) ?? ''))))),
    ),
  );
}

const TIME = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
export function time(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso) : TIME.format(t);
}

/** A CBV term (bizStep, disposition) without its namespace: "shipping" for …:bizstep:shipping or …/BizStep-shipping. */
export const cbvTerm = (v) => (typeof v === 'string' ? v.replace(/^.*[:/]/, '').replace(/^(?:BizStep|Disp)-/, '') : undefined);

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Name (GLN)" where the registry knows the party, "GLN …" where it does not, other identifiers as logged. */
export function party(gln, names, known) {
  const name = known ?? names?.get(gln);
  return name ? `${name} (${gln})` : /^\d{13}$/.test(gln) ? `GLN ${gln}` : gln;
}

/** The GS1 mod-10 check digit of `digits`. */
export function checkDigit(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
}

const decode = (text) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** An SGLN (Digital Link, or EPC URN as events captured in EPCIS 1.2 spell it) as { gln, ext }, or undefined. */
function sgln(uri) {
  const link = /^https:\/\/id\.gs1\.org\/414\/(\d{13})(?:\/254\/([^/?#]+))?$/.exec(uri ?? '');
  if (link) return { gln: link[1], ext: link[2] && decode(link[2]) };
  const urn = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.*)$/.exec(uri ?? '');
  if (urn && urn[1].length + urn[2].length === 12) return { gln: urn[1] + urn[2] + checkDigit(urn[1] + urn[2]), ext: decode(urn[3]) };
  return undefined;
}

/** The GLN of an SGLN, or undefined. */
export const placeGln = (uri) => sgln(uri)?.gln;

/** A place: a GLN (SGLN Digital Link or URN) with its registry name where known, else the URI as logged. */
export function place(uri, names) {
  const where = sgln(uri);
  if (!where) return uri;
  return `${party(where.gln, names)}${where.ext && where.ext !== '0' ? ` ext. ${where.ext}` : ''}`;
}

/** A container or item identifier in GS1 terms: SSCC, or GTIN with serial (Digital Link or EPC URN). */
export function identifier(uri) {
  const sscc = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(uri);
  if (sscc) return `SSCC ${sscc[1]}`;
  const sgtin = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/([^/?#]+)$/.exec(uri);
  if (sgtin) return `GTIN ${sgtin[1]} serial ${decode(sgtin[2])}`;
  const ssccUrn = /^urn:epc:id:sscc:(\d+)\.(\d+)$/.exec(uri);
  if (ssccUrn && ssccUrn[1].length + ssccUrn[2].length === 17) {
    const body = ssccUrn[2][0] + ssccUrn[1] + ssccUrn[2].slice(1);
    return `SSCC ${body}${checkDigit(body)}`;
  }
  const sgtinUrn = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (sgtinUrn && sgtinUrn[1].length + sgtinUrn[2].length === 13) {
    const body = sgtinUrn[2][0] + sgtinUrn[1] + sgtinUrn[2].slice(1);
    return `GTIN ${body}${checkDigit(body)} serial ${decode(sgtinUrn[3])}`;
  }
  return uri;
}

/** Registry names of the 13-digit GLNs among `glns` (public: /console/parties), as a Map; empty when unavailable. */
export async function partyNames(glns) {
  const wanted = [...new Set([...glns].filter((g) => typeof g === 'string' && /^\d{13}$/.test(g)))].slice(0, 200);
  if (!wanted.length) return new Map();
  try {
    const res = await fetch(`parties?gln=${wanted.join(',')}`);
    const body = res.ok ? await res.json() : { parties: [] };
    return new Map(body.parties.map((p) => [p.gln, p.name]));
  } catch {
    return new Map(); // names are a convenience: GLNs alone still identify the parties
  }
}

// -------------------------------------------------------------------------------------------------------------
// Sign-in panel

const ROLE_NAMES = { regulator: 'regulator', manufacturer: 'manufacturer', repackager: 'repackager', wholesaler: 'wholesaler', '3pl': 'third-party logistics', dispenser: 'dispenser' };

/**
 * Renders the sign-in panel into `container` (an empty element on every page) and keeps it current. The form takes
 * a pasted partner credential; signed in, it shows who the credential belongs to and a sign-out button.
 */
export function mountSession(container) {
  const error = el('p', { id: 'session-error', class: 'session__error', role: 'alert', hidden: true });
  const input = el('input', {
    id: 'credential',
    name: 'credential',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    maxlength: 200,
    'aria-describedby': 'credential-help',
  });
  const form = el(
    'form',
    { id: 'sign-in-form', class: 'session__form', autocomplete: 'off' },
    el('label', { for: 'credential' }, 'Partner credential'),
    input,
    el('button', { id: 'sign-in', type: 'submit' }, 'Sign in'),
    el('p', { id: 'credential-help', class: 'session__help' }, 'Paste the API token issued to your organisation (dscsa_…). It is kept in this browser tab only, until you sign out or close the tab.'),
  );
  const who = el('p', { id: 'session-who', class: 'session__who', role: 'status' });
  const signOutButton = el('button', { id: 'sign-out', type: 'button', class: 'button--quiet' }, 'Sign out');
  const signedIn = el('div', { class: 'session__signed-in', hidden: true }, who, signOutButton);
  container.replaceChildren(form, signedIn, error);
  container.dataset.state = 'signed-out';

  const showSignedOut = (message) => {
    container.dataset.state = 'signed-out';
    form.hidden = false;
    signedIn.hidden = true;
    showError(message);
  };
  const showSignedIn = (partner) => {
    container.dataset.state = 'signed-in';
    form.hidden = true;
    signedIn.hidden = false;
    input.value = '';
    showError(undefined);
    if (!partner) {
      who.textContent = 'Signed in.';
      return;
    }
    const roles = (partner.roles ?? []).map((r) => ROLE_NAMES[r] ?? r).join(', ');
    who.replaceChildren('Signed in as ', el('strong', {}, partner.name ?? `GLN ${partner.gln}`), ` (${partner.gln})`, roles ? ` · ${roles}` : '');
    container.dataset.gln = partner.gln;
    container.dataset.roles = (partner.roles ?? []).join(' ');
  };
  function showError(message) {
    error.textContent = message ?? '';
    error.hidden = !message;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return showError('Paste your partner credential first.');
    if (!isWellFormedToken(token)) return showError('That is not a partner credential: it looks like dscsa_ followed by 32 hex digits, _ and 43 more characters.');
    showError(undefined);
    try {
      showSignedIn(await signIn(token));
    } catch (e) {
      showError(e instanceof ApiError && e.status === 401 ? 'That credential was not accepted: it is unknown, expired or revoked.' : (e?.message ?? String(e)));
      input.select();
    }
  });
  signOutButton.addEventListener('click', () => {
    signOut();
    showSignedOut(undefined);
    input.focus();
  });

  whoAmI().then(
    (partner) => (partner ? showSignedIn(partner) : showSignedOut(undefined)),
    (e) => {
      if (e instanceof ApiError && e.status === 401) {
        signOut();
        showSignedOut('Your credential is no longer accepted. Sign in again.');
      } else showSignedIn(undefined); // the service did not say who: the credential stays, calls will tell
    },
  );

  return {
    /** Shows why a call was refused next to the form, and puts the cursor in it. */
    prompt(message = SIGN_IN_MESSAGE) {
      if (container.dataset.state === 'signed-in') {
        signOut();
        showSignedOut(message);
      } else showError(message);
      input.focus();
    },
  };
}

/** Calls `clear` whenever the tab signs out (or in as someone else): shown custody data must not outlive the session. */
export function onSessionChange(clear) {
  document.addEventListener(SESSION_EVENT, () => clear());
}
