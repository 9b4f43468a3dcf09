/**
 * The pharmacist's page: scan → POST /scan (with the tab's partner credential) → verdict, reasons and custody
 * timeline; then, independently of the server's own checks, the ledger's signed checkpoint and each step's inclusion
 * proof are verified here. A trading partner sees the steps it took part in; the others are only counted.
 * Every value from the server is put in the page as text (textContent), never as HTML.
 */
import { attachScanField, displayScan, normalizeScan } from './scan-input.js';
import { ApiError, apiJson, inclusionProof, loadCheckpoint } from './api.js';
import { $, el, facts, identifier, mountSession, onSessionChange, party, partyNames, place, placeGln, plural, time } from './ui.js';
import { checkStepProof, hex32, base64Encode } from './ledger-verify.js';

const VERDICTS = {
  VERIFIED: { cls: 'verified', title: 'VERIFIED', icon: '✔', advice: 'The custody record of this package checks out.' },
  SUSPECT: { cls: 'suspect', title: 'SUSPECT', icon: '!', advice: 'Quarantine the package and investigate before dispensing it.' },
  ILLEGITIMATE: {
    cls: 'illegitimate',
    title: 'ILLEGITIMATE',
    icon: '✖',
    advice: 'Do not dispense. Quarantine the package and notify FDA (Form 3911) and your trading partners within 24 hours.',
  },
  NOT_FOUND: {
    cls: 'not-found',
    title: 'NOT FOUND',
    icon: '?',
    advice: 'No manufacturer recorded this serial number. Do not dispense until the manufacturer confirms the package.',
  },
};

const KINDS = {
  commissioned: 'Commissioned',
  packed: 'Packed',
  unpacked: 'Unpacked',
  shipped: 'Shipped',
  received: 'Received',
  ownership_transferred: 'Ownership transferred',
  dispensed: 'Dispensed',
  decommissioned: 'Decommissioned',
  destroyed: 'Destroyed',
  returned: 'Returned',
  recalled: 'Recalled',
  other: 'Other event',
};

const form = $('scan-form');
const input = $('scan-code');
const session = mountSession($('session'));
let generation = 0;

attachScanField(input);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void scan(normalizeScan(input.value));
});
// What one partner was shown is not for the next one at the counter.
onSessionChange(() => {
  generation++;
  reset();
  status('');
});

async function scan(code) {
  const gen = ++generation;
  const current = () => gen === generation;
  reset();
  if (!code) return showError('Scan or paste a code first.');
  status('Checking the package…');
  let body;
  try {
    ({ body } = await apiJson('../scan', { body: { code } }));
  } catch (e) {
    if (!current()) return;
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 400) return showError(`The code could not be read: ${e.problem?.detail ?? 'invalid scan'}`);
    if (!e.needsSignIn) return showError(e.message);
    session.prompt(); // signs a refused credential out (which clears the page) and puts the cursor in the sign-in form
    showError(e.message, { focus: false });
    return;
  }
  if (!current()) return;
  const names = await partyNames(partiesOf(body));
  if (!current()) return;
  render(body, names, code);
  const hidden = body.hiddenSteps > 0 ? ` (${hiddenText(body.hiddenSteps)})` : '';
  status(`${VERDICTS[body.verdict]?.title ?? body.verdict}: ${plural(body.custodyPath.length, 'custody step')} shown${hidden}. Checking ledger proofs in this browser…`);
  readyForNextScan();
  const summary = await verifyInBrowser(body, current);
  if (current()) status(`${$('verdict').querySelector('.verdict__title').textContent}. ${summary}`);
}

// -------------------------------------------------------------------------------------------------------------
// Rendering

function reset() {
  $('error').hidden = true;
  $('error').textContent = '';
  $('result').hidden = true;
  $('path-hidden').hidden = true;
  for (const id of ['reasons', 'product', 'checkpoint', 'timeline']) $(id).replaceChildren();
}

const hiddenText = (n) => `${plural(n, 'step')} by other parties ${n === 1 ? 'is' : 'are'} not shown`;

function status(text) {
  $('status').textContent = text;
}

function showError(text, { focus = true } = {}) {
  status('');
  $('error').textContent = text;
  $('error').hidden = false;
  if (focus) readyForNextScan();
}

/** Focus stays in the scan field with its text selected, so the next scan replaces it; the result is announced by #status. */
function readyForNextScan() {
  input.focus({ preventScroll: true });
  input.select();
}

function render(result, names, code) {
  const v = VERDICTS[result.verdict] ?? { cls: 'not-found', title: result.verdict, icon: '?', advice: '' };
  const banner = $('verdict');
  banner.className = `verdict verdict--${v.cls}`;
  banner.dataset.verdict = result.verdict;
  banner.querySelector('.verdict__icon').textContent = v.icon;
  banner.querySelector('.verdict__title').textContent = v.title;
  banner.querySelector('.verdict__advice').textContent = v.advice;
  banner.querySelector('.verdict__check').textContent = 'Checking the ledger proofs in this browser…';

  const steps = result.custodyPath ?? [];
  const stepOf = new Map(steps.map((s, i) => [s.eventId, i]));
  $('reasons').replaceChildren(
    ...(result.reasons ?? []).map((r) =>
      el(
        'li',
        { class: `reason reason--${String(r.severity).toLowerCase().replace('_', '-')}`, dataset: { code: r.code } },
        el('span', { class: 'reason__message' }, r.message),
        ' ',
        el('span', { class: 'reason__code' }, r.code),
        ...evidenceLinks(r.evidence, stepOf),
      ),
    ),
  );

  const scanned = result.scan ?? {};
  facts($('product'), [
    ['GTIN', scanned.gtin],
    ['NDC', scanned.ndc],
    ['Serial number', scanned.serial],
    ['Lot', scanned.lot],
    ['Expiry', scanned.expiry],
    ['Held by', result.currentHolder && party(result.currentHolder, names)],
    ['Scanned', displayScan(code), { class: 'mono' }],
  ]);

  const hidden = Number.isInteger(result.hiddenSteps) && result.hiddenSteps > 0 ? result.hiddenSteps : 0;
  $('path-empty').hidden = steps.length > 0 || hidden > 0;
  $('path-hidden').hidden = hidden === 0;
  $('path-hidden').textContent = hidden
    ? `${hiddenText(hidden)}: you see the steps your organisation took part in. ${steps.length ? '' : 'The verdict above covers the whole custody path.'}`.trim()
    : '';
  $('timeline').replaceChildren(...steps.map((step, i) => renderStep(step, i, names, result.reasons ?? [])));
  $('browser-check').dataset.state = 'pending';
  $('browser-check').textContent = "Checking the ledger's signed checkpoint and inclusion proofs…";
  $('result').hidden = false;
}

function evidenceLinks(evidence, stepOf) {
  const indices = (evidence ?? []).map((id) => stepOf.get(id)).filter((i) => i !== undefined);
  if (!indices.length) return [];
  return [' ', el('span', { class: 'reason__evidence' }, 'see ', ...indices.flatMap((i, n) => [n ? ', ' : '', el('a', { href: `#step-${i + 1}` }, `step ${i + 1}`)]))];
}

function renderStep(step, i, names, reasons) {
  const flags = reasons.filter((r) => (r.evidence ?? []).includes(step.eventId));
  const title = step.kind === 'other' && step.bizStep ? `Other event (${step.bizStep})` : (KINDS[step.kind] ?? step.kind);
  const signature = step.keyRevokedBeforeEvent
    ? ['key revoked before this event', 'bad']
    : step.signatureValid
      ? ['valid (checked by the verification service)', 'ok']
      : ['does NOT verify', 'bad'];
  const dl = el('dl', { class: 'facts step__facts' });
  facts(dl, [
    ['From', step.from?.length ? step.from.map((g) => party(g, names)).join(' / ') : undefined],
    ['To', step.to?.length ? step.to.map((g) => party(g, names)).join(' / ') : undefined],
    ['Place', step.place && place(step.place, names)],
    [step.kind === 'unpacked' ? 'Unpacked from' : 'Packed into', step.container && (step.kind === 'packed' || step.kind === 'unpacked') ? identifier(step.container) : undefined],
    ['Via case/pallet', step.via?.length ? step.via.map(identifier).join(' › ') : undefined],
    ['Signed by', `${party(step.signer.gln, names, step.signer.name)} · key ${step.signer.kid}`],
    ['Signature', signature[0], { class: `signature signature--${signature[1]}` }],
    ['Ledger proof', 'waiting for the signed checkpoint…', { class: 'proof', dataset: { proof: 'pending' } }],
    ['Event ID', el('a', { href: `ledger.html?eventId=${encodeURIComponent(step.eventId)}`, class: 'event-link', title: 'Check this event on the ledger page' }, step.eventId), { class: 'mono' }],
    ['Logged', `${time(step.recordTime)}${step.block ? ` · block ${step.block.height}` : ''}`],
  ]);
  return el(
    'li',
    {
      id: `step-${i + 1}`,
      class: `step step--${step.kind}${flags.length ? ' step--flagged' : ''}${flags.some((r) => r.severity === 'ILLEGITIMATE') ? ' step--flagged-illegitimate' : ''}`,
      dataset: { kind: step.kind, eventId: step.eventId },
    },
    el('span', { class: 'step__marker', 'aria-hidden': 'true' }),
    el(
      'article',
      { class: 'step__body', 'aria-labelledby': `step-${i + 1}-title` },
      el('h3', { id: `step-${i + 1}-title`, class: 'step__title' }, el('span', { class: 'step__kind' }, title), ' ', el('time', { datetime: step.eventTime, title: step.eventTime }, time(step.eventTime))),
      dl,
      flags.length ? el('ul', { class: 'step__flags', 'aria-label': 'Reasons shown by this step' }, ...flags.map((r) => el('li', { class: `flag flag--${String(r.severity).toLowerCase().replace('_', '-')}` }, r.code))) : undefined,
    ),
  );
}

/** The GLNs the answer names, for their registry names. */
function partiesOf(result) {
  const glns = [result.currentHolder];
  for (const s of result.custodyPath ?? []) glns.push(...(s.from ?? []), ...(s.to ?? []), s.signer?.gln, placeGln(s.place));
  return glns;
}

// -------------------------------------------------------------------------------------------------------------
// The checks this page makes itself

/**
 * The banner after the browser's own checks. A VERIFIED the browser cannot confirm is shown as NOT CONFIRMED, in
 * amber: the server's word alone must not look green. Worse verdicts stand; the banner says the proofs failed.
 */
function showConfirmation(verdict, confirmed, steps) {
  const banner = $('verdict');
  const check = banner.querySelector('.verdict__check');
  banner.dataset.confirmed = String(confirmed);
  if (confirmed) {
    check.textContent = steps ? 'Ledger proofs verified in this browser.' : "The ledger's signed checkpoint verified in this browser.";
    return;
  }
  check.textContent = 'The ledger proofs did NOT verify in this browser: treat the package as suspect.';
  if (verdict !== 'VERIFIED') return;
  banner.className = 'verdict verdict--unconfirmed';
  banner.querySelector('.verdict__icon').textContent = '!';
  banner.querySelector('.verdict__title').textContent = 'NOT CONFIRMED';
  banner.querySelector('.verdict__advice').textContent =
    'The verification service says VERIFIED, but this browser could not confirm it against the signed ledger. Quarantine the package and investigate before dispensing it.';
}

async function verifyInBrowser(result, current) {
  const steps = result.custodyPath ?? [];
  const proofCells = [...$('timeline').querySelectorAll('.proof')];
  const setProof = (i, state, text) => {
    proofCells[i].dataset.proof = state;
    proofCells[i].textContent = text;
  };
  const summary = (state, text) => {
    $('browser-check').dataset.state = state;
    $('browser-check').textContent = text;
    showConfirmation(result.verdict, state === 'verified', steps.length);
    return text;
  };
  const loaded = await loadCheckpoint();
  if (!current()) return '';
  const { cfg } = loaded;
  if (loaded.state === 'no-key') {
    steps.forEach((_, i) => setProof(i, 'unchecked', 'proof NOT verified: no ledger key is configured for this console'));
    return summary('failed', 'Nothing could be checked in this browser: no ledger verifier key is configured for this console.');
  }
  if (loaded.state === 'rejected') {
    facts($('checkpoint'), [
      ['Ledger key', cfg.ledgerVkey.split('+').slice(0, 2).join(' · '), { class: 'mono' }],
      ['Checkpoint', `REJECTED: ${loaded.reason}`, { class: 'signature signature--bad', dataset: { checkpoint: 'rejected' } }],
    ]);
    steps.forEach((_, i) => setProof(i, 'failed', 'proof NOT verified: the ledger checkpoint is not validly signed'));
    return summary('failed', `The ledger's checkpoint could not be verified in this browser (${loaded.reason}). Do not rely on this record: treat the package as suspect.`);
  }
  const { key, checkpoint, backend } = loaded;
  facts($('checkpoint'), [
    ['Ledger', checkpoint.origin],
    ['Ledger key', `${key.name} · ${hex32(key.keyId)} (from this console's configuration)`, { class: 'mono' }],
    ['Tree size', String(checkpoint.size)],
    ['Root hash', base64Encode(checkpoint.rootHash), { class: 'mono' }],
    ['Signature', `valid, Ed25519 checked in this browser (${backend})`, { class: 'signature signature--ok', dataset: { checkpoint: 'verified', backend } }],
    ['Witnesses', checkpoint.otherSignatures ? `${checkpoint.otherSignatures} cosignature(s): see the ledger page` : undefined],
    ['Published at', cfg.ledgerPublicUrl ? `${cfg.ledgerPublicUrl.replace(/\/+$/, '')}/checkpoint` : undefined, { class: 'mono' }],
  ]);
  steps.forEach((_, i) => setProof(i, 'pending', 'checking the inclusion proof…'));

  const outcomes = await Promise.all(
    steps.map(async (step) => {
      const { answer, reason } = await inclusionProof(step.eventId, checkpoint);
      return answer === undefined ? { ok: false, reason } : checkStepProof(step, checkpoint, answer);
    }),
  );
  if (!current()) return '';
  outcomes.forEach((o, i) =>
    o.ok ? setProof(i, 'verified', `✔ proof verified in this browser (leaf ${o.leafIndex} of ${checkpoint.size})`) : setProof(i, 'failed', `✖ proof NOT verified: ${o.reason}`),
  );
  const failed = outcomes.filter((o) => !o.ok).length;
  if (!steps.length)
    return summary('verified', `The ledger's checkpoint (tree size ${checkpoint.size}) is validly signed; there is no custody step ${result.hiddenSteps > 0 ? 'shown to you ' : ''}to prove.`);
  if (!failed)
    return summary('verified', `All ${steps.length} custody ${steps.length === 1 ? 'step is' : 'steps are'} proven in the ledger's signed checkpoint of tree size ${checkpoint.size}.`);
  return summary('failed', `${failed} of ${steps.length} custody steps could not be proven in the ledger's signed checkpoint. Do not rely on this record: treat the package as suspect.`);
}
