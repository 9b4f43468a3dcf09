import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { EpcisIssue } from '../errors';
import type { JsonObject } from '../signature';
import { checkEvents } from './check-events';
import { EpcisInputError, type EpcisInputFormat, type EpcisInputKind } from './types';
import { validateEpcisInput } from './validate-input';
import { useOfficialSchemas } from './testing/official-schemas';

const CONFORMANCE_DIR = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const DOCUMENTS = path.join(CONFORMANCE_DIR, 'epcis-documents');

useOfficialSchemas();

const read = (dir: string, ext: string) =>
  readdirSync(path.join(DOCUMENTS, dir))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => readFileSync(path.join(DOCUMENTS, dir, f), 'utf8'));
const JSON_DOCS = read('2.0/json/capture/valid', '.json');
const XML_DOCS = [...read('2.0/xml/capture/valid', '.xml').map((t) => [t, 'xml-2.0'] as const), ...read('1.2/xml/capture/valid', '.xml').map((t) => [t, 'xml-1.2'] as const)];

const KINDS: EpcisInputKind[] = ['document', 'event'];
const FORMATS: EpcisInputFormat[] = ['json', 'xml-2.0', 'xml-1.2'];

/** Issues are always well-formed: a field path, a rule, a message, and a sane event index. */
function expectWellFormed(issues: EpcisIssue[]): void {
  expect(Array.isArray(issues)).toBe(true);
  for (const i of issues) {
    expect(typeof i.path).toBe('string');
    expect(i.path.startsWith('/')).toBe(true);
    expect(typeof i.rule).toBe('string');
    expect(i.rule.length).toBeGreaterThan(0);
    expect(typeof i.message).toBe('string');
    if (i.eventIndex !== undefined) expect(Number.isInteger(i.eventIndex) && i.eventIndex >= 0).toBe(true);
    if (i.eventID !== undefined) expect(typeof i.eventID).toBe('string');
  }
}

/** Every [container, key] in a JSON value, the root's children first. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = [], depth = 0): typeof out {
  if (depth > 12 || typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slots(v, out, depth + 1)));
  else for (const [k, v] of Object.entries(value)) out.push([value as Record<string, unknown>, k]), slots(v, out, depth + 1);
  return out;
}

type Mutation = { at: number; op: 'set' | 'delete' | 'rename' | 'wrap'; value: unknown; name: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('set', 'delete', 'rename', 'wrap'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('', 'transforming', 'CREATE', '22-07-2026', 'urn:epc:id:sgtin:1.2.3', 'https://id.gs1.org/01/09521568251205', '+99:00', null, -1, 1e308),
  ),
  name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', '@context', 'ex:field', 'type')),
});

function mutate(doc: unknown, m: Mutation): void {
  const all = slots(doc);
  if (all.length === 0) return;
  const [container, key] = all[m.at % all.length];
  const c = container as Record<string | number, unknown>;
  if (m.op === 'set') c[key] = m.value;
  else if (m.op === 'wrap') c[key] = [c[key]];
  else if (Array.isArray(container)) container.splice(Number(key), 1);
  else if (m.op === 'delete') delete c[key];
  else Object.defineProperty(c, m.name, { value: c[key], enumerable: true, writable: true, configurable: true }), delete c[key];
}

describe('validators never crash', () => {
  it('random JSON values: issues, never an exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...KINDS), (value, kind) => {
        expectWellFormed(validateEpcisInput(JSON.stringify(value) ?? 'null', 'json', kind));
      }),
      { numRuns: 300 },
    );
  });

  it('random values as events: checkEvents returns issues, never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.anything({ withNullPrototype: true, withBoxedValues: true, maxDepth: 4 }), { maxLength: 5 }), fc.anything(), (events, context) => {
        expectWellFormed(checkEvents(events as JsonObject[], { '@context': context }));
      }),
      { numRuns: 300 },
    );
  });

  it('random mutations of valid JSON documents: both layers return issues, never throw', () => {
    fc.assert(
      fc.property(fc.nat(JSON_DOCS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (n, mutations) => {
        const doc = JSON.parse(JSON_DOCS[n]) as JsonObject;
        for (const m of mutations) mutate(doc, m);
        const text = JSON.stringify(doc) ?? 'null';
        expectWellFormed(validateEpcisInput(text, 'json', 'document'));
        expectWellFormed(validateEpcisInput(text, 'json', 'event'));
        const list = (doc as { epcisBody?: { eventList?: unknown } } | null)?.epcisBody?.eventList;
        expectWellFormed(checkEvents((Array.isArray(list) ? list : [doc]) as JsonObject[], { '@context': doc?.['@context'] }));
      }),
      { numRuns: 300 },
    );
  });

  it('random edits of valid XML documents: issues, never an exception', () => {
    const edit = fc.record({
      at: fc.nat(),
      length: fc.nat(40),
      insert: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('<', '>', '</x>', '<!DOCTYPE a>', '<![CDATA[', ']]>', '&amp;', '&bogus;', '<?pi x?>', '<!--', 'xmlns:epcis="x"', '\u0000', '\uFFFF', '\uD800'),
      ),
    });
    fc.assert(
      fc.property(fc.nat(XML_DOCS.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.constantFrom(...KINDS), (n, edits, kind) => {
        let [text] = XML_DOCS[n];
        const format = XML_DOCS[n][1];
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.length);
        }
        expectWellFormed(validateEpcisInput(text, format, kind));
      }),
      { numRuns: 200 },
    );
  });

  it('random text in every format: issues, never an exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(...FORMATS), fc.constantFrom(...KINDS), (text, format, kind) => {
        expectWellFormed(validateEpcisInput(text, format, kind));
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes: issues, or EpcisInputError("encoding") when they are not UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...FORMATS), fc.constantFrom(...KINDS), (bytes, format, kind) => {
        try {
          expectWellFormed(validateEpcisInput(Buffer.from(bytes), format, kind));
        } catch (e) {
          expect(e).toBeInstanceOf(EpcisInputError);
          expect((e as EpcisInputError).code).toBe('encoding');
        }
      }),
      { numRuns: 300 },
    );
  });
});
