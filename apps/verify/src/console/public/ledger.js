/**
 * The ledger page: the latest signed checkpoint verified with the configured ledger key, its witnesses'
 * cosignatures verified with their registered keys, the checkpoints seen since the page opened, and a proof check
 * of one event against the signed root. All verification is ledger-verify.js, in this browser.
 */
import { credential, inclusionProof, loadCheckpoint, witnessKeys } from './api.js';
import { $, cbvTerm, el, facts, mountSession, onSessionChange, party, partyNames, plural, table, time } from './ui.js';
import { base64Decode, base64Encode, checkEventProof, cosignatureTime, hex32, verifyCosignature } from './ledger-verify.js';

const session = mountSession($('session'));
/** The checkpoint shown, once verified: proofs are checked against it. */
let verified;
let refreshing;
const seen = [];

$('refresh').addEventListener('click', () => void refresh());
$('proof-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void checkProof($('proof-event').value.trim());
});
// A proof shows an event: custody data, not left on screen when the credential changes.
onSessionChange(() => clearProof());

const requested = new URLSearchParams(location.search).get('eventId');
if (requested) $('proof-event').value = requested;
refresh().then(() => {
  if (!requested) return;
  if (credential()) void checkProof(requested);
  else setProofState('pending', 'Sign in with your partner credential to check the proof of this event.');
});

// -------------------------------------------------------------------------------------------------------------
// The checkpoint and its cosignatures

function setCheckpointState(state, text) {
  $('checkpoint-state').dataset.state = state;
  $('checkpoint-state').textContent = text;
}

function refresh() {
  refreshing ??= load().finally(() => (refreshing = undefined));
  return refreshing;
}

async function load() {
  $('refresh').disabled = true;
  setCheckpointState('pending', "Checking the ledger's latest signed checkpoint…");
  const loaded = await loadCheckpoint();
  $('refresh').disabled = false;
  $('checkpoint').replaceChildren();
  $('cosignatures').replaceChildren();
  $('note').textContent = loaded.note ?? '';
  const { cfg } = loaded;
  if (loaded.state === 'no-key') {
    verified = undefined;
    setCheckpointState('failed', 'No ledger verifier key is configured for this console: nothing can be checked here.');
    return;
  }
  if (loaded.state === 'rejected') {
    verified = undefined;
    facts($('checkpoint'), [
      ['Ledger key', cfg.ledgerVkey.split('+').slice(0, 2).join(' · '), { class: 'mono' }],
      ['Checkpoint', `REJECTED: ${loaded.reason}`, { class: 'signature signature--bad', dataset: { checkpoint: 'rejected' } }],
    ]);
    setCheckpointState('failed', `✖ The ledger's checkpoint did NOT verify in this browser (${loaded.reason}). Do not rely on the ledger's answers.`);
    remember({ size: '—', root: '—', state: 'rejected', cosigned: '—' });
    return;
  }
  const { key, checkpoint, backend } = loaded;
  verified = checkpoint;
  facts($('checkpoint'), [
    ['Ledger', checkpoint.origin],
    ['Ledger key', `${key.name} · ${hex32(key.keyId)} (from this console's configuration)`, { class: 'mono' }],
    ['Tree size', String(checkpoint.size), { id: 'checkpoint-size' }],
    ['Root hash', base64Encode(checkpoint.rootHash), { class: 'mono', id: 'checkpoint-root' }],
    ['Signature', `valid, Ed25519 checked in this browser (${backend})`, { class: 'signature signature--ok', dataset: { checkpoint: 'verified', backend } }],
    ['Extensions', checkpoint.extensions.length ? checkpoint.extensions.join('; ') : undefined],
    ['Published at', cfg.ledgerPublicUrl ? `${cfg.ledgerPublicUrl.replace(/\/+$/, '')}/checkpoint` : undefined, { class: 'mono' }],
  ]);
  setCheckpointState('verified', `✔ The ledger's checkpoint of tree size ${checkpoint.size} is validly signed by its key: verified in this browser.`);
  const cosigned = await showCosignatures(checkpoint);
  remember({ size: checkpoint.size, root: base64Encode(checkpoint.rootHash), state: 'verified', cosigned });
}

/** Verifies and lists the cosignatures; resolves with a short summary for the history. */
async function showCosignatures(checkpoint) {
  const lines = checkpoint.cosignatures;
  if (!lines.length) {
    $('cosignatures').replaceChildren(el('p', { class: 'muted', id: 'cosignatures-none' }, 'No witness has cosigned this checkpoint yet.'));
    return 'none';
  }
  const keys = await witnessKeys(lines.map((l) => l.name));
  const names = await partyNames([...keys.values()].map((w) => w.gln));
  const checks = await Promise.all(
    lines.map(async (line) => {
      const witness = keys.get(line.name);
      if (!witness) return { state: 'unchecked', text: 'not checked: no registered witness key of this name' };
      const outcome = await verifyCosignature(checkpoint, line, base64Decode(witness.publicKey));
      return outcome.ok ? { state: 'verified', text: '✔ valid, checked in this browser' } : { state: 'failed', text: `✖ NOT valid: ${outcome.reason}` };
    }),
  );
  const rows = lines.map((line, i) => ({ line, witness: keys.get(line.name), check: checks[i] }));
  $('cosignatures').replaceChildren(
    table(
      'Cosignatures of this checkpoint',
      [
        ['Witness key', (r) => r.line.name, { class: 'mono' }],
        ['Key ID', (r) => hex32(r.line.keyId), { class: 'mono' }],
        ['Witness', (r) => (r.witness ? party(r.witness.gln, names, r.witness.name) : 'unknown')],
        [
          'Cosigned at',
          (r) => {
            const t = cosignatureTime(r.line);
            return t === undefined ? 'unknown' : el('time', { datetime: new Date(t * 1000).toISOString() }, time(new Date(t * 1000).toISOString()));
          },
        ],
        ['Signature', (r) => el('span', { class: `cosignature cosignature--${r.check.state}`, dataset: { cosignature: r.check.state } }, r.check.text)],
      ],
      rows,
      (r) => ({ witness: r.line.name, state: r.check.state }),
    ),
  );
  const valid = checks.filter((c) => c.state === 'verified').length;
  return `${valid} of ${plural(lines.length, 'cosignature')} valid`;
}

/** The checkpoints this page has loaded: the tree of an honest ledger only grows. */
function remember(entry) {
  const previous = seen.findLast((s) => typeof s.size === 'number');
  const shrank = previous && typeof entry.size === 'number' && entry.size < previous.size;
  const forked = previous && entry.size === previous.size && entry.root !== previous.root;
  seen.push({ ...entry, at: new Date().toISOString(), warning: shrank ? 'the tree shrank' : forked ? 'same size, another root: a fork' : '' });
  $('history').replaceChildren(
    table(
      'Checkpoints loaded since this page opened, newest last',
      [
        ['Loaded', (s) => el('time', { datetime: s.at }, time(s.at))],
        ['Tree size', (s) => String(s.size), { class: 'num' }],
        ['Root hash', (s) => s.root, { class: 'mono' }],
        ['Signature', (s) => (s.state === 'verified' ? 'valid' : 'REJECTED')],
        ['Cosignatures', (s) => s.cosigned],
        ['Warning', (s) => s.warning],
      ],
      seen,
    ),
    el('p', { class: 'help' }, 'A later checkpoint must have a tree at least as large; consistency between them is proven by the witnesses, whose cosignatures are shown above.'),
  );
}

// -------------------------------------------------------------------------------------------------------------
// Proof check

function setProofState(state, text) {
  const p = $('proof-state');
  p.hidden = false;
  p.dataset.state = state;
  p.textContent = text;
}

function clearProof() {
  $('proof-state').hidden = true;
  $('proof-state').textContent = '';
  $('proof').replaceChildren();
}

let proofGeneration = 0;

async function checkProof(eventId) {
  const gen = ++proofGeneration;
  clearProof();
  if (!eventId) return setProofState('failed', 'Paste an event ID first.');
  await refreshing;
  if (!verified) return setProofState('failed', '✖ The checkpoint is not verified, so nothing can be proven against it.');
  const checkpoint = verified;
  setProofState('pending', `Fetching and checking the inclusion proof at tree size ${checkpoint.size}…`);
  const { answer, reason, needsSignIn } = await inclusionProof(eventId, checkpoint);
  if (gen !== proofGeneration) return;
  if (answer === undefined) {
    if (needsSignIn) session.prompt();
    return setProofState('failed', `✖ No proof: ${reason}.`);
  }
  const outcome = await checkEventProof(eventId, checkpoint, answer);
  if (gen !== proofGeneration) return;
  if (!outcome.ok) return setProofState('failed', `✖ Proof NOT verified: ${outcome.reason}.`);
  const { leaf } = outcome;
  const names = await partyNames([leaf.signer?.gln]);
  if (gen !== proofGeneration) return;
  setProofState('verified', `✔ Proof verified in this browser: the event is leaf ${outcome.leafIndex} of the signed tree of size ${checkpoint.size}.`);
  const event = leaf.event ?? {};
  facts($('proof'), [
    ['Event ID', leaf.eventId, { class: 'mono' }],
    ['Leaf', `${outcome.leafIndex} of ${checkpoint.size}`],
    ['Leaf hash', base64Encode(outcome.leafHash), { class: 'mono' }],
    ['Event', [event.type, cbvTerm(event.bizStep), event.action && `(${event.action})`].filter(Boolean).join(' ')],
    ['Event time', event.eventTime && el('time', { datetime: event.eventTime }, time(event.eventTime))],
    ['Signed by', leaf.signer && `${party(leaf.signer.gln, names)} · key ${leaf.signer.kid}`],
    ['Recorded', leaf.recordTime && time(leaf.recordTime)],
  ]);
}
