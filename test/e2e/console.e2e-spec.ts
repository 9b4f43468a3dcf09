import { INestApplication } from '@nestjs/common';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { generateKeyPair, signDetached, signJson } from '@app/crypto';
import { attachSignature, batchOf, eventHashId, parseEpcisDocument } from '@app/epcis';
import { gs1CheckDigit } from '@app/gs1';
import { hashLeaf } from '@app/merkle';
import { refInclusionProof } from '../../libs/merkle/src/testing/rfc9162-reference';
import { eventually, http, startStack, Stack } from '../support/stack';

/**
 * The pharmacist's console in headless Chromium: a wedge scanner types a DataMatrix with GS separators, the page
 * shows the verdict and the custody timeline, and verifies the ledger's checkpoint signature and every inclusion
 * proof itself, so a tampered checkpoint or proof shows as NOT verified whatever the server says.
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

/** Commissioned, packed into a case, the case shipped to the wholesaler and received there. */
function custodyEvents(serials: string[]) {
  const trade = { sourceList: [party('source', 'urn:epc:id:sgln:0614141.00000.0')], destinationList: [party('destination', 'urn:epc:id:sgln:0345678.00000.0')] };
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
    ],
  };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe('the pharmacist console: scan, verdict, custody timeline, proofs verified in the browser', () => {
  let stack: Stack;
  let ledger: INestApplication;
  let browser: Browser;
  let consoleUrl: string;
  const manufacturerKey = generateKeyPair('EdDSA');
  const wholesalerKey = generateKeyPair('EdDSA');
  const exampleKey = generateKeyPair('EdDSA');

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
    for (const p of partners) expect((await http('POST', `${stack.ingest}/admin/partners`, p, admin)).status).toBe(200);

    const events = custodyEvents(['SER001', 'SER002']);
    // A clone: CLONE1 commissioned a second time, a month later.
    const clone = ['2026-11-01T10:00:00.000-05:00', '2026-12-01T10:00:00.000-05:00'].map((eventTime) => ({
      ...events.manufacturer[0],
      eventTime,
      epcList: [sgtin('CLONE1')],
    }));
    for (const [list, key, kid] of [
      [[...events.manufacturer, ...clone], manufacturerKey, `${MANUFACTURER}/2026-a`],
      [events.wholesaler, wholesalerKey, `${WHOLESALER}/2026-a`],
    ] as const)
      for (const event of list) {
        const res = await http('POST', `${stack.ingest}/events`, attachSignature(event, signJson(event, key.privateJwk, kid)));
        expect([res.status, res.body?.detail]).toEqual([201, undefined]);
      }

    const xml = readFileSync(EXAMPLE_XML);
    const doc = parseEpcisDocument(xml, { contentType: 'application/xml' });
    const ids = doc.events.map((e) => eventHashId(e, { context: doc.context }));
    const jws = signDetached((await batchOf(ids)).payload, exampleKey.privateJwk, { kid: `${EXAMPLE_SELLER}/dscsa` });
    const capture = await fetch(`${stack.ingest}/capture`, { method: 'POST', headers: { 'content-type': 'application/xml', 'DSCSA-Signature': jws }, body: xml });
    expect(capture.status).toBe(202);

    // Everything in the ledger (4 + 2 + 8 leaves) and the scan complete, before the browser looks.
    await eventually(async () => ((await http('GET', `${process.env.LEDGER_URL}/blocks/latest`)).body?.treeSize === 14 ? true : undefined), 60000);
    await eventually(async () => {
      const r = await http('POST', `${stack.verify}/scan`, { code: `]d201${GTIN}21SER001\u001d10LOT42\u001d17280630` });
      return r.body?.verdict === 'VERIFIED' && r.body.custodyPath.length === 4 ? true : undefined;
    });

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
    await stack?.stop();
  });

  /** A fresh page (own context: nothing cached between cases) that fails the test on any console error or CSP violation. */
  async function openConsole(setup?: (page: Page) => Promise<void>): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    if (setup) await setup(page);
    await page.goto(consoleUrl);
    await page.locator('#scan-code').waitFor();
    return { page, errors, close: () => context.close() };
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

  it('serves the page from /console/ with a strict CSP, its config and nothing from other origins', async () => {
    const res = await fetch(`${stack.verify}/console`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, `${stack.verify}/console`).pathname).toBe('/console/');
    const page = await fetch(consoleUrl);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).not.toMatch(/https?:\/\//);
    const config = await http('GET', `${consoleUrl}config.json`);
    expect(config.body).toEqual({ ledgerVkey: stack.ledgerVkey, ledgerOrigin: stack.origin, ledgerPublicUrl: process.env.LEDGER_PUBLIC_URL });
    for (const path of ['../package.json', '%2e%2e%2fconsole.controller.ts', 'console.controller.ts', 'vendor/noble-curves/..%2f..%2f..%2fpackage.json', 'vendor/other/x.js'])
      expect((await fetch(consoleUrl + path)).status).toBe(404);
    expect((await fetch(`${consoleUrl}vendor/noble-curves/ed25519.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    const proxied = await fetch(`${consoleUrl}ledger/checkpoint`);
    expect(await proxied.text()).toBe(await (await fetch(`${process.env.LEDGER_URL}/checkpoint`)).text());
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
        return { size: cp.size, root: m.base64Encode(cp.rootHash), witnesses: cp.otherSignatures, leaves, refusals, wrongKey, disagreements };
      },
      { fx, proofsOf, vectors },
    );
    expect(outcome.size).toBe(8);
    expect(outcome.root).toBe('R+W5DjWJyKNJH8ajCoxI9gVjN9qVJjGpwRo6cQEDIJ0=');
    expect(outcome.witnesses).toBe(1);
    // checkStepProof proves every leaf, and then notices that the leaf is not the (stand-in) step's event.
    expect(outcome.leaves.map((l: { reason?: string }) => l.reason)).toEqual(Array(8).fill('the logged leaf is not JSON'));
    expect(outcome.refusals).toEqual(['tampered root: BAD_SIGNATURE', 'no ledger signature: UNVERIFIED', 'not a note: MALFORMED_NOTE']);
    expect(outcome.wrongKey).toBe('INVALID_KEY'); // a witness (type 0x04) key is no ledger key
    expect(outcome.disagreements).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('reads a wedge-scanned DataMatrix with GS separators: VERIFIED in green, the custody timeline, every proof verified here', async () => {
    const { page, errors, close } = await openConsole();
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

    const steps = page.locator('#timeline > li');
    expect(await steps.evaluateAll((els) => els.map((e) => (e as any).dataset.kind))).toEqual(['commissioned', 'packed', 'shipped', 'received']);
    const texts = await steps.allTextContents();
    expect(texts[0]).toContain(`Acme Pharma Inc. (${MANUFACTURER})`);
    expect(texts[1]).toContain(`Packed into`);
    expect(texts[1]).toContain(`SSCC ${CASE_SSCC}`);
    expect(texts[2]).toMatch(new RegExp(`From.*Acme Pharma Inc\\. \\(${MANUFACTURER}\\).*To.*Keystone Wholesale Drug Co\\. \\(${WHOLESALER}\\)`));
    expect(texts[2]).toContain(`Via case/pallet`);
    expect(texts[2]).toContain(`SSCC ${CASE_SSCC}`);
    expect(texts[3]).toContain(`Place`);
    expect(texts[3]).toContain(`Keystone Wholesale Drug Co. (${WHOLESALER})`);
    expect(texts[3]).toContain(`key ${WHOLESALER}/2026-a`);
    expect(texts.every((t) => t.includes('valid (checked by the verification service)'))).toBe(true);

    const shown = await proofs(page);
    expect(shown).toHaveLength(4);
    for (const p of shown) {
      expect(p.state).toBe('verified');
      expect(p.text).toContain('proof verified in this browser');
    }
    expect(await page.locator('#browser-check').getAttribute('data-state')).toBe('verified');
    expect(await page.locator('[data-checkpoint="verified"]').getAttribute('data-backend')).toBe('WebCrypto');
    expect(await page.locator('#checkpoint').textContent()).toContain('Tree size14');
    expect(await page.locator('#product').textContent()).toContain(`Held byKeystone Wholesale Drug Co. (${WHOLESALER})`);
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
    expect((await proofs(page)).map((p) => p.state)).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(errors).toEqual([]);
    await close();
  });

  it('accepts GS typed as the raw character or as text, and a pasted Digital Link', async () => {
    const { page, errors, close } = await openConsole();
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
    const { page, errors, close } = await openConsole();
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
    const { page, errors, close } = await openConsole(async (p) => {
      await p.route('**/console/ledger/checkpoint', async (route) => {
        const res = await route.fetch();
        const [origin, size, root, ...rest] = (await res.text()).split('\n');
        const bytes = Buffer.from(root, 'base64');
        bytes[7] ^= 0x01; // one bit of one byte of the root
        await route.fulfill({ response: res, body: [origin, size, bytes.toString('base64'), ...rest].join('\n') });
      });
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
    expect(shown).toHaveLength(4);
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
    const { page, errors, close } = await openConsole(async (p) => {
      await p.route(/\/console\/ledger\/proofs\/inclusion\?/, async (route) => {
        const url = new URL(route.request().url());
        const eventId = url.searchParams.get('eventId');
        if (eventId === ids[1]) url.searchParams.set('eventId', ids[0]); // a genuine proof, of the wrong event
        const res = await route.fetch({ url: url.href });
        const body = await res.json();
        if (eventId === ids[0]) body.leafData = Buffer.from(Buffer.from(body.leafData, 'base64').toString().replace('LOT42', 'LOT43')).toString('base64');
        await route.fulfill({ response: res, json: body });
      });
    });
    await wedgeScan(page, [`]d201${GTIN}21SER001`, '10LOT42', '17280630']);
    await settled(page);
    const shown = await proofs(page);
    expect(shown.map((p) => p.state)).toEqual(['failed', 'failed', 'verified', 'verified']);
    expect(shown[0].text).toBe('✖ proof NOT verified: the inclusion proof does not lead to the signed root hash');
    expect(shown[1].text).toMatch(/^✖ proof NOT verified: the logged leaf differs from the step shown \(event hash ID, event time/);
    expect(await page.locator('[data-checkpoint="verified"]').count()).toBe(1);
    expect(await page.locator('#browser-check').textContent()).toContain('2 of 4 custody steps could not be proven');
    expect(await page.locator('#verdict .verdict__title').textContent()).toBe('NOT CONFIRMED');
    await page.screenshot({ path: join(ARTIFACTS, 'tampered-proofs.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a cloned serial as ILLEGITIMATE in red, pointing at both commissionings', async () => {
    const { page, errors, close } = await openConsole();
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
    const { page, errors, close } = await openConsole();
    await wedgeScan(page, [`]d201${GTIN}21NOSUCH1`, '10LOT42', '17280630']);
    await settled(page);
    expect(await page.locator('#verdict').getAttribute('class')).toBe('verdict verdict--not-found');
    expect(await page.locator('#verdict .verdict__title').textContent()).toBe('NOT FOUND');
    expect(await page.locator('#verdict').evaluate((e) => (globalThis as any).getComputedStyle(e).borderTopColor)).toBe('rgb(120, 144, 156)');
    expect(await page.locator('#reasons li').evaluateAll((els) => els.map((e) => (e as any).dataset.code))).toEqual(['NEVER_COMMISSIONED']);
    expect(await page.locator('#reasons').textContent()).toContain('No manufacturer commissioned this serial number');
    expect(await page.locator('#timeline > li').count()).toBe(0);
    expect(await page.locator('#path-empty').isVisible()).toBe(true);
    expect(await page.locator('#browser-check').getAttribute('data-state')).toBe('verified');
    await page.screenshot({ path: join(ARTIFACTS, 'not-found.png'), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it('reports an unreadable code, and falls back to @noble/curves where WebCrypto has no Ed25519', async () => {
    const { page, errors, close } = await openConsole(async (p) => {
      await p.addInitScript(() => {
        const subtle = (globalThis as any).SubtleCrypto.prototype;
        const importKey = subtle.importKey;
        subtle.importKey = function (this: unknown, ...args: any[]) {
          const alg = args[2];
          if ((typeof alg === 'string' ? alg : alg?.name) === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
          return importKey.apply(this, args);
        };
      });
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
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]); // the refused scan's 400 is logged by Chromium
    await close();
  });
});
