/**
 * The investigations page: recall report, diversion report, event search, T3 (transaction information, statement
 * and history) and the access log, each read with the tab's partner credential; CSV, JSON and XML downloads are
 * made from fetched answers (a plain link could not send the credential).
 */
import { ApiError, apiJson, download, nextLink } from './api.js';
import { $, cbvTerm, el, facts, identifier, mountSession, onSessionChange, party, partyNames, place, placeGln, plural, table, time } from './ui.js';

const session = mountSession($('session'));
const SECTIONS = ['recall', 'diversion', 'search', 't3', 'access'];

// Custody data shown for one credential is not left on screen for the next.
onSessionChange(() => {
  for (const name of SECTIONS) {
    $(`${name}-status`).textContent = '';
    $(`${name}-output`).replaceChildren();
  }
});

/** GTIN-8/12/13/14 as GTIN-14 (left-padded with zeros), other text as typed. */
const gtin14 = (value) => (/^\d{8}$|^\d{12,14}$/.test(value) ? value.padStart(14, '0') : value);
const value = (id) => $(id).value.trim();
/** A datetime-local value as an ISO instant (the browser's time zone), or undefined. */
const instant = (id) => {
  const v = $(id).value;
  const t = v ? new Date(v) : undefined;
  return t && !Number.isNaN(t.getTime()) ? t.toISOString() : undefined;
};
const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) if (x !== undefined && x !== '') q.append(k, x);
  return q.toString();
};
const shortId = (id) => (typeof id === 'string' && id.length > 24 ? `${id.slice(0, 20)}…${id.slice(-6)}` : id);
const proofLink = (id) => el('a', { href: `ledger.html?eventId=${encodeURIComponent(id)}`, class: 'mono', title: id }, shortId(id));
const severityBadge = (s) => el('span', { class: `severity severity--${String(s).toLowerCase().replace('_', '-')}` }, s);

/**
 * Runs one section's action: the status line says what is happening, the output is replaced by what `work`
 * renders, and a refusal is shown in words (a 401 also opens the sign-in form). With `keep` (downloads), a report
 * already shown stays and the refusal is put above it.
 */
async function run(name, busyText, work, { keep = false } = {}) {
  const status = $(`${name}-status`);
  const output = $(`${name}-output`);
  const buttons = [...$(`${name}-form`).querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  status.textContent = busyText;
  try {
    const done = await work(output);
    status.textContent = done ?? '';
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.needsSignIn) session.prompt();
    status.textContent = '';
    const error = el('div', { class: 'error', role: 'alert', dataset: { status: e.status } }, e.message);
    if (keep) output.prepend(error);
    else output.replaceChildren(error);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

/**
 * Submit and extra download buttons of a form; downloads check the form's fields first, and `ready` (a check
 * the fields cannot express, which shows its own message) runs before either.
 */
function wire(name, { show, downloads = {}, ready = () => true }) {
  const form = $(`${name}-form`);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (ready()) void run(name, 'Loading…', show);
  });
  for (const [id, fetchFile] of Object.entries(downloads))
    $(id).addEventListener('click', () => {
      if (!form.reportValidity() || !ready()) return;
      void run(
        name,
        'Preparing the download…',
        async (output) => {
          output.querySelectorAll(':scope > .error').forEach((e) => e.remove()); // a report shown stays; an old error goes
          return `Downloaded ${await fetchFile()}.`;
        },
        { keep: true },
      );
    });
}

// -------------------------------------------------------------------------------------------------------------
// Recall report

const recallQuery = (format) =>
  query({
    gtin: gtin14(value('recall-gtin')),
    lot: value('recall-lots')
      .split(/[,|]/)
      .map((l) => l.trim())
      .filter(Boolean),
    format,
  });

wire('recall', {
  async show(output) {
    const { body: r } = await apiJson(`../recalls/report?${recallQuery('json')}`);
    const names = await partyNames([...r.units.map((u) => u.holder), ...r.byHolder.map((h) => h.gln)]);
    const holder = (gln, name) => (gln ? party(gln, names, name ?? undefined) : 'unknown');
    const open = r.units.length - r.dispensed;
    output.replaceChildren(
      el(
        'p',
        { class: 'summary', id: 'recall-summary' },
        `${plural(r.units.length, 'unit')} of GTIN ${r.gtin} in ${r.lots.length === 1 ? 'lot' : 'lots'} ${r.lots.join(', ')}: ${r.dispensed} dispensed, ${open} still in the supply chain.`,
      ),
      table(
        'Where the recall must reach: units not yet dispensed, by holder',
        [
          ['Holder', (h) => holder(h.gln, h.name)],
          ['Units', (h) => String(h.quantity), { class: 'num' }],
        ],
        r.byHolder,
        (h) => ({ gln: h.gln ?? '' }),
      ),
      table(
        'Units',
        [
          ['Serial', (u) => u.serial, { class: 'mono' }],
          ['Lot', (u) => u.lot],
          ['Held by', (u) => holder(u.holder, u.holderName)],
          ['Dispensed', (u) => (u.dispensed ? 'yes' : 'no')],
          ['Reasons', (u) => u.reasons.join(', '), { class: 'mono' }],
        ],
        r.units,
        (u) => ({ serial: u.serial }),
      ),
    );
    return `Recall report: ${plural(r.units.length, 'unit')}.`;
  },
  downloads: { 'recall-csv': () => download(`../recalls/report?${recallQuery('csv')}`, `recall-${gtin14(value('recall-gtin'))}.csv`, 'text/csv') },
});

// -------------------------------------------------------------------------------------------------------------
// Diversion report

function setDefaultWindow() {
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const now = new Date();
  if (!$('diversion-to').value) $('diversion-to').value = local(new Date(now.getTime() + 60_000));
  if (!$('diversion-from').value) $('diversion-from').value = local(new Date(now.getTime() - 90 * 86_400_000));
}
setDefaultWindow();

const diversionQuery = (format) =>
  query({ from: instant('diversion-from'), to: instant('diversion-to'), partner: value('diversion-partner'), gtin: value('diversion-gtin') && gtin14(value('diversion-gtin')), format });

wire('diversion', {
  async show(output) {
    const { body: r } = await apiJson(`../investigations/diversion?${diversionQuery('json')}`);
    const anomalies = Array.isArray(r.anomalies) ? r.anomalies : [];
    const names = await partyNames(anomalies.flatMap((a) => a.parties ?? []));
    const counts = Object.entries(r.counts ?? {}).filter(([, n]) => n > 0);
    output.replaceChildren(
      el(
        'p',
        { class: 'summary', id: 'diversion-summary' },
        `${plural(anomalies.length, 'anomaly', 'anomalies')} from ${time(r.window?.from)} to ${time(r.window?.to)}`,
        counts.length ? `: ${counts.map(([code, n]) => `${code} ${n}`).join(' · ')}.` : '.',
      ),
      anomalies.length
        ? table(
            'Anomalies',
            [
              ['When', (a) => el('time', { datetime: a.at }, time(a.at))],
              ['Severity', (a) => severityBadge(a.severity)],
              ['Code', (a) => a.code, { class: 'mono' }],
              ['Finding', (a) => a.message],
              ['Product', (a) => (a.sgtin ? identifier(a.sgtin) : [a.gtin && `GTIN ${a.gtin}`, a.lot && `lot ${a.lot}`].filter(Boolean).join(' '))],
              ['Parties', (a) => (a.parties ?? []).map((g) => party(g, names)).join('; ')],
              ['Evidence', (a) => el('span', {}, ...(a.evidence ?? []).flatMap((id, i) => [i ? ', ' : '', proofLink(id)]))],
            ],
            anomalies,
            (a) => ({ code: a.code }),
          )
        : el('p', { class: 'muted' }, 'No anomaly arose in this window.'),
    );
    return `Diversion report: ${plural(anomalies.length, 'anomaly', 'anomalies')}.`;
  },
  downloads: {
    'diversion-csv': () => download(`../investigations/diversion?${diversionQuery('csv')}`, 'diversion-report.csv', 'text/csv'),
    'diversion-json': () => download(`../investigations/diversion?${diversionQuery('json')}`, 'diversion-report.json', 'application/json'),
  },
});

// -------------------------------------------------------------------------------------------------------------
// Event search (EPCIS 2.0 query interface)

/** A partner's location: a bare GLN as its Digital Link; anything else as typed (the server reads URNs and links). */
const location = (text) => (/^\d{13}$/.test(text) ? `https://id.gs1.org/414/${text}` : text);

const searchUrl = () =>
  `../events?${query({
    MATCH_anyEPC: value('search-product'),
    EQ_bizLocation: value('search-location') && location(value('search-location')),
    GE_eventTime: instant('search-from'),
    LT_eventTime: instant('search-to'),
    perPage: value('search-per-page'),
  })}`;

const epcsOf = (e) => [e.parentID, ...(e.epcList ?? []), ...(e.childEPCs ?? []), ...(e.inputEPCList ?? []), ...(e.outputEPCList ?? [])].filter(Boolean);

function eventRows(events, names) {
  // Events carry an eventID only where their capturer gave one; it links to the proof check.
  const withIds = events.some((e) => typeof e.eventID === 'string');
  return table(
    'Events',
    [
      ['Event time', (e) => el('time', { datetime: e.eventTime }, time(e.eventTime))],
      ['Event', (e) => [e.type?.replace(/Event$/, ''), cbvTerm(e.bizStep), e.action && `(${e.action})`].filter(Boolean).join(' ')],
      [
        'What',
        (e) => {
          const epcs = epcsOf(e);
          const quantities = [...(e.quantityList ?? []), ...(e.childQuantityList ?? [])].map((q) => `${q.quantity ?? ''} × ${q.epcClass}`);
          const shown = [...epcs.slice(0, 3).map(identifier), ...quantities.slice(0, 2)];
          const more = epcs.length - Math.min(epcs.length, 3) + quantities.length - Math.min(quantities.length, 2);
          return shown.join('; ') + (more > 0 ? ` and ${more} more` : '');
        },
      ],
      ['Where', (e) => [e.bizLocation?.id && place(e.bizLocation.id, names), e.readPoint?.id && e.readPoint.id !== e.bizLocation?.id ? `read at ${place(e.readPoint.id, names)}` : undefined].filter(Boolean).join('; ')],
      ['Disposition', (e) => cbvTerm(e.disposition) ?? ''],
      ...(withIds ? [['Event ID', (e) => (typeof e.eventID === 'string' ? proofLink(e.eventID) : '')]] : []),
    ],
    events,
    (e) => ({ eventId: e.eventID ?? '' }),
  );
}

async function showEvents(output, url, pageNo) {
  const { body, res } = await apiJson(url);
  const events = body?.epcisBody?.queryResults?.resultsBody?.eventList ?? [];
  const names = await partyNames(events.flatMap((e) => [placeGln(e.bizLocation?.id), placeGln(e.readPoint?.id)]));
  const next = nextLink(res);
  const pager = el('div', { class: 'pager' }, el('span', { id: 'search-page' }, `Page ${pageNo}`));
  if (next)
    pager.append(
      el(
        'button',
        { id: 'search-next', type: 'button', class: 'button--quiet', on: { click: () => void run('search', 'Loading the next page…', (out) => showEvents(out, next, pageNo + 1)) } },
        'Next page',
      ),
    );
  output.replaceChildren(
    el('p', { class: 'summary', id: 'search-summary' }, `${plural(events.length, 'event')} on page ${pageNo}${next ? '; more on the next page' : ''}.`),
    events.length ? eventRows(events, names) : el('p', { class: 'muted' }, 'No event you may see matches.'),
    pager,
  );
  return `Event search: page ${pageNo}, ${plural(events.length, 'event')}.`;
}

wire('search', {
  show: (output) => showEvents(output, searchUrl(), 1),
  downloads: { 'search-json': () => download(searchUrl(), 'epcis-events.json', 'application/json') },
});

// -------------------------------------------------------------------------------------------------------------
// T3: transaction information, statement and history

const t3Query = (format) => query({ gtin: gtin14(value('t3-gtin')), serial: value('t3-serial'), lot: value('t3-serial') ? undefined : value('t3-lot'), format });
const t3Name = (ext) => `t3-${gtin14(value('t3-gtin'))}-${value('t3-serial') || value('t3-lot') || 'all'}.${ext}`;

function t3Ready() {
  if (value('t3-serial') || value('t3-lot')) return true;
  $('t3-status').textContent = '';
  $('t3-output').replaceChildren(el('div', { class: 'error', role: 'alert' }, 'Give a serial number or a lot.'));
  $('t3-serial').focus();
  return false;
}

const partyText = (p, names) => p && `${p.name ?? names.get(p.gln) ?? 'GLN'} (${p.gln})`;

wire('t3', {
  ready: t3Ready,
  async show(output) {
    const { body: t3 } = await apiJson(`../investigations/t3?${t3Query('json')}`);
    const info = t3.transactionInformation ?? {};
    const history = t3.transactionHistory ?? [];
    const names = await partyNames([info.seller?.gln, info.buyer?.gln, ...history.flatMap((t) => [t.from?.gln, t.to?.gln])]);
    const dl = el('dl', { class: 'facts', id: 't3-information' });
    facts(dl, [
      ['Product', [info.productName, info.strength, info.dosageForm].filter(Boolean).join(', ')],
      ['NDC', info.ndc],
      ['Container size', info.containerSize],
      ['Manufacturer', info.manufacturerName],
      ['GTIN', info.gtin],
      ['Serial number', info.serialNumber],
      ['Lot', info.lotNumber],
      ['Expiry', info.expirationDate],
      ['Containers', info.numberOfContainers === undefined ? undefined : String(info.numberOfContainers)],
      ['Transaction date', info.transactionDate && time(info.transactionDate)],
      ['Shipment date', info.shipmentDate && time(info.shipmentDate)],
      ['Seller', partyText(info.seller, names)],
      ['Buyer', partyText(info.buyer, names)],
      ['Business transactions', (info.businessTransactions ?? []).map((b) => b.id).join(', '), { class: 'mono' }],
      ['Transaction statement', t3.transactionStatement?.affirmTransactionStatement ? 'affirmed by the seller (DSCSA 581(27))' : 'not affirmed'],
    ]);
    output.replaceChildren(
      el('h3', {}, 'Transaction information'),
      dl,
      history.length
        ? table(
            'Transaction history, oldest first',
            [
              ['Date', (t) => time(t.date)],
              ['From', (t) => partyText(t.from, names)],
              ['To', (t) => partyText(t.to, names)],
              ['Quantity', (t) => String(t.quantity), { class: 'num' }],
              ['Business transactions', (t) => (t.businessTransactions ?? []).map((b) => b.id).join(', '), { class: 'mono' }],
            ],
            history,
          )
        : el('p', { class: 'muted' }, 'No change of ownership is recorded.'),
    );
    return `T3: ${plural(history.length, 'transaction')}.`;
  },
  downloads: {
    't3-xml': () => download(`../investigations/t3?${t3Query('xml')}`, t3Name('xml'), 'application/xml'),
    't3-json': () => download(`../investigations/t3?${t3Query('json')}`, t3Name('json'), 'application/json'),
  },
});

// -------------------------------------------------------------------------------------------------------------
// Access log

const ACCESS_PAGE = 50;

async function showAccess(output, before, shown = []) {
  const url = `../access-log?${query({ gtin: value('access-gtin') && gtin14(value('access-gtin')), actor: value('access-actor'), before, limit: String(ACCESS_PAGE) })}`;
  const { body } = await apiJson(url);
  const entries = [...shown, ...(Array.isArray(body) ? body : [])];
  const names = await partyNames(entries.map((e) => e.actor));
  const more =
    Array.isArray(body) && body.length === ACCESS_PAGE
      ? el(
          'button',
          {
            id: 'access-older',
            type: 'button',
            class: 'button--quiet',
            on: { click: () => void run('access', 'Loading older entries…', (out) => showAccess(out, String(entries.at(-1).id), entries)) },
          },
          'Older entries',
        )
      : undefined;
  output.replaceChildren(
    el('p', { class: 'summary', id: 'access-summary' }, `${plural(entries.length, 'entry', 'entries')}${more ? ', newest first; older ones on request' : ', newest first'}.`),
    entries.length
      ? table(
          'Access log entries',
          [
            ['When', (e) => el('time', { datetime: e.at }, time(e.at))],
            ['Read by', (e) => party(e.actor, names)],
            ['Action', (e) => e.action],
            ['Subject', (e) => e.subject, { class: 'mono' }],
            ['GTIN', (e) => e.gtin ?? ''],
            ['Answer', (e) => e.outcome],
            ['In the ledger', (e) => (e.sentToLedger ? el('span', { class: 'yes' }, 'yes') : el('span', { class: 'pending' }, 'pending'))],
          ],
          entries,
          (e) => ({ action: e.action, actor: e.actor }),
        )
      : el('p', { class: 'muted' }, 'No entry you may see matches.'),
    ...(more ? [el('div', { class: 'pager' }, more)] : []),
  );
  return `Access log: ${plural(entries.length, 'entry', 'entries')}.`;
}

wire('access', { show: (output) => showAccess(output) });
