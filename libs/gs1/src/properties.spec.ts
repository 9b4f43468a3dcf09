// Cross-module properties: every representation of a GS1 identity converts losslessly into
// every other, and no parser lets anything but a Gs1Error escape, whatever it is fed.
import fc from 'fast-check';
import { AiMap } from './ai';
import { gs1CheckDigit, normalizeGtin } from './check-digit';
import { percentDecode } from './charset';
import { gs1DateToIso } from './date';
import { digitalLinkAis, parseDigitalLink, toDigitalLink } from './digital-link';
import { GS, parseElementString, toElementString, toHri } from './element-string';
import { epcUriFromAis, epcUriToAis, epcUriToDigitalLink, parseEpcUri } from './epc-uri';
import { Gs1Error } from './errors';
import { ndcFromGtin } from './ndc';
import { parseScan } from './scan';

const NUM_RUNS = 500;
const CS82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

// Characters that need escaping in EPC URIs or Digital Links are drawn far more often than chance.
const cs82Text = fc.string({
  unit: fc.oneof(fc.constantFrom(...'%&/?"<>.'), fc.constantFrom(...CS82)),
  minLength: 1,
  maxLength: 20,
});
const key = (bodyDigits: number) =>
  fc.stringMatching(new RegExp(`^\\d{${bodyDigits}}$`)).map((body) => body + gs1CheckDigit(body));
const gtin = key(13);
const yymmdd = fc
  .tuple(fc.nat(99), fc.integer({ min: 1, max: 12 }), fc.nat(28))
  .map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(''));

// One AI map per EPC scheme, holding exactly what that EPC URI carries.
const epcIdentity: fc.Arbitrary<AiMap> = fc.oneof(
  fc.record({ '01': gtin, '21': cs82Text }),
  fc.record({ '01': gtin, '10': cs82Text }),
  fc.record({ '00': key(17) }),
  fc.record({ '414': key(12), '254': cs82Text.filter((ext) => ext !== '0') }, { requiredKeys: ['414'] }),
  fc.record({ '417': key(12) }),
);
const companyPrefixLength = fc.integer({ min: 6, max: 12 });
const pack = fc.record({ '01': gtin, '21': cs82Text, '10': cs82Text, '17': yymmdd }, { requiredKeys: ['01', '21'] });

describe('round trips', () => {
  it('EPC URI <-> AIs <-> Digital Link <-> element string', () => {
    fc.assert(
      fc.property(epcIdentity, companyPrefixLength, (ais, cpl) => {
        const uri = epcUriFromAis(ais, cpl);
        expect(parseEpcUri(uri).companyPrefixLength).toBe(cpl);
        expect(epcUriToAis(uri)).toEqual(ais);
        expect(epcUriToDigitalLink(uri)).toBe(toDigitalLink(ais));
        const link = parseDigitalLink(toDigitalLink(ais, 'https://example.com/dl'));
        expect(link).toEqual({ domain: 'https://example.com/dl', ais, params: {} });
        expect(parseElementString(toElementString(link.ais))).toEqual(ais);
        expect(epcUriFromAis(parseElementString(toElementString(ais)), cpl)).toBe(uri);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a serialized pack scans the same from DataMatrix, human-readable text and Digital Link', () => {
    fc.assert(
      fc.property(pack, (ais) => {
        const forms = [`]d2${GS}${toElementString(ais)}\r\n`, toDigitalLink(ais)];
        // Printed text cannot tell "(10)" inside a serial from an AI, so only unambiguous values are printed.
        if (!Object.values(ais).some((value) => /\(\d{2,4}\)/.test(value))) forms.push(toHri(ais));
        for (const form of forms) {
          const scan = parseScan(form, 2025);
          expect(scan.ais).toEqual(ais);
          expect(scan.sgtin).toBe(toDigitalLink({ '01': ais['01'], '21': ais['21'] }));
          expect(scan.digitalLink).toBe(forms[1]);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('robustness: parsers return a value or throw Gs1Error, nothing else', () => {
  const FRAGMENTS = [
    ']d2', ']Q3', ']C1', ']Q1', ']', GS, '01', '00614141123452', '10', '17', '21', '00', '414', '254', '3103', '99',
    '(01)', '(21)', '(17)', '(', ')', '261231', '0', '9', 'A', '%', '%2F', '%C3', '/', '?', '&', '=', '#', '.',
    'https://id.gs1.org/01/', 'http://x.y/', '/21/', '/10/', '?17=', '&linkType=', 'urn:epc:id:sgtin:', 'urn:epc:class:lgtin:',
    'urn:epc:id:sscc:', '0614141.', '112345.', '\r\n', ' ', '\t', 'é', '\u0000', '\uD800', '__proto__', 'constructor',
  ];
  const fragment = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.stringMatching(/^\d{1,18}$/), fc.string({ maxLength: 3 }));
  // Valid barcodes, links and URIs with a few random edits reach much deeper than random text.
  const valid = fc
    .tuple(pack, companyPrefixLength, fc.nat(3))
    .map(([ais, cpl, form]) => [`]d2${toElementString(ais)}`, toHri(ais), toDigitalLink(ais), epcUriFromAis(ais, cpl)][form]);
  const edit = fc.tuple(fc.nat(), fc.nat(3), fragment);
  const applyEdits = (text: string, edits: [number, number, string][]) =>
    edits.reduce((s, [at, removed, inserted]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + inserted + s.slice(i + removed);
    }, text);
  const mutated = fc.tuple(valid, fc.array(edit, { maxLength: 3 })).map(([text, edits]) => applyEdits(text, edits));
  const inputs = fc.oneof(
    mutated,
    fc.string(),
    fc.string({ unit: 'binary' }), // any code point, lone surrogates included
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.constantFrom(...'\u0000\u0001\u001d\u001e\u007f\r\n\t ') }),
    fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join('')),
  );
  const parsers: [string, (s: string) => unknown][] = [
    ['parseScan', (s) => parseScan(s)],
    ['parseDigitalLink', parseDigitalLink],
    ['parseElementString', parseElementString],
    ['parseEpcUri', parseEpcUri],
    ['epcUriToAis', epcUriToAis],
    ['epcUriToDigitalLink', epcUriToDigitalLink],
    ['normalizeGtin', normalizeGtin],
    ['ndcFromGtin', ndcFromGtin],
    ['gs1CheckDigit', gs1CheckDigit],
    ['gs1DateToIso', (s) => gs1DateToIso(s)],
    ['percentDecode', percentDecode],
  ];

  const outcome = (f: () => unknown) => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof Gs1Error)) throw e;
      return `error ${e.code}`;
    }
  };

  it('epcUriToDigitalLink answers what toDigitalLink(epcUriToAis(uri)) answers, error code included', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        expect(outcome(() => epcUriToDigitalLink(text))).toBe(outcome(() => toDigitalLink(epcUriToAis(text))));
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  it('digitalLinkAis answers what parseDigitalLink(uri).ais answers, error code included', () => {
    const sgtinLinks = fc
      .tuple(gtin, cs82Text, fc.array(edit, { maxLength: 2 }))
      .map(([g, serial, edits]) => applyEdits(toDigitalLink({ '01': g, '21': serial }), edits));
    fc.assert(
      fc.property(fc.oneof(sgtinLinks, inputs), (text) => {
        expect(outcome(() => digitalLinkAis(text))).toEqual(outcome(() => parseDigitalLink(text).ais));
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  it.each(parsers)('%s', (_, parse) => {
    fc.assert(
      fc.property(inputs, (text) => {
        try {
          parse(text);
        } catch (e) {
          if (!(e instanceof Gs1Error)) throw e;
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
