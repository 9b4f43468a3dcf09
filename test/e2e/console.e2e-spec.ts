import { INestApplication } from '@nestjs/common';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { COSIGNATURE_V1, cosign, formatSignatureLine, signerKey } from '@app/checkpoint';
import { generateKeyPair, signDetached, signJson } from '@app/crypto';
import { attachSignature, batchOf, eventHashId, parseEpcisDocument } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { hashLeaf } from '@app/merkle';
import { refInclusionProof } from '../../libs/merkle/src/testing/rfc9162-reference';
import { bearer, eventually, http, startStack, Stack } from '../support/stack';
import { freePort } from '../support/processes';

/**
 * The web console in headless Chromium. The pharmacist's page: a pharmacy signs in with its partner credential, a
 * wedge scanner types a DataMatrix with GS separators, the page shows the verdict and the custody steps the pharmacy
 * may see, and verifies the ledger's checkpoint signature and every inclusion proof itself, so a tampered checkpoint
 * or proof shows as NOT verified whatever the server says. The investigations page as a regulator: recall report
 * and its CSV download, event search, access log (diversion and T3 as far as the server offers them). The ledger
 * page: the checkpoint and a witness cosignature verified in the browser, proof checks that pass and that fail.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = resolve(__dirname, '../../test-artifacts/console');
const CONFORMANCE = process.env.CONFORMANCE_DIR ?? resolve(__dirname, '../../../shared/conformance');
const CHECKPOINT_EXAMPLE = resolve(__dirname, '../../libs/checkpoint/src/fixtures/checkpoint-example.json');

const withCheck = (body: string) => body + gs1CheckDigit(body);
const MANUFACTURER = withCheck('061414100000'); // urn:epc:id:sgln:0614141.00000.0
const WHOLESALER = withCheck('034567800000'); // urn:epc:id:sgln:0345678.00000.0
const PHARMACY = withCheck('077777700000'); // urn:epc:id:sgln:0777777.00000.0
const WITNESS = withCheck('088888800000');
const WITNESS_KID = `${WITNESS}/witness-1`;
const GTIN = withCheck('0061414112345'); // urn:epc:id:sgtin:0614141.012345.*
const CASE = 'urn:epc:id:sscc:0614141.1234567890';
const CASE_SSCC = withCheck('10614141234567890');
const CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }];
const LICENSED = '2026-01-01T00:00:00Z';
// The GS1 US DSCSA example (EPCIS 1.2 XML): cases in a pallet, shipped; its product expired in 2025.
const EXAMPLE_XML = resolve(CONFORMANCE, 'epcis-documents/1.2/xml/capture/valid/GS1_US_Pharma_Example_2_2_1_1.xml');
const EXAMPLE_SELLER = withCheck('030001111111');
const EXAMPLE_BUYER = withCheck('039999999999');
const EXAMPLE_GTIN = withCheck('0030001012345');

const sgtin = (serial: string) => `urn:epc:id:sgtin:0614141.012345.${serial}`;
const party = (side: 'source' | 'destination', sgln: string) => ({ type: 'owning_party', [side]: sgln });
const base = (eventTime: string) => ({ '@context': CONTEXT, eventTime, eventTimeZoneOffset: '-05:00' });

/** Commissioned, packed into a case, the case shipped to the wholesaler and received there, then on to the pharmacy. */
function custodyEvents(serials: string[]) {
  const trade = { sourceList: [party('source', 'urn:epc:id:sgln:0614141.00000.0')], destinationList: [party('destination', 'urn:epc:id:sgln:0345678.00000.0')] };
  const sale = { sourceList: [party('source', 'urn:epc:id:sgln:0345678.00000.0')], destinationList: [party('destination', 'urn:epc:id:sgln:0777777.00000.0')] };
  return {
    manufacturer: [
      {
        ...base('2026-11-01T10:00:00.000-05:00'),
        type: 'ObjectEvent',
        epcList: serials.map(sgtin),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
        ilmd: { 'cbvmda:lotNumber': 'LOT42', 'cbvmda:itemExpirationDate': '2028-06-30' },
      },
      {
        ...base('2026-11-01T11:00:00.000-05:00'),
        type: 'AggregationEvent',
        parentID: CASE,
        childEPCs: serials.map(sgtin),
        action: 'ADD',
        bizStep: 'packing',
        disposition: 'in_progress',
        readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
      },
      {
        ...base('2026-11-02T09:00:00.000-05:00'),
        type: 'ObjectEvent',
        epcList: [CASE],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
        ...trade,
      },
    ],
    wholesaler: [
      {
        ...base('2026-11-03T14:30:00.000-05:00'),
        type: 'ObjectEvent',
        epcList: [CASE],
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: { id: 'urn:epc:id:sgln:0345678.00001.0' },
        bizLocation: { id: 'urn:epc:id:sgln:0345678.00000.0' },
        ...trade,
      },
      {
        ...base('2026-11-05T10:00:00.000-05:00'),
        type: 'ObjectEvent',
        epcList: [CASE],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: 'urn:epc:id:sgln:0345678.00001.0' },
        ...sale,
      },
    ],
    pharmacy: [
      {
        ...base('2026-11-06T09:00:00.000-05:00'),
        type: 'ObjectEvent',
        epcList: [CASE],
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: { id: 'urn:epc:id:sgln:0777777.00001.0' },
        bizLocation: { id: 'urn:epc:id:sgln:0777777.00000.0' },
        ...sale,
      },
    ],
  };
}


/** Until the ledger's checkpoint stops growing (the verify app appends an access-log entry for every read). */
async function quietCheckpoint(ledgerUrl: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const note = await (await fetch(`${ledgerUrl}/checkpoint`)).text();
    if (note === last) return note;
    last = note;
    await new Promise((r) => setTimeout(r, 1500));
  }
  throw new Error('the ledger kept growing');
}

describe('the web console: package check, investigations and ledger pages, checked in the browser', () => {
  let stack: Stack;
  let ledger: INestApplication;
  let browser: Browser;
  let consoleUrl: string;
  /** Partner credentials: the pharmacy at the counter, the manufacturer, and the stack's regulator. */
  const tokens: Record<'pharmacy' | 'manufacturer' | 'regulator', string> = { pharmacy: '', manufacturer: '', regulator: '' };
  const manufacturerKey = generateKeyPair('EdDSA');
  const wholesalerKey = generateKeyPair('EdDSA');
  const pharmacyKey = generateKeyPair('EdDSA');
  const exampleKey = generateKeyPair('EdDSA');
  const witnessSeed = crypto.getRandomValues(new Uint8Array(32));

  beforeAll(async () => {
    // The verify app reads LEDGER_URL when it starts, before the ledger has a port: give the ledger a known one.
    const ledgerPort = await freePort();
    process.env.LEDGER_URL = `http://127.0.0.1:${ledgerPort}`;
    process.env.LEDGER_PUBLIC_URL = `http://127.0.0.1:${ledgerPort}`;
    stack = await startStack('console', { ledger: false });
    process.env.LEDGER_PORT = String(ledgerPort);
    const { startApp } = await import('@app/platform');
    const { LedgerModule } = await import('../../apps/ledger/src/ledger.module');
    ledger = await startApp(LedgerModule, { name: 'ledger', portKey: 'LEDGER_PORT', description: 'ledger' });
    consoleUrl = `${stack.verify}/console/`;

    const admin = { authorization: `Bearer ${stack.adminToken}` };
    const { ed25519 } = await import('@noble/curves/ed25519');
    const partners = [
      {
        gln: MANUFACTURER,
        name: 'Acme Pharma Inc.',
        roles: ['manufacturer'],
        keys: [{ kid: `${MANUFACTURER}/2026-a`, publicJwk: manufacturerKey.publicJwk, validFrom: LICENSED }],
        companyPrefixes: ['0614141'],
        licences: [{ kind: 'fda-registration', number: '3001234567', validFrom: LICENSED }],
      },
      {
        gln: WHOLESALER,
        name: 'Keystone Wholesale Drug Co.',
        roles: ['wholesaler'],
        keys: [{ kid: `${WHOLESALER}/2026-a`, publicJwk: wholesalerKey.publicJwk, validFrom: LICENSED }],
        licences: [{ kind: 'state-wholesale', number: 'WD-1234', jurisdiction: 'US-PA', validFrom: LICENSED }],
      },
      {
        gln: PHARMACY,
        name: 'Corner Pharmacy',
        roles: ['dispenser'],
        keys: [{ kid: `${PHARMACY}/2026-a`, publicJwk: pharmacyKey.publicJwk, validFrom: LICENSED }],
        licences: [{ kind: 'state-pharmacy', number: 'PH-5678', jurisdiction: 'US-NY', validFrom: LICENSED }],
      },
      {
        gln: WITNESS,
        name: 'Open Ledger Witness Cooperative',
        roles: ['3pl'],
        keys: [
          {
            kid: WITNESS_KID,
            publicJwk: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(ed25519.getPublicKey(witnessSeed)).toString('base64url') },
            validFrom: LICENSED,
          },
        ],
      },
      {
        gln: EXAMPLE_SELLER,
        name: 'Example Manufacturer',
        roles: ['manufacturer'],
        keys: [{ kid: `${EXAMPLE_SELLER}/dscsa`, publicJwk: exampleKey.publicJwk, validFrom: '2000-01-01T00:00:00Z' }],
        companyPrefixes: ['030001'],
        licences: [{ kind: 'fda-registration', number: 'FEI-1000001', validFrom: '2020-01-01T00:00:00Z' }],
      },
      {
        gln: EXAMPLE_BUYER,
        name: 'Example Wholesaler',
        roles: ['wholesaler'],
        keys: [],
        licences: [{ kind: 'state-wholesale', number: 'WD-77', jurisdiction: 'US-NJ', validFrom: '2020-01-01T00:00:00Z' }],
      },
    ];
    for (const p of partners) expect([p.gln, (await http('POST', `${stack.ingest}/admin/partners`, p, admin)).status]).toEqual([p.gln, 200]);
    tokens.pharmacy = await stack.credential(PHARMACY);
    tokens.manufacturer = await stack.credential(MANUFACTURER);
    tokens.regulator = stack.regulator.token;
    // Each partner submits the events it signed, with its own credential.
    const submitter = { [MANUFACTURER]: tokens.manufacturer, [WHOLESALER]: await stack.credential(WHOLESALER), [PHARMACY]: tokens.pharmacy };

    const events = custodyEvents(['SER001', 'SER002']);
    // A clone: CLONE1 commissioned a second time, a month later.
    const clone = ['2026-11-01T10:00:00.000-05:00', '2026-12-01T10:00:00.000-05:00'].map((eventTime) => ({
      ...events.manufacturer[0],
      eventTime,
      epcList: [sgtin('CLONE1')],
    }));
    const submit = async (list: Record<string, unknown>[], key: { privateJwk: any }, gln: string) => {
      for (const event of list) {
        const signature = signJson(event, key.privateJwk, `${gln}/2026-a`);
        const res = await http('POST', `${stack.ingest}/events`, attachSignature(event, signature), bearer(submitter[gln]));
        expect([res.status, res.body?.detail]).toEqual([201, undefined]);
      }
    };
    await submit(events.manufacturer, manufacturerKey, MANUFACTURER);
    // Kafka orders events only within a partition, and the clone's key differs from the originals':
    // the ledger logs the originals first (the recall report's commissioning order) only if they are in before the clone is sent.
    await eventually(async () => ((await http('GET', `${process.env.LEDGER_URL}/blocks/latest`)).body?.treeSize >= events.manufacturer.length ? true : undefined), 60000);
    await submit(clone, manufacturerKey, MANUFACTURER);
    await submit(events.wholesaler, wholesalerKey, WHOLESALER);
    await submit(events.pharmacy, pharmacyKey, PHARMACY);

    const xml = readFileSync(EXAMPLE_XML);
    const doc = parseEpcisDocument(xml, { contentType: 'application/xml' });
    const ids = doc.events.map((e) => eventHashId(e, { context: doc.context }));
    const jws = signDetached((await batchOf(ids)).payload, exampleKey.privateJwk, { kid: `${EXAMPLE_SELLER}/dscsa` });
    const capture = await fetch(`${stack.ingest}/capture`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'DSCSA-Signature': jws, ...bearer(await stack.credential(EXAMPLE_SELLER)) },
      body: xml,
    });
    expect(capture.status).toBe(202);

    // Every event in the ledger (5 + 2 + 1 + 8 leaves, then access-log entries) and the scans complete, before the browser looks.
    await eventually(async () => ((await http('GET', `${process.env.LEDGER_URL}/blocks/latest`)).body?.treeSize >= 16 ? true : undefined), 60000);
    await eventually(async () => {
      const r = await http('POST', `${stack.verify}/scan`, { code: `]d201${GTIN}21SER001\u001d10LOT42\u001d17280630` });
      const example = await http('POST', `${stack.verify}/scan`, { code: `01${EXAMPLE_GTIN}2111` });
      return r.body?.verdict === 'VERIFIED' && r.body.custodyPath.length === 6 && example.body?.custodyPath?.at(-1)?.kind === 'shipped' ? true : undefined;
    });
    // The pharmacy sees its own two steps of the package; its scan is in the access log.
    const scoped = await http('POST', `${stack.verify}/scan`, { code: `01${GTIN}21SER001` }, bearer(tokens.pharmacy));
    expect([scoped.body.verdict, scoped.body.custodyPath.length, scoped.body.hiddenSteps]).toEqual(['VERIFIED', 2, 4]);

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
    await stack?.stop();
  });

  interface Open {
    /** Signs in through the page's credential panel. */
    token?: string;
    setup?: (page: Page) => Promise<void>;
    /** The page under /console/: '' (package check), 'regulator.html' or 'ledger.html'. */
    path?: string;
  }

  /** A fresh page (own context: nothing cached between cases) that fails the test on any console error or CSP violation. */
  async function openConsole({ token, setup, path = '' }: Open = {}): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York', acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    if (setup) await setup(page);
    await page.goto(consoleUrl + path);
    await page.locator('#session[data-state="signed-out"] #credential').waitFor();
    if (token) await signInWith(page, token);
    return { page, errors, close: () => context.close() };
  }

  async function signInWith(page: Page, token: string) {
    await page.locator('#credential').fill(token);
    await page.locator('#sign-in').click();
    await page.locator('#session[data-state="signed-in"] #session-who').waitFor();
  }

  /** Types like a keyboard-wedge scanner: the characters, GS as Ctrl-] or as the raw character, then Enter. */
  async function wedgeScan(page: Page, parts: string[], gsAs: 'ctrl' | 'char' = 'ctrl') {
    await page.locator('#scan-code').fill('');
    await page.locator('#scan-code').focus();
    for (const [i, part] of parts.entries()) {
      if (i > 0) {
        if (gsAs === 'ctrl') await page.keyboard.press('Control+BracketRight');
        else await page.keyboard.insertText('\u001d');
      }
      await page.keyboard.type(part, { delay: 2 });
    }
    await page.keyboard.press('Enter');
  }

  async function settled(page: Page) {
    await page.locator('#result').waitFor({ state: 'visible' });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#browser-check')?.getAttribute('data-state') !== 'pending', undefined, { timeout: 30000 });
  }

  const proofs = (page: Page) => page.locator('#timeline .proof').evaluateAll((els) => els.map((e) => ({ state: (e as any).dataset.proof, text: e.textContent })));
  const rowData = (page: Page, selector: string, key: string) => page.locator(selector).evaluateAll((els, k) => els.map((e) => (e as any).dataset[k]), key);
  /** Chromium logs every refused request as a console error: expected ones are left out. */
  const unexpected = (errors: string[], ...statuses: number[]) => errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));

  it('serves the pages from /console/ with a strict CSP each, its config and nothing from other origins', async () => {
    const res = await fetch(`${stack.verify}/console`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, `${stack.verify}/console`).pathname).toBe('/console/');
    for (const path of ['', 'regulator.html', 'ledger.html']) {
      const page = await fetch(consoleUrl + path);
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 200, expect.stringMatching(/^text\/html/)]);
      const csp = page.headers.get('content-security-policy');
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')?;/);
      expect(csp).not.toMatch(/unsafe|https?:/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await page.text()).not.toMatch(/https?:\/\//);
    }
    const config = await http('GET', `${consoleUrl}config.json`, undefined, { authorization: '' });
    expect(config.body).toEqual({ ledgerVkey: stack.ledgerVkey, ledgerOrigin: stack.origin, ledgerPublicUrl: process.env.LEDGER_PUBLIC_URL });
    for (const path of ['../package.json', '%2e%2e%2fconsole.controller.ts', 'console.controller.ts', 'vendor/noble-curves/..%2f..%2f..%2fpackage.json', 'vendor/other/x.js', 'nosuch.html'])
      expect([path, (await fetch(consoleUrl + path)).status]).toEqual([path, 404]);
    expect((await fetch(`${consoleUrl}vendor/noble-curves/ed25519.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    const proxied = await fetch(`${consoleUrl}ledger/checkpoint`);
    expect(await proxied.text()).toBe(await (await fetch(`${process.env.LEDGER_URL}/checkpoint`)).text());
    // Who a credential belongs to, for the sign-in panel; nothing without one. Witness keys are public.
    expect((await http('GET', `${consoleUrl}session`, undefined, bearer(tokens.pharmacy))).body).toEqual({ gln: PHARMACY, name: 'Corner Pharmacy', roles: ['dispenser'] });
    expect((await http('GET', `${consoleUrl}session`, undefined, { authorization: '' })).status).toBe(401);
    const witnesses = await http('GET', `${consoleUrl}witnesses?kid=${encodeURIComponent(WITNESS_KID)}&kid=nobody`, undefined, { authorization: '' });
    expect(witnesses.body.witnesses).toEqual([{ kid: WITNESS_KID, gln: WITNESS, name: 'Open Ledger Witness Cooperative', publicKey: expect.any(String) }]);
  });

  it('verifies the checkpoint example and the RFC 9162 inclusion vectors with the page modules, in Chromium', async () => {
    const fx = JSON.parse(readFileSync(CHECKPOINT_EXAMPLE, 'utf8'));
    const leafHashes = fx.leaves.map((l: string) => hashLeaf(Buffer.from(l)));
    const proofsOf = fx.leaves.map((_: string, i: number) => refInclusionProof(i, leafHashes).map((h) => Buffer.from(h).toString('base64')));
    const vectors: { leafIdx: number; treeSize: number; root: number[]; leafHash: number[]; proof: number[][]; wantErr: boolean; desc: string }[] = [];
    const walk = (dir: string) =>
      readdirSync(dir).forEach((name) => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return walk(p);
        const v = JSON.parse(readFileSync(p, 'utf8'));
        const bytes = (s: string) => [...Buffer.from(s ?? '', 'base64')];
        vectors.push({ ...v, root: bytes(v.root), leafHash: bytes(v.leafHash), proof: (v.proof ?? []).map(bytes) });
      });
    walk(join(CONFORMANCE, 'merkle/inclusion'));
    expect(vectors.length).toBeGreaterThan(50);

    const { page, errors, close } = await openConsole();
    // A string, so that the TypeScript transpiler leaves this dynamic import() alone.
    await page.evaluate(`import('./ledger-verify.js').then((m) => { globalThis.ledgerVerify = m; })`);
    const outcome = await page.evaluate(
      async ({ fx, proofsOf, vectors }) => {
        const m = (globalThis as any).ledgerVerify;
        const key = await m.parseVkey(fx.ledgerVkey);
        const cp = await m.openCheckpoint(new TextEncoder().encode(fx.cosignedNote), key);
        const witnessKey = m.base64Decode(fx.witnessVkey.split('+')[2]).subarray(1);
        const cosignature = await m.verifyCosignature(cp, cp.cosignatures[0], witnessKey);
        const notByLedgerKey = await m.verifyCosignature(cp, cp.cosignatures[0], key.publicKey);
        const otherCheckpoint = await m.verifyCosignature({ ...cp, text: cp.text.replace('\n8\n', '\n9\n') }, cp.cosignatures[0], witnessKey);
        const leaves = await Promise.all(
          fx.leaves.map(async (leaf: string, i: number) => {
            const leafData = m.base64Encode(new TextEncoder().encode(leaf));
            const step = { eventId: 'n/a' };
            return m.checkStepProof(step, cp, { treeSize: 8, leafIndex: i, leafData, proof: proofsOf[i] });
          }),
        );
        const refusals: string[] = [];
        for (const [what, note] of [
          ['tampered root', fx.signedNote.replace('R+W5', 'R+W6')],
          ['no ledger signature', fx.checkpoint + '\n' + fx.cosignatureLine],
          ['not a note', 'hello\n'],
        ])
          await m.openCheckpoint(new TextEncoder().encode(note), key).then(
            () => refusals.push(`${what}: accepted`),
            (e: { code: string }) => refusals.push(`${what}: ${e.code}`),
          );
        const wrongKey = await m.parseVkey(fx.witnessVkey).catch((e: { code: string }) => e.code);
        const disagreements = [];
        for (const v of vectors) {
          const ok = await m.verifyInclusion(new Uint8Array(v.leafHash), v.leafIdx, v.treeSize, v.proof.map((p: number[]) => new Uint8Array(p)), new Uint8Array(v.root));
          if (ok === v.wantErr) disagreements.push(v.desc);
        }
        return {
          size: cp.size,
          root: m.base64Encode(cp.rootHash),
          witnesses: cp.otherSignatures,
          cosignatures: [cosignature, notByLedgerKey, otherCheckpoint],
          leaves,
          refusals,
          wrongKey,
          disagreements,
        };
      },
      { fx, proofsOf, vectors },
    );
    expect(outcome.size).toBe(8);
    expect(outcome.root).toBe('R+W5DjWJyKNJH8ajCoxI9gVjN9qVJjGpwRo6cQEDIJ0=');
    expect(outcome.witnesses).toBe(1);
    expect(outcome.cosignatures).toEqual([
      { ok: true, time: fx.cosignatureTime },
      { ok: false, reason: "the key ID does not match the witness's registered key" },
      { ok: false, reason: 'the signature does not verify' },
    ]);
    // checkStepProof proves every leaf, and then notices that the leaf is not the (stand-in) step's event.
    expect(outcome.leaves.map((l: { reason?: string }) => l.reason)).toEqual(Array(8).fill('the logged leaf is not JSON'));
    expect(outcome.refusals).toEqual(['tampered root: BAD_SIGNATURE', 'no ledger signature: UNVERIFIED', 'not a note: MALFORMED_NOTE']);
    expect(outcome.wrongKey).toBe('INVALID_KEY'); // a witness (type 0x04) key is no ledger key
    expect(outcome.disagreements).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('asks for a partner credential: anonymous scans are refused, a bad token is not kept, the token lives in sessionStorage only', async () => {
    const { page, errors, close } = await openConsole();
    expect(await page.locator('#session label[for="credential"]').textContent()).toBe('Partner credential');
    expect(await page.locator('#credential').getAttribute('type')).toBe('password');
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await page.locator('#error').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).toBe('Sign in with your partner credential to see custody data.');
    expect(await page.locator('#result').isHidden()).toBe(true);
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('credential');
    await page.screenshot({ path: join(ARTIFACTS, 'signed-out.png'), fullPage: true });

    await page.locator('#credential').fill('not-a-token');
    await page.locator('#sign-in').click();
    expect(await page.locator('#session-error').textContent()).toMatch(/^That is not a partner credential/);
    await page.locator('#credential').fill(`dscsa_${'0'.repeat(32)}_${'A'.repeat(43)}`);
    await page.locator('#sign-in').click();
    await page.locator('#session-error', { hasText: 'not accepted' }).waitFor();
    expect(await page.locator('#session').getAttribute('data-state')).toBe('signed-out');

    await signInWith(page, tokens.pharmacy);
    expect(await page.locator('#session-who').textContent()).toBe(`Signed in as Corner Pharmacy (${PHARMACY}) · dispenser`);
    const storage = () => page.evaluate(() => ({ session: Object.values((globalThis as any).sessionStorage), local: (globalThis as any).localStorage.length }));
    expect(await storage()).toEqual({ session: [tokens.pharmacy], local: 0 });
    await page.reload();
    await page.locator('#session[data-state="signed-in"] #session-who', { hasText: 'Corner Pharmacy' }).waitFor();

    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('VERIFIED');
    await page.locator('#sign-out').click();
    expect(await page.locator('#result').isHidden()).toBe(true); // what the pharmacy was shown goes with its session
    expect(await storage()).toEqual({ session: [], local: 0 });
    expect(await page.locator('#session').getAttribute('data-state')).toBe('signed-out');
    expect(unexpected(errors, 401)).toEqual([]);
    await close();
  });

  it("reads a wedge-scanned DataMatrix with GS separators: VERIFIED in green, the pharmacy's own custody steps, every proof verified here", async () => {
    const { page, errors, close } = await openConsole({ token: tokens.pharmacy });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#scan-code').inputValue()).toBe(`]d201${GTIN}21SER001<GS>10LOT42<GS>17280630`);

    const banner = page.locator('#verdict');
    expect(await banner.getAttribute('class')).toBe('verdict verdict--verified');
    expect(await banner.locator('.verdict__title').textContent()).toBe('VERIFIED');
    expect(await banner.evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(30, 126, 52)');
    expect(await banner.getAttribute('data-confirmed')).toBe('true');
    expect(await banner.locator('.verdict__check').textContent()).toBe('Ledger proofs verified in this browser.');
    expect(await page.locator('#reasons li').count()).toBe(0);

    // A trading partner sees the steps it took part in: the sale to it and its receipt; the four before are counted.
    const steps = page.locator('#timeline > li');
    expect(await steps.evaluateAll((els) => els.map((e) => (e as any).dataset.kind))).toEqual(['shipped', 'received']);
    expect(await page.locator('#path-hidden').textContent()).toMatch(/^4 steps by other parties are not shown/);
    expect(await page.locator('#path-empty').isHidden()).toBe(true);
    const texts = await steps.allTextContents();
    expect(texts[0]).toMatch(new RegExp(`From.*Keystone Wholesale Drug Co\\. \\(${WHOLESALER}\\).*To.*Corner Pharmacy \\(${PHARMACY}\\)`));
    expect(texts[0]).toContain('Via case/pallet');
    expect(texts[0]).toContain(`SSCC ${CASE_SSCC}`);
    expect(texts[1]).toContain('Place');
    expect(texts[1]).toContain(`Corner Pharmacy (${PHARMACY})`);
    expect(texts[1]).toContain(`key ${PHARMACY}/2026-a`);
    expect(texts.every((t) => t.includes('valid (checked by the verification service)'))).toBe(true);

    const shown = await proofs(page);
    expect(shown).toHaveLength(2);
    for (const p of shown) {
      expect(p.state).toBe('verified');
      expect(p.text).toContain('proof verified in this browser');
    }
    expect(await page.locator('#browser-check').getAttribute('data-state')).toBe('verified');
    expect(await page.locator('[data-checkpoint="verified"]').getAttribute('data-backend')).toBe('WebCrypto');
    expect(await page.locator('#checkpoint').textContent()).toMatch(/Tree size\d+/);
    expect(await page.locator('#product').textContent()).toContain(`Held byCorner Pharmacy (${PHARMACY})`);
    await page.screenshot({ path: join(ARTIFACTS, 'verified.png'), fullPage: true });

    // The counter's next scan: focus stayed in the field with the last code selected, so the scanner just types over it.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('scan-code');
    await page.keyboard.type(`]d201${GTIN}21SER002`);
    await page.keyboard.press('Control+BracketRight');
    await page.keyboard.type('10LOT42');
    await page.keyboard.press('Control+BracketRight');
    await page.keyboard.type('17280630\n');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#product')?.textContent.includes('SER002'));
    await settled(page);
    expect(await page.locator('#scan-code').inputValue()).toBe(`]d201${GTIN}21SER002<GS>10LOT42<GS>17280630`);
    expect((await proofs(page)).map((p) => p.state)).toEqual(['verified', 'verified']);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a regulator the whole custody path: parties, places and containers, every proof verified here', async () => {
    const { page, errors, close } = await openConsole({ token: tokens.regulator });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('VERIFIED');
    const steps = page.locator('#timeline > li');
    expect(await steps.evaluateAll((els) => els.map((e) => (e as any).dataset.kind))).toEqual(['commissioned', 'packed', 'shipped', 'received', 'shipped', 'received']);
    expect(await page.locator('#path-hidden').isHidden()).toBe(true);
    const texts = await steps.allTextContents();
    expect(texts[0]).toContain(`Acme Pharma Inc. (${MANUFACTURER})`);
    expect(texts[1]).toContain(`Packed into`);
    expect(texts[1]).toContain(`SSCC ${CASE_SSCC}`);
    expect(texts[2]).toMatch(new RegExp(`From.*Acme Pharma Inc\\. \\(${MANUFACTURER}\\).*To.*Keystone Wholesale Drug Co\\. \\(${WHOLESALER}\\)`));
    expect(texts[3]).toContain(`Keystone Wholesale Drug Co. (${WHOLESALER})`);
    expect(texts[3]).toContain(`key ${WHOLESALER}/2026-a`);
    expect((await proofs(page)).map((p) => p.state)).toEqual(Array(6).fill('verified'));
    expect(await page.locator('#product').textContent()).toContain(`Held byCorner Pharmacy (${PHARMACY})`);
    await page.screenshot({ path: join(ARTIFACTS, 'verified-regulator.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('accepts GS typed as the raw character or as text, and a pasted Digital Link', async () => {
    const { page, errors, close } = await openConsole({ token: tokens.pharmacy });
    await wedgeScan(page, [`]d201${GTIN}21SER002`, '10LOT42', '17280630'], 'char');
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('VERIFIED');
    expect(await page.locator('#product').textContent()).toContain('Serial numberSER002');

    for (const code of [`01${GTIN}21SER002<GS>10LOT42<GS>17280630`, `01${GTIN}21SER002\\u001d10LOT42\\u001d17280630`, `https://id.gs1.org/01/${GTIN}/21/SER002?17=280630&10=LOT42`]) {
      await page.locator('#scan-code').fill(code);
      await page.locator('#scan-code').press('Enter');
      await settled(page);
      expect([code, await page.locator('#verdict').getAttribute('data-verdict')]).toEqual([code, 'VERIFIED']);
      expect(await page.locator('#product').textContent()).toContain('Lot');
    }
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a SUSPECT package in amber, with the cases and pallet it shipped in (the GS1 US example, expired)', async () => {
    const { page, errors, close } = await openConsole({ token: tokens.regulator });
    await wedgeScan(page, [`]d201${EXAMPLE_GTIN}2111`, '10A123', '17250327']);
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('class')).toBe('verdict verdict--suspect');
    expect(await page.locator('#verdict .verdict__title').textContent()).toBe('SUSPECT');
    expect(await page.locator('#verdict').evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(183, 121, 31)');
    expect(await page.locator('#reasons li').evaluateAll((els) => els.map((e) => (e as any).dataset.code))).toEqual(['EXPIRED']);
    expect(await page.locator('#reasons').textContent()).toContain('The product expired on 2025-03-27.');
    const kinds = await page.locator('#timeline > li').evaluateAll((els) => els.map((e) => (e as any).dataset.kind));
    expect(kinds[0]).toBe('commissioned');
    expect(kinds).toContain('packed');
    expect(kinds[kinds.length - 1]).toBe('shipped');
    const shipped = await page.locator('#timeline > li').last().textContent();
    expect(shipped).toMatch(/Via case\/pallet.*SSCC \d{18}/);
    expect(shipped).toContain(`Example Wholesaler (${EXAMPLE_BUYER})`);
    expect((await proofs(page)).every((p) => p.state === 'verified' && p.text!.includes('proof verified in this browser'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'suspect-expired.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows the proofs as NOT verified when the checkpoint root is altered on its way to the browser', async () => {
    const { page, errors, close } = await openConsole({
      token: tokens.pharmacy,
      setup: async (p) => {
        await p.route('**/console/ledger/checkpoint', async (route) => {
          const res = await route.fetch();
          const [origin, size, root, ...rest] = (await res.text()).split('\n');
          const bytes = Buffer.from(root, 'base64');
          bytes[7] ^= 0x01; // one bit of one byte of the root
          await route.fulfill({ response: res, body: [origin, size, bytes.toString('base64'), ...rest].join('\n') });
        });
      },
    });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    // The server said VERIFIED; the page cannot confirm it, so the banner is not green.
    const banner = page.locator('#verdict');
    expect([await banner.getAttribute('data-verdict'), await banner.getAttribute('class'), await banner.getAttribute('data-confirmed')]).toEqual([
      'VERIFIED',
      'verdict verdict--unconfirmed',
      'false',
    ]);
    expect(await banner.locator('.verdict__title').textContent()).toBe('NOT CONFIRMED');
    expect(await banner.evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(183, 121, 31)');
    const shown = await proofs(page);
    expect(shown).toHaveLength(2);
    for (const p of shown) {
      expect(p.state).toBe('failed');
      expect(p.text).toContain('proof NOT verified');
    }
    expect(await page.locator('#browser-check').getAttribute('data-state')).toBe('failed');
    expect(await page.locator('#browser-check').textContent()).toContain('treat the package as suspect');
    expect(await page.locator('[data-checkpoint="rejected"]').textContent()).toMatch(/REJECTED: invalid signature/);
    await page.screenshot({ path: join(ARTIFACTS, 'tampered-checkpoint.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('catches an altered leaf and a proof of another event, step by step', async () => {
    const ids: string[] = (await http('POST', `${stack.verify}/scan`, { code: `01${GTIN}21SER001` })).body.custodyPath.map((s: { eventId: string }) => s.eventId);
    const { page, errors, close } = await openConsole({
      token: tokens.regulator,
      setup: async (p) => {
        await p.route(/\/console\/ledger\/proofs\/inclusion\?/, async (route) => {
          const url = new URL(route.request().url());
          const eventId = url.searchParams.get('eventId');
          if (eventId === ids[1]) url.searchParams.set('eventId', ids[0]); // a genuine proof, of the wrong event
          const res = await route.fetch({ url: url.href });
          const body = await res.json();
          if (eventId === ids[0]) body.leafData = Buffer.from(Buffer.from(body.leafData, 'base64').toString().replace('LOT42', 'LOT43')).toString('base64');
          await route.fulfill({ response: res, json: body });
        });
      },
    });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    const shown = await proofs(page);
    expect(shown.map((p) => p.state)).toEqual(['failed', 'failed', 'verified', 'verified', 'verified', 'verified']);
    expect(shown[0].text).toBe('✖ proof NOT verified: the inclusion proof does not lead to the signed root hash');
    expect(shown[1].text).toMatch(/^✖ proof NOT verified: the logged leaf differs from the step shown \(event hash ID, event time/);
    expect(await page.locator('[data-checkpoint="verified"]').count()).toBe(1);
    expect(await page.locator('#browser-check').textContent()).toContain('2 of 6 custody steps could not be proven');
    expect(await page.locator('#verdict .verdict__title').textContent()).toBe('NOT CONFIRMED');
    await page.screenshot({ path: join(ARTIFACTS, 'tampered-proofs.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a cloned serial as ILLEGITIMATE in red, pointing at both commissionings (as the manufacturer sees it)', async () => {
    const { page, errors, close } = await openConsole({ token: tokens.manufacturer });
    await wedgeScan(page, [`]d201${GTIN}21CLONE1`, '10LOT42', '17280630']);
    await settled(page);
    const banner = page.locator('#verdict');
    expect(await banner.getAttribute('class')).toBe('verdict verdict--illegitimate');
    expect(await banner.locator('.verdict__title').textContent()).toBe('ILLEGITIMATE');
    expect(await banner.evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(198, 40, 40)');
    expect(await banner.locator('.verdict__advice').textContent()).toContain('Do not dispense');
    expect(await page.locator('#reasons li').evaluateAll((els) => els.map((e) => (e as any).dataset.code))).toEqual(['COMMISSIONED_MORE_THAN_ONCE']);
    expect(await page.locator('#reasons').textContent()).toContain('see step 1, step 2');
    expect(await page.locator('#timeline > li.step--flagged').count()).toBe(2);
    expect((await proofs(page)).map((p) => p.state)).toEqual(['verified', 'verified']);
    await page.screenshot({ path: join(ARTIFACTS, 'illegitimate-clone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows an unknown serial as NOT_FOUND in grey, with nothing to prove', async () => {
    const { page, errors, close } = await openConsole({ token: tokens.pharmacy });
    await wedgeScan(page, [`]d201${GTIN}21NOSUCH1`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('class')).toBe('verdict verdict--not-found');
    expect(await page.locator('#verdict .verdict__title').textContent()).toBe('NOT FOUND');
    expect(await page.locator('#verdict').evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(120, 144, 156)');
    expect(await page.locator('#reasons li').evaluateAll((els) => els.map((e) => (e as any).dataset.code))).toEqual(['NEVER_COMMISSIONED']);
    expect(await page.locator('#reasons').textContent()).toContain('No manufacturer commissioned this serial number');
    expect(await page.locator('#timeline > li').count()).toBe(0);
    expect(await page.locator('#path-empty').isVisible()).toBe(true);
    expect(await page.locator('#path-hidden').isHidden()).toBe(true);
    expect(await page.locator('#browser-check').getAttribute('data-state')).toBe('verified');
    await page.screenshot({ path: join(ARTIFACTS, 'not-found.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('reports an unreadable code, and falls back to @noble/curves where WebCrypto has no Ed25519', async () => {
    const { page, errors, close } = await openConsole({
      token: tokens.pharmacy,
      setup: async (p) => {
        await p.addInitScript(() => {
          const subtle = (globalThis as any).SubtleCrypto.prototype;
          const importKey = subtle.importKey;
          subtle.importKey = function (this: unknown, ...args: any[]) {
            const alg = args[2];
            if ((typeof alg === 'string' ? alg : alg?.name) === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
            return importKey.apply(this, args);
          };
        });
      },
    });
    await page.locator('#scan-code').fill(`]d201${GTIN.slice(0, 13)}${(Number(GTIN[13]) + 1) % 10}21SER001`);
    await page.locator('#scan-code').press('Enter');
    await page.locator('#error').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).toMatch(/^The code could not be read: /);
    expect(await page.locator('#result').isHidden()).toBe(true);

    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('[data-checkpoint="verified"]').getAttribute('data-backend')).toBe('noble');
    expect((await proofs(page)).every((p) => p.state === 'verified')).toBe(true);
    expect(unexpected(errors, 400)).toEqual([]); // the refused scan's 400 is logged by Chromium
    await close();
  });

  it('investigations as a regulator: recall report and its CSV, event search by product and partner, access log', async () => {
    const { page, errors, close } = await openConsole({ path: 'regulator.html' });
    // Signed out, a report asks for the credential.
    await page.locator('#recall-gtin').fill(GTIN);
    await page.locator('#recall-lots').fill('LOT42');
    await page.locator('#recall-form button[type="submit"]').click();
    await page.locator('#recall-output .error').waitFor();
    expect(await page.locator('#recall-output .error').textContent()).toBe('Sign in with your partner credential to see custody data.');
    await signInWith(page, tokens.regulator);
    expect(await page.locator('#session-who').textContent()).toBe(`Signed in as FDA Office of Criminal Investigations (${stack.regulator.gln}) · regulator`);

    // (a) Recall report: every unit of the lot and who holds it.
    await page.locator('#recall-form button[type="submit"]').click();
    await page.locator('#recall-summary').waitFor();
    expect(await page.locator('#recall-summary').textContent()).toBe(`3 units of GTIN ${GTIN} in lot LOT42: 0 dispensed, 3 still in the supply chain.`);
    // Units in the order they were commissioned (serials are random in practice: serial order would scatter a report over every case).
    expect(await rowData(page, '#recall-output table >> nth=1 >> tbody tr', 'serial')).toEqual(['SER001', 'SER002', 'CLONE1']);
    const holders = await page.locator('#recall-output table').first().locator('tbody tr').allTextContents();
    expect(holders).toEqual([`Corner Pharmacy (${PHARMACY})2`, `Acme Pharma Inc. (${MANUFACTURER})1`]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#recall-csv').click()]);
    expect(download.suggestedFilename()).toBe(`recall-${GTIN}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const direct = await fetch(`${stack.verify}/recalls/report?gtin=${GTIN}&lot=LOT42&format=csv`, { headers: bearer(tokens.regulator) });
    expect(csv).toBe(await direct.text());
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('gtin,lot,serial,sgtin,holder_gln,holder_name,dispensed,reasons');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([`${GTIN},LOT42,SER001`, `${GTIN},LOT42,SER002`, `${GTIN},LOT42,CLONE1`]);
    expect(lines[1]).toContain(`,${PHARMACY},`);
    await page.locator('#recall-status', { hasText: `Downloaded recall-${GTIN}.csv.` }).waitFor();

    // (c) Event search: every event of the product, two per page; then the events at the wholesaler's site.
    await page.locator('#search-product').fill('urn:epc:idpat:sgtin:0614141.012345.*');
    await page.locator('#search-per-page').fill('2');
    await page.locator('#search-form button[type="submit"]').click();
    await page.locator('#search-summary').waitFor();
    const first = await page.locator('#search-output tbody tr').allTextContents();
    expect(first).toHaveLength(2);
    expect(await page.locator('#search-output tbody tr').first().textContent()).toContain('Object commissioning (ADD)');
    await page.locator('#search-next').click();
    await page.locator('#search-page', { hasText: 'Page 2' }).waitFor();
    const second = await page.locator('#search-output tbody tr').allTextContents();
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((row) => first.includes(row))).toEqual([]);
    await page.locator('#search-product').fill('');
    await page.locator('#search-location').fill(WHOLESALER);
    await page.locator('#search-per-page').fill('30');
    await page.locator('#search-form button[type="submit"]').click();
    await page.locator('#search-page', { hasText: 'Page 1' }).waitFor();
    await page.locator('#search-summary', { hasText: '1 event on page 1.' }).waitFor();
    const atWholesaler = await page.locator('#search-output tbody tr').textContent();
    expect(atWholesaler).toContain('Object receiving (OBSERVE)');
    expect(atWholesaler).toContain(`Keystone Wholesale Drug Co. (${WHOLESALER})`);
    expect(atWholesaler).toContain(`SSCC ${CASE_SSCC}`);

    // (e) Access log: the pharmacy's scans, each sent on to the ledger.
    await page.locator('#access-actor').fill(PHARMACY);
    await page.locator('#access-form button[type="submit"]').click();
    await page.locator('#access-summary').waitFor();
    const actors = await rowData(page, '#access-output tbody tr', 'actor');
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set([PHARMACY]));
    expect(await rowData(page, '#access-output tbody tr', 'action')).toContain('scan');
    expect(await page.locator('#access-output tbody tr').first().textContent()).toContain(`Corner Pharmacy (${PHARMACY})`);
    await page.locator('#access-actor').fill('');
    await page.locator('#access-gtin').fill(GTIN);
    await page.locator('#access-form button[type="submit"]').click();
    await page.locator('#access-output tbody tr[data-action="recall-report"]').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'regulator.png'), fullPage: true });

    // A pharmacy may not run a recall report: the page says so.
    await page.locator('#sign-out').click();
    expect(await page.locator('#recall-output').textContent()).toBe(''); // the regulator's answers went with its session
    await signInWith(page, tokens.pharmacy);
    await page.locator('#recall-form button[type="submit"]').click();
    await page.locator('#recall-output .error').waitFor();
    expect(await page.locator('#recall-output .error').textContent()).toMatch(/^Your credential does not allow this: a recall report is for regulators/);
    expect(unexpected(errors, 401, 403)).toEqual([]);
    await close();
  });

  it('investigations: diversion report with evidence, T3 shown and downloaded as XML and JSON, a clear error where a report is missing', async () => {
    const { page, errors, close } = await openConsole({ path: 'regulator.html', token: tokens.regulator });
    for (const id of ['diversion-from', 'diversion-to', 'diversion-partner', 'diversion-gtin', 't3-gtin', 't3-serial', 't3-lot'])
      expect([id, await page.locator(`label[for="${id}"]`).count()]).toEqual([id, 1]);

    // (b) Diversion: the clone's second commissioning (December) is in the window, with its evidence linked to proof checks.
    await page.locator('#diversion-from').fill('2026-10-01T00:00');
    await page.locator('#diversion-to').fill('2027-01-01T00:00');
    await page.locator('#diversion-gtin').fill(GTIN);
    await page.locator('#diversion-form button[type="submit"]').click();
    await page.locator('#diversion-summary').waitFor();
    // The page sends the window as instants of the browser's time zone (America/New_York here).
    const direct = await fetch(`${stack.verify}/investigations/diversion?from=2026-10-01T04:00:00.000Z&to=2027-01-01T05:00:00.000Z&gtin=${GTIN}&format=json`, {
      headers: bearer(tokens.regulator),
    });
    const report = (await direct.json()) as { anomalies: { code: string; evidence: string[] }[] };
    expect(await page.locator('#diversion-summary').textContent()).toMatch(/^\d+ anomal(y|ies) from Oct 1, 2026, 12:00 AM EDT to Jan 1, 2027, 12:00 AM EST: .*COMMISSIONED_MORE_THAN_ONCE 1/);
    expect(await rowData(page, '#diversion-output tbody tr', 'code')).toEqual(report.anomalies.map((a) => a.code));
    const clone = page.locator('#diversion-output tbody tr[data-code="COMMISSIONED_MORE_THAN_ONCE"]');
    expect(await clone.textContent()).toContain(`GTIN ${GTIN} serial CLONE1`);
    expect(await clone.textContent()).toContain(`Acme Pharma Inc. (${MANUFACTURER})`);
    const evidence = report.anomalies.find((a) => a.code === 'COMMISSIONED_MORE_THAN_ONCE')!.evidence;
    expect(await clone.locator('a').evaluateAll((as) => as.map((a) => (a as any).getAttribute('href')))).toEqual(evidence.map((id) => `ledger.html?eventId=${encodeURIComponent(id)}`));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#diversion-csv').click()]);
    expect(csv.suggestedFilename()).toBe('diversion-2026-10-01-2027-01-01.csv');
    expect(readFileSync(await csv.path(), 'utf8')).toContain('COMMISSIONED_MORE_THAN_ONCE');
    expect(await page.locator('#diversion-output tbody tr').count()).toBe(report.anomalies.length); // the report shown stays

    // (d) T3 of one package: shown, then downloaded as XML and as JSON.
    await page.locator('#t3-gtin').fill(GTIN);
    await page.locator('#t3-form button[type="submit"]').click();
    await page.locator('#t3-output .error', { hasText: 'Give a serial number or a lot.' }).waitFor();
    await page.locator('#t3-serial').fill('SER001');
    await page.locator('#t3-form button[type="submit"]').click();
    await page.locator('#t3-information').waitFor();
    const information = await page.locator('#t3-information').textContent();
    expect(information).toContain(`GTIN${GTIN}`);
    expect(information).toContain(`SellerKeystone Wholesale Drug Co. (${WHOLESALER})`);
    expect(information).toContain(`BuyerCorner Pharmacy (${PHARMACY})`);
    const history = await page.locator('#t3-output tbody tr').allTextContents();
    expect(history).toHaveLength(2);
    expect(history[0]).toContain(`Acme Pharma Inc. (${MANUFACTURER})`);
    expect(history[1]).toContain(`Corner Pharmacy (${PHARMACY})`);
    const [xml] = await Promise.all([page.waitForEvent('download'), page.locator('#t3-xml').click()]);
    expect(xml.suggestedFilename()).toBe(`t3-${GTIN}-SER001.xml`);
    const xmlText = readFileSync(await xml.path(), 'utf8');
    expect(xmlText).toMatch(/EPCISDocument/);
    expect(xmlText).toContain('SER001');
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator('#t3-json').click()]);
    expect(json.suggestedFilename()).toBe(`t3-${GTIN}-SER001.json`);
    expect(JSON.parse(readFileSync(await json.path(), 'utf8')).transactionInformation).toMatchObject({ gtin: GTIN, serialNumber: 'SER001' });
    await page.screenshot({ path: join(ARTIFACTS, 'regulator-diversion-t3.png'), fullPage: true });

    // A server without a report (an older deployment) answers a plain 404: the page says so in words.
    await page.route(/\/investigations\/t3\?/, (route) =>
      route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Cannot GET /investigations/t3' }) }),
    );
    await page.locator('#t3-form button[type="submit"]').click();
    await page.locator('#t3-output .error', { hasText: 'HTTP 404' }).waitFor();
    expect(await page.locator('#t3-output .error').textContent()).toBe(
      'This server does not offer that yet (HTTP 404 for an unknown address): the service may not be deployed here.',
    );
    expect(unexpected(errors, 404)).toEqual([]);
    await close();
  });

  it('the ledger page: checkpoint and witness cosignature verified here, a proof check that passes and one that fails', async () => {
    const ids: string[] = (await http('POST', `${stack.verify}/scan`, { code: `01${GTIN}21SER001` })).body.custodyPath.map((s: { eventId: string }) => s.eventId);
    // A witness cosigns the checkpoint the page will load (once the access-log entries of earlier reads are in).
    const note = await quietCheckpoint(process.env.LEDGER_URL!);
    const size = Number(note.split('\n')[1]);
    const line = formatSignatureLine(cosign(note.slice(0, note.indexOf('\n\n') + 1), signerKey(COSIGNATURE_V1, WITNESS_KID, witnessSeed), Math.floor(Date.now() / 1000)));
    expect((await http('POST', `${process.env.LEDGER_URL}/checkpoints/${size}/cosignatures`, { cosignature: line })).status).toBe(201);

    let tamper = false;
    const { page, errors, close } = await openConsole({
      path: 'ledger.html',
      setup: async (p) => {
        await p.route(/\/console\/ledger\/proofs\/inclusion\?/, async (route) => {
          const res = await route.fetch();
          if (!tamper || !res.ok()) return route.fulfill({ response: res });
          const body = await res.json();
          const leaf = Buffer.from(body.leafData, 'base64');
          leaf[leaf.length - 2] ^= 0x01; // one bit of one byte of the logged event
          await route.fulfill({ response: res, json: { ...body, leafData: leaf.toString('base64') } });
        });
      },
    });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#checkpoint-state')?.getAttribute('data-state') !== 'pending');
    expect(await page.locator('#checkpoint-state').getAttribute('data-state')).toBe('verified');
    expect(await page.locator('#checkpoint-size').textContent()).toBe(String(size));
    expect(await page.locator('[data-checkpoint="verified"]').getAttribute('data-backend')).toBe('WebCrypto');
    expect(await page.locator('#checkpoint').textContent()).toContain(stack.origin);
    await page.locator('[data-cosignature]').first().waitFor();
    expect(await rowData(page, '#cosignatures tbody tr', 'state')).toEqual(['verified']);
    const cosignature = await page.locator('#cosignatures tbody tr').textContent();
    expect(cosignature).toContain(WITNESS_KID);
    expect(cosignature).toContain(`Open Ledger Witness Cooperative (${WITNESS})`);
    expect(cosignature).toContain('✔ valid, checked in this browser');
    expect(await page.locator('#history tbody tr').count()).toBe(1);

    // Signed out, the proof (custody data) is refused.
    await page.locator('#proof-event').fill(ids[0]);
    await page.locator('#proof-form button[type="submit"]').click();
    await page.locator('#proof-state[data-state="failed"]').waitFor();
    expect(await page.locator('#proof-state').textContent()).toBe('✖ No proof: sign in to fetch the proof.');

    await signInWith(page, tokens.regulator);
    await page.locator('#proof-form button[type="submit"]').click();
    await page.locator('#proof-state[data-state="verified"]').waitFor();
    expect(await page.locator('#proof-state').textContent()).toMatch(new RegExp(`^✔ Proof verified in this browser: the event is leaf \\d+ of the signed tree of size ${size}\\.$`));
    const proven = await page.locator('#proof').textContent();
    expect(proven).toContain(`Event ID${ids[0]}`);
    expect(proven).toContain(`Signed by${`Acme Pharma Inc. (${MANUFACTURER})`} · key ${MANUFACTURER}/2026-a`);
    expect(proven).toContain('ObjectEvent commissioning (ADD)');
    await page.screenshot({ path: join(ARTIFACTS, 'ledger.png'), fullPage: true });

    tamper = true;
    await page.locator('#proof-event').fill(ids[3]);
    await page.locator('#proof-form button[type="submit"]').click();
    await page.locator('#proof-state[data-state="failed"]').waitFor();
    expect(await page.locator('#proof-state').textContent()).toBe('✖ Proof NOT verified: the inclusion proof does not lead to the signed root hash.');
    expect(await page.locator('#proof').textContent()).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'ledger-tampered-proof.png'), fullPage: true });

    tamper = false;
    await page.locator('#proof-event').fill('ni:///sha-256;0000000000000000000000000000000000000000000000000000000000000000?ver=CBV2.0');
    await page.locator('#proof-form button[type="submit"]').click();
    await page.locator('#proof-state[data-state="failed"]').waitFor();
    expect(await page.locator('#proof-state').textContent()).toMatch(/^✖ No proof: the ledger has no proof \(/);

    // Another checkpoint loaded: the history keeps both, the tree only grew.
    await page.locator('#refresh').click();
    await page.locator('#history tbody tr >> nth=1').waitFor();
    expect(await page.locator('#history tbody tr').last().locator('td').last().textContent()).toBe('');
    expect(unexpected(errors, 401, 404)).toEqual([]);
    await close();
  });

  it("links a custody step to its proof check on the ledger page, in the pharmacy's session", async () => {
    const { page, errors, close } = await openConsole({ token: tokens.pharmacy });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    const link = page.locator('#timeline > li').last().locator('a.event-link');
    const eventId = (await link.textContent())!;
    expect(eventId).toMatch(/^ni:\/\/\/sha-256;/);
    await link.click();
    await page.waitForURL(/ledger\.html\?eventId=/);
    await page.locator('#proof-state[data-state="verified"]').waitFor({ timeout: 30000 });
    expect(await page.locator('#proof-event').inputValue()).toBe(eventId);
    expect(await page.locator('#session-who').textContent()).toContain('Corner Pharmacy');
    expect(await page.locator('#proof').textContent()).toContain(`Signed byCorner Pharmacy (${PHARMACY}) · key ${PHARMACY}/2026-a`);
    expect(errors).toEqual([]);
    await close();
  });
});
