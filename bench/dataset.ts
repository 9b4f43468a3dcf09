import { createPrivateKey, sign } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { base64urlEncode, generateKeyPair, utf8Encode, type PrivateJwk, type PublicJwk } from '@app/crypto';
import { registrationOf, Simulation, type Lot, type SignedDocument } from '@app/simulator';
import { scanCode } from '@app/simulator/identifiers';
import { bearer, now, progress, request, round, type Stack } from './harness';

/**
 * Data for the benchmarks: a partner with a fast signer, and whole supply chains from the project's simulator
 * (libs/simulator) captured through POST /capture with batch signatures, as partners upload them.
 */

/**
 * Ed25519 detached JWS exactly as signDetached makes them (docs/signature-protocol.md section 4), through node:crypto,
 * several times faster than noble's signer, so that generating load costs the machine less.
 */
export function fastSigner(privateJwk: PrivateJwk, kid: string): (payload: Uint8Array) => string {
  const key = createPrivateKey({ key: privateJwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  const header = base64urlEncode(utf8Encode(JSON.stringify({ alg: 'EdDSA', kid })));
  return (payload) => `${header}..${base64urlEncode(sign(null, Buffer.from(`${header}.${base64urlEncode(payload)}`, 'ascii'), key))}`;
}

export interface BenchPartner {
  gln: string;
  kid: string;
  publicJwk: PublicJwk;
  sign: (payload: Uint8Array) => string;
  registration: { gln: string } & Record<string, unknown>;
}

/** A manufacturer owning GS1 company prefix 0614141, with a fresh Ed25519 key. */
export function manufacturer(): BenchPartner {
  const { publicJwk, privateJwk } = generateKeyPair('EdDSA');
  const gln = '0614141000005';
  const kid = `${gln}/bench`;
  return {
    gln,
    kid,
    publicJwk,
    sign: fastSigner(privateJwk, kid),
    registration: { gln, name: 'Bench Pharma', roles: ['manufacturer'], keys: [{ kid, publicJwk, validFrom: '2020-01-01T00:00:00Z' }], companyPrefixes: ['0614141'] },
  };
}

export interface ChainShape {
  units: number;
  lots: number;
  unitsPerCase: number;
  casesPerPallet: number;
  seed: string;
  /** The (single) lot is recalled by its manufacturer. */
  recall?: boolean;
}

/**
 * One manufacturer's lots of serialized units, commissioned a case at a time, packed into cases and pallets, shipped
 * by the pallet to wholesalers, broken down and shipped by the case to pharmacies: every unit's custody path is 9
 * events (commission, pack case, pack pallet, ship, receive, unpack pallet, ship case, receive case, unpack case).
 * Nothing is dispensed or returned, so each scan of a unit should be VERIFIED.
 */
export function supplyChain(s: ChainShape): Simulation {
  return new Simulation({
    seed: s.seed,
    manufacturers: 1,
    productsPerManufacturer: 1,
    lotsPerProduct: s.lots,
    unitsPerLot: Math.ceil(s.units / s.lots),
    unitsPerCase: s.unitsPerCase,
    casesPerPallet: s.casesPerPallet,
    wholesalers: 3,
    pharmacies: 40,
    dispenseRatio: 0,
    returnRatio: 0,
    recall: !!s.recall,
  });
}

export interface LoadFigures {
  documents: number;
  events: number;
  epcs: number;
  /** From the first POST until the last capture was acknowledged. */
  captureSeconds: number;
  /** From the first POST until the signed log held every event. */
  totalSeconds: number;
  eventsPerSecond: number;
  epcsPerSecond: number;
}

/**
 * Registers the chain's partners, captures every document (DSCSA-Signature over its events, each partner with its
 * own credential, `concurrency` requests in flight) and waits until the ledger's signed checkpoint covers it all.
 * The database is analyzed then, as autovacuum would have done by the time a real data set of this size is queried.
 */
export async function loadChain(stack: Stack, sim: Simulation, concurrency = 4): Promise<LoadFigures> {
  const tokens = new Map<string, string>();
  for (const p of sim.partners) tokens.set(p.gln, await stack.register(registrationOf(p)));
  const total = sim.eventTotal();
  const base = await stack.treeSize();
  const started = now();
  let [documents, events, epcs, shown] = [0, 0, 0, 0];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for await (const doc of sim.documents()) {
    const task = capture(stack, doc, tokens.get(doc.signer.gln)!)
      .then(() => {
        documents++;
        events += doc.eventCount;
        epcs += doc.epcCount;
        if (now() - shown > 5000) {
          shown = now();
          const s = (now() - started) / 1000;
          progress(`captured ${events.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events (${Math.round(events / s)} events/s, ${Math.round(epcs / s)} EPCs/s)`);
        }
      })
      .catch((e: unknown) => void (failure ??= e))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) break;
    stack.assertAlive();
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  const captureSeconds = (now() - started) / 1000;
  await stack.waitForLog(base + events);
  const totalSeconds = (now() - started) / 1000;
  await stack.analyze(); // what follows reads a steady state: statistics as autovacuum would have them by now
  return {
    documents,
    events,
    epcs,
    captureSeconds: round(captureSeconds, 1),
    totalSeconds: round(totalSeconds, 1),
    eventsPerSecond: round(events / totalSeconds),
    epcsPerSecond: round(epcs / totalSeconds),
  };
}

/** POST /capture; a 503 (Kafka did not acknowledge in time) is retried, as the protocol allows. */
async function capture(stack: Stack, doc: SignedDocument, token: string): Promise<void> {
  const body = JSON.stringify(doc.document);
  for (let attempt = 1; ; attempt++) {
    const res = await request('POST', `${stack.url.ingest}/capture`, body, {
      'content-type': 'application/ld+json',
      'dscsa-signature': doc.signature,
      ...bearer(token),
    });
    if (res.status === 503 && attempt < 8) {
      await sleep(1000 * attempt);
      continue;
    }
    const job = JSON.parse(res.text) as { success?: boolean; errors?: unknown[] };
    if (res.status !== 202 || !job.success) throw new Error(`capture of ${doc.eventCount} events by ${doc.signer.gln}: ${res.status} ${res.text.slice(0, 500)}`);
    return;
  }
}

/** The GS1 DataMatrix text of a unit (by its index in the lot), as a scanner sends it. */
export function scanCodeOf(sim: Simulation, lot: Lot, unit: number): string {
  return scanCode({ gtin: lot.product.gtin, serial: sim.serial(lot, unit), lot: lot.number, expiry: lot.expiry });
}
