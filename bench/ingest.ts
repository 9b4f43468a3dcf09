import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { canonicalize, utf8Encode, verifyDetached } from '@app/crypto';
import { batchOf, encodeCapturedEvent, eventHashId, type JsonObject } from '@app/epcis';
import { containerUri } from '@app/simulator/identifiers';
import { manufacturer, type BenchPartner } from './dataset';
import { bearer, BROKERS, cpuCost, cpuUse, lanes, latencyStats, main, now, options, progress, request, Results, round, type Stack } from './harness';

/**
 * Ingest → Kafka → ledger on the real stack: individually signed single-EPC events, one per POST /events and a hundred
 * per POST /capture document (each event still checked on its own signature), and batch-signed documents of
 * aggregation events of hundreds of EPCs (POST /capture). An event counts once it is in a signed
 * checkpoint; its latency runs from its POST to the first poll that sees a checkpoint covering it. Baselines in the
 * same run: kafkajs produce→consume on the same broker with messages of the same size, and the verifier's rate.
 */
const { quick, profile, values: o } = options(
  { events: 30_000, concurrency: 32, singlesPerDocument: 100, documents: 150, eventsPerDocument: 20, epcsPerEvent: 250, documentConcurrency: 4, kafkaMessages: 100_000, maxSeconds: 60, pacedSeconds: 30 },
  { events: 1_000, concurrency: 32, singlesPerDocument: 100, documents: 12, eventsPerDocument: 20, epcsPerEvent: 250, documentConcurrency: 4, kafkaMessages: 10_000, maxSeconds: 30, pacedSeconds: 5 },
);

const CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }];
const SITE = 'urn:epc:id:sgln:0614141.00001.0';
const T0 = Date.UTC(2026, 0, 5, 12);

/** One request's worth of events, ready to send. */
interface Submission {
  path: '/events' | '/capture';
  body: string;
  headers: Record<string, string>;
  eventIds: string[];
  epcs: number;
}

/** A single-EPC commissioning event with its own signature (`dscsa:signature`), and its hash ID. */
function signedSingle(p: BenchPartner, i: number, inDocument = false): { signed: JsonObject; eventId: string } {
  const event: JsonObject = {
    ...(!inDocument && { '@context': CONTEXT }), // in a document, the document's context applies
    type: 'ObjectEvent',
    eventTime: new Date(T0 + i).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [`urn:epc:id:sgtin:0614141.012345.S${i}`],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: SITE },
    ilmd: { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2029-06-30' },
  };
  return { signed: { ...event, 'dscsa:signature': p.sign(utf8Encode(canonicalize(event))) }, eventId: eventHashId(event, { context: CONTEXT }) };
}

function singleEvent(p: BenchPartner, token: string, i: number): Submission {
  const { signed, eventId } = signedSingle(p, i);
  return { path: '/events', body: JSON.stringify(signed), headers: { 'content-type': 'application/ld+json', ...bearer(token) }, eventIds: [eventId], epcs: 1 };
}

/** Individually signed single-EPC events sent together: an EPCIS document without a document signature, each event checked on its own signature. */
function singlesDocument(p: BenchPartner, token: string, first: number, n: number): Submission {
  const events = Array.from({ length: n }, (_, k) => signedSingle(p, first + k, true));
  const eventList = events.map((e) => e.signed);
  const document = { '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date(T0).toISOString(), epcisBody: { eventList } };
  return { path: '/capture', body: JSON.stringify(document), headers: { 'content-type': 'application/ld+json', ...bearer(token) }, eventIds: events.map((e) => e.eventId), epcs: n };
}

/** A document of aggregation events (a pallet's cases packed, say), each a parent SSCC and `children` SGTINs, signed once. */
async function aggregationDocument(p: BenchPartner, token: string, d: number): Promise<Submission & { events: JsonObject[]; signature: string }> {
  const events = Array.from({ length: o.eventsPerDocument }, (_, e): JsonObject => {
    const n = d * o.eventsPerDocument + e;
    return {
      type: 'AggregationEvent',
      eventTime: new Date(T0 + n).toISOString(),
      eventTimeZoneOffset: '+00:00',
      parentID: containerUri('0614141', n),
      childEPCs: Array.from({ length: o.epcsPerEvent }, (_, c) => `urn:epc:id:sgtin:0614141.012345.A${n}-${c}`),
      action: 'ADD',
      bizStep: 'packing',
      disposition: 'in_progress',
      readPoint: { id: SITE },
      bizLocation: { id: SITE },
    };
  });
  const eventIds = events.map((e) => eventHashId(e, { context: CONTEXT }));
  const signature = p.sign((await batchOf(eventIds)).payload);
  const document = { '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date(T0).toISOString(), epcisBody: { eventList: events } };
  return {
    path: '/capture',
    body: JSON.stringify(document),
    headers: { 'content-type': 'application/ld+json', 'dscsa-signature': signature, ...bearer(token) },
    eventIds,
    epcs: events.length * (o.epcsPerEvent + 1),
    events,
    signature,
  };
}

/** Polls the newest signed checkpoint: [tree size, when first seen], in order. */
class CheckpointWatcher {
  readonly seen: [size: number, at: number][] = [];
  private running = true;
  private failure?: Error;
  private readonly loop: Promise<void>;

  constructor(private readonly stack: Stack) {
    this.loop = (async () => {
      while (this.running) {
        const size = await stack.treeSize();
        if (!this.seen.length || size > this.seen[this.seen.length - 1][0]) this.seen.push([size, now()]);
        await sleep(10);
      }
    })().catch((e: Error) => void (this.failure = e));
  }

  get size(): number {
    return this.seen.length ? this.seen[this.seen.length - 1][0] : 0;
  }

  /** When a checkpoint covering log position `seq` was first seen. */
  coveredAt(seq: number): number {
    let [lo, hi] = [0, this.seen.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seen[mid][0] > seq) hi = mid;
      else lo = mid + 1;
    }
    return this.seen[lo][1];
  }

  async until(size: number, timeoutMs: number): Promise<void> {
    const deadline = now() + timeoutMs;
    while (this.size < size) {
      this.stack.assertAlive();
      if (this.failure) throw this.failure;
      if (now() > deadline) throw new Error(`the log did not reach ${size} leaves within ${timeoutMs / 1000} s (at ${this.size})`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

interface Load {
  concurrency: number;
  maxSeconds: number;
  /** Requests per second, open loop; as fast as the connections go when absent (saturation). */
  rate?: number;
}

/**
 * Sends the submissions on `concurrency` keep-alive connections (until done or `maxSeconds`), waits until the signed
 * log covers every accepted event, and measures rates and POST-to-checkpoint latencies.
 */
async function sustained(stack: Stack, items: Submission[], load: Load) {
  const base = await stack.treeSize();
  const watcher = new CheckpointWatcher(stack);
  try {
    return await measure(stack, items, load, base, watcher);
  } finally {
    await watcher.stop();
  }
}

async function measure(stack: Stack, items: Submission[], { concurrency, maxSeconds, rate }: Load, base: number, watcher: CheckpointWatcher) {
  const [cpuBefore, commitsBefore] = [stack.cpu(), await stack.pgCommits()];
  const sentAt = new Float64Array(items.length);
  const answeredAt = new Float64Array(items.length);
  const accepted: number[] = [];
  const refused = new Map<number, number>();
  let next = 0;
  const started = now();
  const deadline = started + maxSeconds * 1000;
  const sendSeconds = await lanes(concurrency, async () => {
    const i = next++;
    if (i >= items.length || now() > deadline) return false;
    const due = rate ? started + (i * 1000) / rate : 0;
    if (due > now()) await sleep(due - now());
    const s = items[i];
    sentAt[i] = now();
    const res = await request('POST', `${stack.url.ingest}${s.path}`, s.body, s.headers);
    answeredAt[i] = now();
    const ok = s.path === '/events' ? res.status === 201 && JSON.parse(res.text).eventId === s.eventIds[0] : res.status === 202 && JSON.parse(res.text).success;
    if (ok) accepted.push(i);
    else {
      refused.set(res.status, (refused.get(res.status) ?? 0) + 1);
      if (refused.size === 1 && refused.get(res.status) === 1) progress(`refused: ${res.status} ${res.text.slice(0, 300)}`);
    }
    return true;
  });
  const events = accepted.reduce((n, i) => n + items[i].eventIds.length, 0);
  const epcs = accepted.reduce((n, i) => n + items[i].epcs, 0);
  await watcher.until(base + events, 600_000);
  const cpuAfter = stack.cpu();
  const commits = (await stack.pgCommits()) - commitsBefore;
  const { rows: [blocks] } = await stack.db.query('SELECT count(*) AS n FROM ledger.block WHERE first_seq >= $1', [base]);
  const { rows } = await stack.db.query('SELECT event_id, seq FROM ledger.event_record WHERE seq >= $1', [base]);
  const seqOf = new Map(rows.map((r) => [r.event_id as string, Number(r.seq)]));
  const latencies: number[] = [];
  let last = started;
  for (const i of accepted)
    for (const id of items[i].eventIds) {
      const seq = seqOf.get(id);
      if (seq === undefined) throw new Error(`accepted event ${id} is not in the log`);
      const at = watcher.coveredAt(seq);
      latencies.push(at - sentAt[i]);
      last = Math.max(last, at);
    }
  const seconds = (last - started) / 1000;
  return {
    ...(rate && { pacedRequestsPerSecond: round(rate, 1) }),
    requests: accepted.length + [...refused.values()].reduce((a, b) => a + b, 0),
    acceptedEvents: events,
    acceptedEpcs: epcs,
    refused: Object.fromEntries(refused),
    sendSeconds: round(sendSeconds, 2),
    checkpointedSeconds: round(seconds, 2),
    acknowledgedEventsPerSecond: round(events / sendSeconds),
    eventsPerSecond: round(events / seconds),
    epcsPerSecond: round(epcs / seconds),
    latencyToCheckpointMs: latencyStats(latencies),
    /** The HTTP answer alone (Kafka has acknowledged): the rest of the latency is the ledger's. */
    latencyToAcknowledgementMs: latencyStats(accepted.map((i) => answeredAt[i] - sentAt[i])),
    blocks: Number(blocks.n),
    eventsPerBlock: round(events / Number(blocks.n), 1),
    postgresTransactionsPerRequest: round(commits / accepted.length, 1),
    cpuMsPerEvent: cpuCost(cpuBefore, cpuAfter, events),
    cpu: cpuUse(cpuBefore, cpuAfter),
  };
}

/**
 * kafkajs produce→consume of `count` messages of `value`'s size on a fresh 6-partition topic, with ingest's producer
 * settings and a read_committed consumer: `perSend` messages per send() from `callers` concurrent callers (batched
 * for the ceiling; one message per send, as POST /events publishes, for the single-event pattern).
 */
async function kafkaBaseline(run: string, value: Buffer, count: number, perSend: number, callers: number) {
  const kafka = new Kafka({ clientId: 'bench-baseline', brokers: BROKERS, logLevel: logLevel.ERROR });
  const topic = `${run}.baseline-${value.length}-${perSend}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: topic, readUncommitted: false, maxWaitTimeInMs: 50 });
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, r));
    let consumed = 0;
    let allConsumed!: () => void;
    const done = new Promise<void>((r) => (allConsumed = r));
    await consumer.run({ eachBatch: async ({ batch }) => void ((consumed += batch.messages.length) >= count && allConsumed()) });
    await joined;
    const batch = Math.max(1, Math.min(perSend, Math.floor(300_000 / value.length))); // well below message.max.bytes per partition
    const started = now();
    let sent = 0;
    await lanes(callers, async () => {
      if (sent >= count) return false;
      const n = Math.min(batch, count - sent);
      const first = sent;
      sent += n;
      await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, k) => ({ key: `k${first + k}`, value })) });
      return true;
    });
    const produced = (now() - started) / 1000;
    await done;
    const seconds = (now() - started) / 1000;
    return { messageBytes: value.length, messagesPerSend: batch, callers, messages: count, produceSeconds: round(produced, 2), messagesPerSecond: round(count / seconds), mbPerSecond: round((count * value.length) / seconds / 1e6, 1) };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Single-threaded verifications per second for `seconds`: verifyDetached as ingest calls it, and bare node:crypto with a ready key. */
function verifyBaseline(jws: string, payload: Uint8Array, publicJwk: object, seconds: number) {
  const rate = (fn: () => boolean) => {
    let n = 0;
    const started = now();
    while (now() - started < seconds * 1000) for (let k = 0; k < 100; k++, n++) if (!fn()) throw new Error('baseline signature does not verify');
    return round(n / ((now() - started) / 1000));
  };
  const key = createPublicKey({ key: publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const [header, , signature] = jws.split('.');
  const input = Buffer.from(`${header}.${Buffer.from(payload).toString('base64url')}`, 'ascii');
  const raw = Buffer.from(signature, 'base64url');
  return {
    verifyDetachedPerSecond: rate(() => verifyDetached(jws, payload, publicJwk as never).ok),
    nodeCryptoEd25519PerSecond: rate(() => nodeVerify(null, input, key, raw)),
  };
}

main('ingest', async (stack) => {
  const results = new Results('ingest', { quick, ...o });
  const p = manufacturer();
  const token = await stack.register(p.registration);
  let [serial, documentNumber] = [0, 0];
  const singles = (n: number) => Array.from({ length: n }, () => singleEvent(p, token, serial++));
  const singlesInDocuments = (n: number) =>
    Array.from({ length: Math.ceil(n / o.singlesPerDocument) }, () => singlesDocument(p, token, (serial += o.singlesPerDocument) - o.singlesPerDocument, o.singlesPerDocument));
  const documents = async (n: number) => {
    const out: Submission[] = [];
    for (let d = 0; d < n; d++) out.push(await aggregationDocument(p, token, documentNumber++));
    return out;
  };

  progress('baselines: signature verification, then kafkajs produce→consume');
  const [sample] = singles(1);
  const { 'dscsa:signature': jws, ...unsigned } = JSON.parse(sample.body) as JsonObject;
  const verify = verifyBaseline(jws as string, utf8Encode(canonicalize(unsigned)), p.publicJwk, quick ? 0.5 : 3);
  const message = (event: JsonObject, batchSignature?: { jws: string; position: Awaited<ReturnType<typeof batchOf>>['positions'][number] }) =>
    encodeCapturedEvent({ v: 1, eventId: eventHashId(event, { context: CONTEXT }), event, context: CONTEXT, signer: { gln: p.gln, kid: p.kid }, recordTime: new Date().toISOString(), batchSignature });
  const doc = await aggregationDocument(p, token, documentNumber++); // a sample, never sent
  const singleMessage = message(JSON.parse(sample.body) as JsonObject);
  const docMessage = message(doc.events[0], { jws: doc.signature, position: (await batchOf(doc.eventIds)).positions[0] });
  const kafkaSingle = await kafkaBaseline(stack.run, singleMessage, o.kafkaMessages, 500, 4);
  const kafkaOnePerSend = await kafkaBaseline(stack.run, singleMessage, Math.round(o.kafkaMessages / 5), 1, o.concurrency);
  const kafkaDocument = await kafkaBaseline(stack.run, docMessage, Math.max(1000, Math.round(o.kafkaMessages / 10)), 500, 4);
  results.baselines.signatureVerify = verify;
  results.baselines.kafkaSingleEventMessages = kafkaSingle;
  results.baselines.kafkaSingleEventMessagesOnePerSend = kafkaOnePerSend;
  results.baselines.kafkaAggregationEventMessages = kafkaDocument;

  // Throughput at saturation, then latency at half that rate: a p99 under overload only measures the backlog.
  progress(`single events: up to ${o.events.toLocaleString('en-US')} POST /events on ${o.concurrency} connections, at most ${o.maxSeconds} s`);
  const single = await sustained(stack, singles(o.events), { concurrency: o.concurrency, maxSeconds: o.maxSeconds });
  progress(`single events: ${single.eventsPerSecond} events/s into signed checkpoints, p99 ${single.latencyToCheckpointMs.p99} ms`);
  const singleRate = single.eventsPerSecond / 2;
  progress(`single events at half that rate (${round(singleRate)}/s) for ${o.pacedSeconds} s`);
  const singlePaced = await sustained(stack, singles(Math.ceil(singleRate * o.pacedSeconds)), { concurrency: o.concurrency, maxSeconds: o.pacedSeconds * 2, rate: singleRate });
  progress(`p99 ${singlePaced.latencyToCheckpointMs.p99} ms`);

  progress(`single events in documents: up to ${o.events.toLocaleString('en-US')} individually signed events, ${o.singlesPerDocument} per POST /capture, on ${o.documentConcurrency} connections`);
  const singleDocuments = await sustained(stack, singlesInDocuments(o.events), { concurrency: o.documentConcurrency, maxSeconds: o.maxSeconds });
  progress(`single events in documents: ${singleDocuments.eventsPerSecond} events/s into signed checkpoints, p99 ${singleDocuments.latencyToCheckpointMs.p99} ms`);

  progress(`aggregation documents: up to ${o.documents} POST /capture of ${o.eventsPerDocument} × ${o.epcsPerEvent + 1} EPCs on ${o.documentConcurrency} connections`);
  const aggregation = await sustained(stack, await documents(o.documents), { concurrency: o.documentConcurrency, maxSeconds: o.maxSeconds });
  progress(`aggregation documents: ${aggregation.epcsPerSecond} EPCs/s into signed checkpoints, p99 ${aggregation.latencyToCheckpointMs.p99} ms`);
  const documentRate = aggregation.eventsPerSecond / o.eventsPerDocument / 2;
  progress(`aggregation documents at half that rate (${round(documentRate, 1)}/s) for ${o.pacedSeconds} s`);
  const aggregationPaced = await sustained(stack, await documents(Math.max(2, Math.ceil(documentRate * o.pacedSeconds))), {
    concurrency: o.documentConcurrency,
    maxSeconds: o.pacedSeconds * 2,
    rate: documentRate,
  });
  progress(`p99 ${aggregationPaced.latencyToCheckpointMs.p99} ms`);
  const phases = { singleEvents: single, singleEventsHalfRate: singlePaced, singleEventsInDocuments: singleDocuments, aggregationDocuments: aggregation, aggregationDocumentsHalfRate: aggregationPaced };
  Object.assign(results.figures, phases);
  for (const [phase, f] of Object.entries(phases)) results.cpu[phase] = f.cpu;
  results.memoryOf(stack);

  results.ratios.singleEventsToVerifyCeiling = round(single.eventsPerSecond / verify.verifyDetachedPerSecond, 3);
  results.ratios.singleEventsInDocumentsToVerifyCeiling = round(singleDocuments.eventsPerSecond / verify.verifyDetachedPerSecond, 3);
  results.ratios.singleEventsToKafkaCeiling = round(single.eventsPerSecond / kafkaSingle.messagesPerSecond, 3);
  results.ratios.singleEventsToKafkaOnePerSend = round(single.eventsPerSecond / kafkaOnePerSend.messagesPerSecond, 3);
  results.ratios.aggregationEventsToKafkaCeiling = round(aggregation.eventsPerSecond / kafkaDocument.messagesPerSecond, 3);
  results.target('single-EPC events/s into signed checkpoints', single.eventsPerSecond, '>=', 5000, 'events/s');
  results.target(`single-EPC events/s into signed checkpoints, individually signed, ${o.singlesPerDocument} per document`, singleDocuments.eventsPerSecond, '>=', 5000, 'events/s');
  results.target('EPCs/s into signed checkpoints (aggregation documents)', aggregation.epcsPerSecond, '>=', 100_000, 'EPCs/s');
  results.target('POST→checkpoint p99, single events at half the sustained rate', singlePaced.latencyToCheckpointMs.p99, '<=', 1000, 'ms');
  results.target('POST→checkpoint p99, documents at half the sustained rate', aggregationPaced.latencyToCheckpointMs.p99, '<=', 1000, 'ms');
  results.target('single events / verify ceiling', results.ratios.singleEventsToVerifyCeiling, '>=', 0.5, '×');
  results.target('single events in documents / verify ceiling', results.ratios.singleEventsInDocumentsToVerifyCeiling, '>=', 0.5, '×');

  if (profile) {
    progress('profiled passes (not counted above): ingest and ledger under the CPU profiler');
    const load = { concurrency: o.concurrency, maxSeconds: quick ? 3 : 20 };
    results.profiles.singleEvents = (await stack.profile('ingest-single', ['ingest', 'ledger'], async () => sustained(stack, singles(Math.min(o.events, quick ? 300 : 10_000)), load))).profiles;
    results.profiles.singleEventsInDocuments = (
      await stack.profile('ingest-single-documents', ['ingest', 'ledger'], async () =>
        sustained(stack, singlesInDocuments(Math.min(o.events, quick ? 300 : 20_000)), { ...load, concurrency: o.documentConcurrency }),
      )
    ).profiles;
    const docs = await documents(Math.min(o.documents, quick ? 4 : 60));
    results.profiles.aggregationDocuments = (await stack.profile('ingest-documents', ['ingest', 'ledger'], () => sustained(stack, docs, { ...load, concurrency: o.documentConcurrency }))).profiles;
  }
  await results.write(stack, stack.db);
});
