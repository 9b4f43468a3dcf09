import fc from 'fast-check';
import { EVENT_TYPES, EventSummary } from '@app/epcis';
import { AssessInput, Assessment, CustodyEvent } from './model';
import { trace } from './containment';
import { assessCustody } from './verdict';
import { CASE, CASE2, happyChain, input, MAKER, OTHER_PHARMACY, PALLET, PHARMACY, ROGUE, S, WHOLESALER } from './testing/supply-chain';

const chain = happyChain().events;
const items = fc.constantFrom(S(1), S(2), S(3), S(4), S(9));
const scanners = fc.option(fc.constantFrom(MAKER, WHOLESALER, PHARMACY, OTHER_PHARMACY, ROGUE), { nil: undefined });
const bySeq = (events: CustodyEvent[]) => [...events].sort((a, b) => a.seq - b.seq);

function wellFormed(a: Assessment): void {
  const times = a.path.map((s) => Date.parse(s.eventTime));
  expect(times).toEqual([...times].sort((x, y) => x - y));
  expect(new Set(a.path.map((s) => s.eventId)).size).toBe(a.path.length);
  const commissioned = a.path.some((s) => s.kind === 'commissioned');
  expect(a.reasons.some((r) => r.code === 'NEVER_COMMISSIONED')).toBe(!commissioned);
  if (a.verdict === 'VERIFIED') expect(a.reasons).toEqual([]);
}

describe('assessCustody properties', () => {
  it('never throws on any subset of a valid chain in any order, and judges only by time and log order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(chain), items, scanners, (events, item, scanner) => {
        const shuffled = assessCustody(input(happyChain(), { events, item, scanner }));
        wellFormed(shuffled);
        expect(shuffled).toEqual(assessCustody(input(happyChain(), { events: bySeq(events), item, scanner })));
      }),
    );
  });

  it('gives the same result for every input order of the whole chain', () => {
    const expected = assessCustody(input(happyChain()));
    fc.assert(
      fc.property(fc.shuffledSubarray(chain, { minLength: chain.length }), (events) => {
        expect(assessCustody(input(happyChain(), { events }))).toEqual(expected);
      }),
    );
  });

  // Arbitrary, mostly nonsensical events over a few EPCs and parties: cycles, orphan DELETEs, missing parents.
  const pool = [S(1), S(2), CASE, CASE2, PALLET];
  const glns = [MAKER, WHOLESALER, PHARMACY, ROGUE];
  const summary: fc.Arbitrary<EventSummary> = fc.record({
    type: fc.constantFrom(...EVENT_TYPES),
    action: fc.constantFrom('ADD' as const, 'OBSERVE' as const, 'DELETE' as const, undefined),
    eventTime: fc.constantFrom('2026-03-01T00:00:00Z', '2026-03-01T01:00:00+01:00', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00-05:00'),
    bizStep: fc.constantFrom('commissioning', 'packing', 'unpacking', 'shipping', 'receiving', 'dispensing', 'decommissioning', 'destroying', undefined),
    disposition: fc.constantFrom('active', 'returned', 'dispensed', 'recalled', 'stolen', 'sellable_accessible', undefined),
    epcs: fc.array(fc.record({ epc: fc.constantFrom(...pool), role: fc.constantFrom('epc' as const, 'parent' as const, 'child' as const, 'input' as const) }), {
      maxLength: 4,
    }),
    parties: fc.array(
      fc.record({ side: fc.constantFrom('source' as const, 'destination' as const), type: fc.constantFrom('owning_party', 'possessing_party', 'location'), id: fc.constantFrom(...glns) }),
      { maxLength: 3 },
    ),
    classes: fc.constant([]),
  });
  const events = fc
    .array(
      fc.record({
        summary,
        signer: fc.constantFrom(...glns),
        signatureValid: fc.boolean(),
        keyRevokedBeforeEvent: fc.boolean(),
        inclusionVerified: fc.option(fc.boolean(), { nil: undefined }),
      }),
      { maxLength: 25 },
    )
    .map((xs) =>
      xs.map(({ signer, ...x }, seq): CustodyEvent => ({ ...x, eventId: `e${seq}`, seq, signer: { gln: signer, kid: `${signer}/k` }, recordTime: x.summary.eventTime })),
    );

  it('never throws on arbitrary events, and ignores their input order', () => {
    fc.assert(
      fc.property(events.chain((log) => fc.tuple(fc.constant(log), fc.shuffledSubarray(log, { minLength: log.length }))), items, scanners, ([log, shuffled], item, scanner) => {
        const base: Partial<AssessInput> = { item, scanner, recalls: [{ gtin: '00614141123452', lots: ['L1'], eventId: 'r' }] };
        const a = assessCustody(input(happyChain(), { ...base, events: log }));
        wellFormed(a);
        expect(assessCustody(input(happyChain(), { ...base, events: shuffled }))).toEqual(a);
      }),
    );
  });
});

/** The replay as first written: every EPC's parent followed, whatever the item. `trace` must agree with it on any events. */
function replayEveryEpc(item: string, events: readonly CustodyEvent[]) {
  const parentOf = new Map<string, string>();
  const ancestry = () => {
    const chain = [item];
    for (let p = parentOf.get(item); p !== undefined && !chain.includes(p); p = parentOf.get(p)) chain.push(p);
    return chain;
  };
  const touches: { eventId: string; via: string[]; container?: string }[] = [];
  const insideAfter: string[][] = [];
  for (const { eventId, summary: s } of events) {
    const chain = ancestry();
    const parent = s.epcs.find((e) => e.role === 'parent')?.epc;
    const children = s.epcs.filter((e) => e.role === 'child').map((e) => e.epc);
    let i: number;
    if (s.type !== 'AggregationEvent') i = chain.findIndex((epc) => s.epcs.some((e) => e.epc === epc));
    else if (children.length) i = chain.findIndex((epc) => children.includes(epc));
    else i = parent === undefined ? -1 : chain.indexOf(parent, 1) - 1;
    if (i >= 0) touches.push({ eventId, via: chain.slice(1, i + 1), container: s.type === 'AggregationEvent' ? parent : undefined });
    if (s.type === 'AggregationEvent' && parent !== undefined) {
      if (s.action !== 'DELETE') for (const child of children) parentOf.set(child, parent);
      else if (children.length) for (const child of children) parentOf.get(child) === parent && parentOf.delete(child);
      else for (const [child, p] of parentOf) if (p === parent) parentOf.delete(child);
    }
    insideAfter.push(ancestry().slice(1));
  }
  // A container span opens at the event after which the item is inside it, and closes at the first event after which it is not.
  const spans = insideAfter.flatMap((inside, i) =>
    inside
      .filter((epc) => i === 0 || !insideAfter[i - 1].includes(epc))
      .map((epc) => {
        const closedBy = insideAfter.findIndex((later, j) => j > i && !later.includes(epc));
        return { epc, from: events[i].summary.eventTime, ...(closedBy >= 0 && { to: events[closedBy].summary.eventTime }) };
      }),
  );
  return { touches, containers: spans };
}

describe('containment replay', () => {
  const units = ['u1', 'u2', 'u3', 'u4'];
  const containers = ['c1', 'c2', 'p1', 'p2'];
  const epcs = [...units, ...containers];
  const event = fc.oneof(
    fc.record({
      type: fc.constant('AggregationEvent' as const),
      action: fc.constantFrom('ADD' as const, 'OBSERVE' as const, 'DELETE' as const),
      parent: fc.option(fc.constantFrom(...containers), { nil: undefined }),
      children: fc.uniqueArray(fc.constantFrom(...epcs), { maxLength: 4 }),
    }),
    fc.record({ type: fc.constantFrom('ObjectEvent' as const, 'TransactionEvent' as const), action: fc.constant('OBSERVE' as const), named: fc.uniqueArray(fc.constantFrom(...epcs), { maxLength: 3 }) }),
  );
  const toEvents = (drawn: { type: EventSummary['type']; action: EventSummary['action']; parent?: string; children?: string[]; named?: string[] }[]): CustodyEvent[] =>
    drawn.map((d, i) => ({
      eventId: `e${i}`,
      seq: i,
      signer: { gln: MAKER, kid: 'k' },
      recordTime: '2026-03-01T00:00:00Z',
      signatureValid: true,
      summary: {
        type: d.type,
        action: d.action,
        eventTime: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
        epcs:
          d.type === 'AggregationEvent'
            ? [...(d.parent ? [{ epc: d.parent, role: 'parent' as const }] : []), ...d.children!.filter((c) => c !== d.parent).map((epc) => ({ epc, role: 'child' as const }))]
            : d.named!.map((epc) => ({ epc, role: 'epc' as const })),
        parties: [],
        classes: [],
      },
    }));

  it('follows only the item and the containers it could be in, and finds exactly what a replay of every EPC finds', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 14 }), fc.constantFrom(...epcs), (drawn, item) => {
        const events = toEvents(drawn);
        const { touches, containers: spans } = trace(item, events);
        expect({ touches: touches.map((t) => ({ eventId: t.event.eventId, via: t.via, container: t.container })), containers: spans }).toEqual(replayEveryEpc(item, events));
      }),
      { numRuns: 2000 },
    );
  });
});
