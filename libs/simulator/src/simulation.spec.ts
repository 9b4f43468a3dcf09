import { ANOMALY_CODES, assessCustody, authorizeSigner, findAnomalies, isRecall, type CustodyEvent, type PartnerFacts, type Recall, type RegistryView } from '@app/custody';
import { publicJwkFromPrivate, verifyDetached } from '@app/crypto';
import { batchOf, checkEvents, eventHashId, summarizeEvent, validateEpcisInput, type JsonObject } from '@app/epcis';
import { isGln, isGtin, parseEpcUri, parseScan } from '@app/gs1';
import { ANOMALY_KINDS, EPCIS_CONTEXT, Simulation, TRADE_ANOMALY_KINDS, type SignedDocument, type SimEvent, type SimulationInput } from '.';

const ALL_ANOMALIES: SimulationInput = {
  unitsPerLot: 10,
  unitsPerCase: 4,
  casesPerPallet: 2,
  recall: true,
  anomalies: { counterfeit: 2, clone: 2, diversion: 2, custodyGap: 3, expired: 2, recalled: 2, reverseDirection: 2, unlicensedRecipient: 2, vanished: 2, velocity: 2 },
};
/** After every simulated event, before any legitimate expiry. */
const TODAY = '2027-01-01';

/** The logged events as the verify app would load them, and the registry facts it would pass. */
function custodyWorld(sim: Simulation) {
  const events: CustodyEvent[] = [...sim.events()].map(({ time, signer, event }, seq) => ({
    eventId: eventHashId(event, { context: EPCIS_CONTEXT }),
    seq,
    summary: summarizeEvent(event),
    signer: { gln: signer.gln, kid: signer.kid, name: signer.name },
    recordTime: new Date(time + 60_000).toISOString(),
    signatureValid: true,
    inclusionVerified: true,
  }));
  const partners = new Map<string, PartnerFacts>(
    sim.partners.map((p) => [p.gln, { gln: p.gln, name: p.name, roles: [p.role], licences: [{ kind: p.licence.kind, validFrom: p.licence.validFrom, validUntil: p.licence.validUntil ?? null }] }]),
  );
  const registry: RegistryView = {
    prefixOwner: (gtin) => {
      const owner = sim.partners.find((p) => gtin.slice(1).startsWith(p.companyPrefix));
      return owner && { prefix: owner.companyPrefix, gln: owner.gln, delegates: [] };
    },
  };
  const recalls: Recall[] = events.filter((e) => isRecall(e.summary)).map((e) => ({ gtin: e.summary.classes[0].gtin, lots: e.summary.classes.map((c) => c.lot!), eventId: e.eventId }));
  const assessItem = (item: string, label: { lot?: string; expiry?: string }) => assessCustody({ item, label, events, partners, registry, recalls, today: TODAY });
  const assess = (code: string) => {
    const scan = parseScan(code);
    return assessItem(scan.sgtin!, { lot: scan.lot, expiry: scan.expiry });
  };
  /** The diversion report over every serialized package the events name, for a window that holds the whole chain. */
  const divert = () => {
    const items = new Set(events.flatMap((e) => e.summary.epcs.map((x) => x.epc).filter((epc) => epc.includes('/21/'))));
    const units = [...items].map((sgtin) => {
      const assessment = assessItem(sgtin, {});
      const commissioning = events.find((e) => assessment.path[0]?.eventId === e.eventId)?.summary;
      return { sgtin, lot: commissioning?.lot, expiry: commissioning?.expiry, assessment };
    });
    const eventTimes = new Map(events.map((e) => [e.eventId, e.summary.eventTime]));
    return findAnomalies(units, { from: sim.options.start, to: `${TODAY}T00:00:00Z`, partners, eventTimes });
  };
  return { events, registry, assess, divert };
}

async function collect(sim: Simulation): Promise<SignedDocument[]> {
  const docs: SignedDocument[] = [];
  for await (const d of sim.documents()) docs.push(d);
  return docs;
}

describe('the supply-chain simulator', () => {
  const sim = new Simulation({ seed: 7, ...ALL_ANOMALIES });
  const world = custodyWorld(sim);

  it('gives every reported package exactly the reason codes the custody engine finds', () => {
    const { anomalies, samples } = sim.summary();
    expect(new Set(anomalies.map((a) => a.kind))).toEqual(new Set([...ANOMALY_KINDS, ...TRADE_ANOMALY_KINDS]));
    expect(samples.map((s) => s.fate)).toEqual(expect.arrayContaining(['in-stock', 'dispensed']));
    for (const p of [...anomalies, ...samples]) {
      const verdict = world.assess(p.scanCode);
      expect({ package: p, codes: verdict.reasons.map((r) => r.code) }).toEqual({ package: p, codes: p.expectedReasonCodes });
    }
    const stock = world.assess(samples.find((s) => s.fate === 'in-stock')!.scanCode);
    expect(stock.verdict).toBe('VERIFIED');
    expect(stock.path.map((s) => s.kind)).toEqual(['commissioned', 'packed', 'packed', 'shipped', 'received', 'unpacked', 'shipped', 'received', 'unpacked']);
  });

  it('gives every reported package exactly the codes the diversion report finds, and other packages only their lot codes', () => {
    const { anomalies, samples } = sim.summary();
    const found = world.divert();
    const codesOf = (p: { gtin: string; serial: string }) => found
        .filter((a) => a.sgtin === `https://id.gs1.org/01/${p.gtin}/21/${p.serial}`)
        .map((a) => a.code)
        .sort((a, b) => ANOMALY_CODES.indexOf(a) - ANOMALY_CODES.indexOf(b));
    for (const p of [...anomalies, ...samples]) expect({ package: p, codes: codesOf(p) }).toEqual({ package: p, codes: p.expectedDiversionCodes });
    const reported = new Set([...anomalies, ...samples].map((p) => `https://id.gs1.org/01/${p.gtin}/21/${p.serial}`));
    expect(new Set(found.filter((a) => !reported.has(a.sgtin!)).map((a) => a.code))).toEqual(new Set(['EXPIRED', 'RECALLED']));
    for (const a of found) expect(a.evidence.length).toBeGreaterThan(0);
    expect(anomalies.filter((a) => a.kind === 'velocity' || a.kind === 'vanished').flatMap((a) => a.expectedReasonCodes.filter((c) => c !== 'ALREADY_DISPENSED'))).toEqual([]);
  });

  it('holds for a chain of one partner per role, where a custody gap can only be a receipt without shipment', () => {
    const lone = new Simulation({
      seed: 'lone',
      manufacturers: 1,
      productsPerManufacturer: 1,
      lotsPerProduct: 4,
      wholesalers: 1,
      pharmacies: 1,
      ...ALL_ANOMALIES,
      anomalies: { ...ALL_ANOMALIES.anomalies, velocity: 0 },
    });
    const { assess } = custodyWorld(lone);
    const { anomalies } = lone.summary();
    expect(anomalies.filter((a) => a.kind === 'custodyGap').flatMap((a) => a.expectedReasonCodes)).toEqual(['CUSTODY_GAP_NO_SHIPMENT', 'CUSTODY_GAP_NO_SHIPMENT', 'CUSTODY_GAP_NO_SHIPMENT']);
    for (const p of anomalies) expect({ package: p, codes: assess(p.scanCode).reasons.map((r) => r.code) }).toEqual({ package: p, codes: p.expectedReasonCodes });
  });

  it('reports both kinds of custody gap, and clones and diversions as the engine names them', () => {
    const codes = (kind: string) => sim.summary().anomalies.filter((a) => a.kind === kind).flatMap((a) => a.expectedReasonCodes);
    expect(new Set(codes('custodyGap'))).toEqual(new Set(['CUSTODY_GAP_WRONG_RECEIVER', 'CUSTODY_GAP_NO_SHIPMENT']));
    expect(codes('clone')).toEqual(['COMMISSIONED_MORE_THAN_ONCE', 'COMMISSIONED_MORE_THAN_ONCE']);
    expect(codes('diversion')).toEqual(['ALREADY_DISPENSED', 'ALREADY_DISPENSED']);
    expect(codes('counterfeit')).toContain('NEVER_COMMISSIONED');
  });

  it('has every event signed by a party the platform lets sign it', () => {
    for (const e of world.events) expect({ e: e.summary, auth: authorizeSigner(e.summary, e.signer.gln, world.registry) }).toEqual({ e: e.summary, auth: { ok: true } });
  });

  it('emits events in time order, with valid GS1 keys', () => {
    const events = [...sim.events()];
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort((a, b) => a - b));
    expect(events.every((e) => Date.parse(e.event.eventTime as string) === e.time)).toBe(true);
    expect(events).toHaveLength(sim.eventTotal());
    for (const p of sim.partners) expect(isGln(p.gln)).toBe(true);
    expect(new Set(sim.partners.map((p) => p.companyPrefix)).size).toBe(sim.partners.length);
    for (const p of sim.products) expect(isGtin(p.gtin) && p.gtin.slice(1).startsWith(p.manufacturer.companyPrefix)).toBe(true);
    const epcs = events.flatMap((e) => [...((e.event.epcList as string[]) ?? []), ...((e.event.childEPCs as string[]) ?? [])]);
    const serials = new Set(epcs.filter((u) => u.includes(':sgtin:')).map((u) => parseEpcUri(u)).map((id) => id.scheme === 'sgtin' && `${id.gtin}.${id.serial}`));
    expect(serials.size).toBe(sim.summary().counts.units);
  });

  it('writes documents of one signer that pass capture validation, each with a batch signature that verifies', async () => {
    const docs = await collect(sim);
    expect(docs.reduce((n, d) => n + d.eventCount, 0)).toBe(world.events.length);
    for (const { document, signature, signer } of docs) {
      const text = JSON.stringify(document);
      const events = (document.epcisBody as { eventList: JsonObject[] }).eventList;
      expect(validateEpcisInput(text, 'json', 'document')).toEqual([]);
      expect(checkEvents(events, { '@context': document['@context'] })).toEqual([]);
      const { payload } = await batchOf(events.map((e) => eventHashId(e, { context: document['@context'] })));
      expect(verifyDetached(signature, payload, publicJwkFromPrivate(signer.privateJwk))).toMatchObject({ ok: true, header: { kid: signer.kid } });
    }
    expect(sim.summary().counts).toMatchObject({ events: world.events.length, documents: docs.length });
  });

  it('is deterministic: the same seed gives the same keys, documents and summary; another seed does not', async () => {
    const again = new Simulation({ seed: 7, ...ALL_ANOMALIES });
    const [a, b] = await Promise.all([collect(new Simulation({ seed: 7, ...ALL_ANOMALIES })), collect(again)]);
    expect(b.map((d) => d.signature)).toEqual(a.map((d) => d.signature));
    expect(again.partners.map((p) => p.publicJwk)).toEqual(sim.partners.map((p) => p.publicJwk));
    expect(again.summary().anomalies).toEqual(sim.summary().anomalies);
    expect(new Simulation({ seed: 8, ...ALL_ANOMALIES }).summary().anomalies).not.toEqual(sim.summary().anomalies);
  });

  it('caps documents by events and bytes', async () => {
    const small = new Simulation({ seed: 3, unitsPerLot: 60, eventsPerDocument: 7, maxDocumentBytes: 4000 });
    const docs = await collect(small);
    expect(Math.max(...docs.map((d) => d.eventCount))).toBe(7);
    for (const d of docs) expect(JSON.stringify((d.document.epcisBody as JsonObject).eventList).length).toBeLessThanOrEqual(4000);
  });

  it('streams: the first events of a billion-unit chain come at once', () => {
    const huge = new Simulation({ seed: 1, lotsPerProduct: 25, unitsPerLot: 10_000_000, unitsPerCase: 100 });
    const started = Date.now();
    const first: SimEvent[] = [];
    for (const e of huge.events()) if (first.push(e) === 10_000) break;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(first.every((e, i) => i === 0 || first[i - 1].time <= e.time)).toBe(true);
  });

  it('refuses impossible options with a message', () => {
    expect(() => new Simulation({ dispenseRatio: 0.8, returnRatio: 0.3 })).toThrow(/add up to at most 1/);
    expect(() => new Simulation({ anomalies: { recalled: 1 } })).toThrow(/recall: true/);
    expect(() => new Simulation({ unitsPerLot: 2, anomalies: { clone: 100 } })).toThrow(/need as many units/);
    expect(() => new Simulation({ pharmacies: 0 })).toThrow(/pharmacies must be a positive integer/);
    expect(() => new Simulation({ pharmacies: 1, anomalies: { velocity: 1 } })).toThrow(/velocity anomalies need two pharmacies/);
    expect(() => new Simulation({ start: '2020-06-01T00:00:00Z', anomalies: { unlicensedRecipient: 1 } })).toThrow(/unlicensed recipients need a start after/);
  });
});
