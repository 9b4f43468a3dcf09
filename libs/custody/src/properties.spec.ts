import fc from 'fast-check';
import { EVENT_TYPES, EventSummary } from '@app/epcis';
import { AssessInput, Assessment, CustodyEvent } from './model';
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
