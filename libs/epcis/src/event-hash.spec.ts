import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import * as fc from 'fast-check';

import { CbvVersion, eventHashId, preHashString } from './event-hash';
import { GS1_VOC_NAMESPACE } from './event-hash-values';
import { attachSignature } from './signature';

/** Upstream vectors (shared/conformance/epcis-event-hash/README.md); read in place, never copied. */
const VECTORS = process.env.CONFORMANCE_DIR
  ? path.join(process.env.CONFORMANCE_DIR, 'epcis-event-hash')
  : path.resolve(__dirname, '../../../../shared/conformance/epcis-event-hash');
const VERSIONS: CbvVersion[] = ['2.0', '2.1'];

/**
 * `masterDataAvailableForWithVeryMixedVoc` expands `"locationRoleType": "BACKROOM"` through a remote draft GS1 Web
 * Vocabulary context, which the hasher does not fetch; the caller supplies that code list instead, as production
 * callers would for the remote contexts they trust. Applied to every document, so no vector is special-cased.
 */
const REMOTE_CODE_LISTS = { locationRoleType: `${GS1_VOC_NAMESPACE}LocationRoleType-` };

const documents = readdirSync(path.join(VECTORS, 'documents')).sort();
const nameOf = (file: string) => file.replace(/\.(json|jsonld|xml)$/, '');
const jsonDocuments = documents.filter((f) => /\.json(ld)?$/.test(f));
const xmlDocuments = documents.filter((f) => f.endsWith('.xml'));
const jsonTwin = (xmlFile: string) => jsonDocuments.find((f) => nameOf(f) === nameOf(xmlFile));

interface Expected {
  version: CbvVersion;
  prehashes: string[];
  hashes: string[];
}

/** One line per event; `\n`-separated, final newline optional (README "How a .hashes file maps to a document"). */
function readLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain('\r');
  const lines = text.split('\n');
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

function expectedFor(name: string): Expected[] {
  return VERSIONS.flatMap((version) => {
    const base = path.join(VECTORS, 'expected', `CBV${version}`, name);
    if (!existsSync(`${base}.hashes`)) return [];
    return [{ version, prehashes: readLines(`${base}.prehashes`), hashes: readLines(`${base}.hashes`) }];
  });
}

function eventsOf(document: Record<string, any>): Record<string, unknown>[] {
  const body = document.epcisBody;
  return body.eventList ?? body.queryResults?.resultsBody?.eventList ?? [body.event];
}

function hashDocument(file: string, version: CbvVersion) {
  const document = JSON.parse(readFileSync(path.join(VECTORS, 'documents', file), 'utf8'));
  const options = { context: document['@context'], cbvVersion: version, codeLists: REMOTE_CODE_LISTS };
  const events = eventsOf(document);
  return {
    prehashes: events.map((e) => preHashString(e, options)),
    hashes: events.map((e) => eventHashId(e, options)),
  };
}

/** Counts event elements; enough to hold an XML document to its expected line count until an XML parser exists. */
function xmlEventCount(file: string): number {
  const xml = readFileSync(path.join(VECTORS, 'documents', file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const eventElement = /<(?:[\w.-]+:)?(?:Object|Aggregation|Transaction|Transformation|Association)Event[\s>]/g;
  return xml.match(eventElement)?.length ?? 0;
}

describe('event hash conformance: JSON / JSON-LD documents', () => {
  it.each(jsonDocuments)('%s has expected hashes under at least one CBV version', (file) => {
    expect(expectedFor(nameOf(file)).length).toBeGreaterThan(0);
  });

  const cases = jsonDocuments.flatMap((file) => expectedFor(nameOf(file)).map((e) => [file, e.version] as const));
  it.each(cases)('%s, CBV %s: every event’s pre-hash string and hash ID, in document order', (file, version) => {
    const expected = expectedFor(nameOf(file)).find((e) => e.version === version)!;
    const actual = hashDocument(file, version);
    expect(actual.prehashes).toEqual(expected.prehashes);
    expect(actual.hashes).toEqual(expected.hashes);
  });
});

describe('event hash conformance: XML documents with a JSON twin (the twin carries the shared expected lines)', () => {
  const twinned = xmlDocuments.filter((f) => jsonTwin(f));
  it.each(twinned)('%s: its JSON twin yields the expected hashes, one per XML event', (file) => {
    const expected = expectedFor(nameOf(file));
    expect(expected.length).toBeGreaterThan(0);
    for (const { version, hashes } of expected) {
      expect(hashDocument(jsonTwin(file)!, version).hashes).toEqual(hashes);
      expect(xmlEventCount(file)).toBe(hashes.length);
    }
  });
});

describe('event hash conformance: XML-only documents (no JSON twin; hashed once an XML event parser exists)', () => {
  const xmlOnly = xmlDocuments.filter((f) => !jsonTwin(f));
  it.each(xmlOnly)('%s: expected files exist, parse, and match the XML event count', (file) => {
    const expected = expectedFor(nameOf(file));
    expect(expected.length).toBeGreaterThan(0);
    for (const { version, prehashes, hashes } of expected) {
      expect(hashes).toHaveLength(prehashes.length);
      expect(xmlEventCount(file)).toBe(hashes.length);
      prehashes.forEach((line, i) => {
        expect(line).toMatch(/^eventType=\w+Event/);
        const digest = createHash('sha256').update(line, 'utf8').digest('hex');
        expect(hashes[i]).toBe(`ni:///sha-256;${digest}?ver=CBV${version}`);
      });
    }
  });
});

const SHIPPING = {
  type: 'ObjectEvent',
  eventTime: '2024-03-01T10:15:30.250+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2018', 'https://id.gs1.org/01/00614141073461/21/2017'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
  bizTransactionList: [
    { type: 'po', bizTransaction: 'urn:epc:id:gdti:0614141.00001.1618034' },
    { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1152' },
  ],
  'example:lot': 'L1',
};
const CONTEXT = [{ example: 'https://ns.example.com/epcis/' }];

describe('eventHashId', () => {
  const hash = (event: Record<string, unknown>, options = {}) => eventHashId(event, { context: CONTEXT, ...options });

  it('is an RFC 6920 ni URI naming the CBV version', () => {
    expect(hash(SHIPPING)).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(hash(SHIPPING, { cbvVersion: '2.1' })).toMatch(/\?ver=CBV2\.1$/);
  });

  it('ignores our signature, so signing after hashing keeps the ID', () => {
    expect(hash(attachSignature(SHIPPING, 'header..signature'))).toBe(hash(SHIPPING));
    expect(preHashString(attachSignature(SHIPPING, 'jws'), { context: CONTEXT })).not.toContain('signature');
  });

  it('ignores the members the standard leaves out of the hash', () => {
    const annotated = {
      ...SHIPPING,
      eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
      recordTime: '2024-03-02T00:00:00Z',
      certificationInfo: 'https://cert.example.org/1',
      errorDeclaration: { declarationTime: '2024-03-03T00:00:00Z', reason: 'incorrect_data' },
      'rdfs:comment': 'a note',
    };
    expect(hash(annotated)).toBe(hash(SHIPPING));
  });

  it('drops extension members named in `exclude`, by expanded IRI and at any depth', () => {
    const exclude = ['https://ns.example.com/epcis/captureID'];
    const captured = {
      ...SHIPPING,
      'example:captureID': 'c-1',
      readPoint: { ...SHIPPING.readPoint, 'example:captureID': 'c-2' },
    };
    expect(hash(captured, { exclude })).toBe(hash(SHIPPING));
    expect(hash(captured)).not.toBe(hash(SHIPPING));
  });

  it('names the same event alike across time zones, identifier syntaxes and vocabulary forms', () => {
    const rewritten = {
      ...SHIPPING,
      eventTime: '2024-03-01T04:15:30.25-05:00',
      epcList: ['https://example.com/gtin/00614141073461/21/2017?x=1', 'https://id.gs1.org/01/10614141073464/21/2018'],
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      disposition: 'cbv:Disp-in_transit',
      readPoint: { id: 'https://id.gs1.org/414/0614141073467/254/1234' },
      bizTransactionList: [...SHIPPING.bizTransactionList].reverse(),
      'https://ns.example.com/epcis/unused': undefined,
    };
    expect(preHashString(rewritten, { context: CONTEXT })).toBe(preHashString(SHIPPING, { context: CONTEXT }));
  });

  it('does not depend on member order or list order', () => {
    const permutation = <T>(items: T[]) =>
      fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
    fc.assert(
      fc.property(
        permutation(Object.entries(SHIPPING)),
        permutation(SHIPPING.epcList),
        (members, epcList) => hash({ ...Object.fromEntries(members), epcList }) === hash(SHIPPING),
      ),
    );
  });

  it('writes CBV 2.0 extensions of standard fields after all standard fields, CBV 2.1 in place', () => {
    const event = { ...SHIPPING, readPoint: { ...SHIPPING.readPoint, 'example:dock': '7' } };
    const ns = '{https://ns.example.com/epcis/}';
    const cbv20 = preHashString(event, { context: CONTEXT });
    const cbv21 = preHashString(event, { context: CONTEXT, cbvVersion: '2.1' });
    const tail20 = `bizTransaction=https://id.gs1.org/253/06141410000121618034readPoint${ns}dock=7${ns}lot=L1`;
    expect(cbv20.slice(-tail20.length)).toBe(tail20);
    expect(cbv21).toContain(`readPointid=https://id.gs1.org/414/0614141073467/254/1234${ns}dock=7bizTransactionList`);
    expect(cbv21.endsWith(`${ns}lot=L1`)).toBe(true);
  });

  it('refuses values of the wrong shape instead of leaving them out of the hash', () => {
    expect(() => hash({ ...SHIPPING, readPoint: 'urn:epc:id:sgln:0614141.07346.1234' })).toThrow(/readPoint/);
    expect(() => hash({ ...SHIPPING, bizStep: { id: 'shipping' } })).toThrow(/bizStep/);
    expect(() => hash({ eventTime: SHIPPING.eventTime })).toThrow(/type/);
  });
});
