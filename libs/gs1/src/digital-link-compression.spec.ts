import fc from 'fast-check';
import { AiMap } from './ai';
import { gs1CheckDigit } from './check-digit';
import { parseDigitalLink, toDigitalLink } from './digital-link';
import { compressDigitalLink, decompressDigitalLink } from './digital-link-compression';
import { compressAis, decompressAis } from './digital-link-compression-codec';
import { Gs1Error } from './errors';
import { parseScan } from './scan';

const NUM_RUNS = 300;
const GTIN = '05412345000013';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Base 64 of a bit string given as binary digits (spaces allowed), zero-padded like an encoder. */
const segmentOf = (binary: string): string => {
  const bits = binary.replace(/ /g, '');
  const sixes = bits.padEnd(Math.ceil(bits.length / 6) * 6, '0').match(/.{6}/g) ?? [];
  return sixes.map((six) => BASE64URL[parseInt(six, 2)]).join('');
};
const GTIN_BITS = `0000 0001 ${BigInt(GTIN).toString(2).padStart(47, '0')}`; // AI (01), then 14 digits in 47 bits

describe('decompressDigitalLink: published examples', () => {
  // GS1 Resolver CE, announcement of compression support (github.com/gs1/GS1_DigitalLink_Resolver_CE, discussion #95):
  // https://example.com/01/05392000229648/10/LOT01/21/SERIAL01 compresses to .../AQnO2IRCICDKWcnpqQtCQiJABemo.
  it('reads the GS1 Resolver CE example', () => {
    expect(decompressDigitalLink('https://servername.com/AQnO2IRCICDKWcnpqQtCQiJABemo')).toEqual({
      domain: 'https://servername.com',
      ais: { '01': '05392000229648', '10': 'LOT01', '21': 'SERIAL01' },
      params: {},
    });
  });

  // GS1's reference toolkit, github.com/gs1/GS1DigitalLinkCompressionPrototype, src/GS1DigitalLinkToolkit.js, comments in
  // extractFromCompressedGS1digitalLink: the non-GS1 pairs compressed into the path, or left in the query.
  it.each([
    'http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXhXsaXbQKHFuaprwUmrBX6g',
    'http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TQ?expdt=1903061658&k1=v1',
  ])('reads the GS1 toolkit example %s', (uri) => {
    expect(decompressDigitalLink(uri)).toEqual({
      domain: 'http://example.org',
      ais: { '01': GTIN, '10': 'ABC&+123', '7003': '1903061658' },
      params: { expdt: '1903061658', k1: 'v1' },
    });
  });

  it.each<[string, AiMap, Record<string, string>?]>([
    // Trust Codes gs1-compression (github.com/Trust-Codes-Ltd/gs1-compression), tests/compress/test_core_functions.py
    // and tests/decompress/test_core_functions.py.
    ['https://id.gs1.org/ARHKVAdpQg', { '01': '09780345418913' }],
    ['https://id.gs1.org/AREjalurbiAUO-cgohCz45Z67b8A', { '01': '09421902960055', '10': '2010005828', '21': 'xyz1234' }],
    ['https://id.gs1.org/ABeRcNWtKMPA', { '00': '106141412345678908' }],
    ['https://id.gs1.org/QUCO_anbfA', { '414': '0614141123452' }],
    ['https://id.gs1.org/AQEd-1O2-GIGAD6A', { '01': '00614141123452', '3103': '000500' }],
    ['https://id.gs1.org/AQnYUc1gmiCNV4JGYgYAF6ckaEPg', { '01': GTIN, '10': 'ABC123', '3103': '000189', '3923': '2172' }],
    ['http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1', { '01': GTIN, '10': 'ABC&+123', '7003': '1903061658' }, { k1: 'v1' }],
    // Solidsoft Reply Gs1DigitalLinkLib (github.com/Solidsoft-Reply/Gs1DigitalLinkLib),
    // Tests/Features/DecompressGs1DigitalLink.feature and Tests/Features/AdditionalUriContent.feature.
    ['https://id.gs1.org/AN2yxDhfaiaw', { '00': '998440410914660971' }],
    ['https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6c', { '01': GTIN, '10': 'ABC123', '21': '72292641703' }],
    ['https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6cibQCWN9Pee9tT-PQ', { '01': GTIN, '22': 'AJY3095721P49', '10': 'ABC123', '21': '72292641703' }],
    ['https://id.gs1.org/AQnYUc1gmkax7ipGrOHDPC5YNI8hMz', { '01': GTIN, '235': '8TFV883a904GH&3' }],
    ['https://id.gs1.org/JUa0T-eifdtOO9UFEmlYwv3Q', { '414': '5060917510004', '254': 'RP56J920471' }],
    ['https://id.gs1.org/QXSaVjC_dHBAVlCrg', { '417': '5060917510004', '7040': '5KFX' }],
    ['https://id.gs1.org/AQnYUc1gmiCNV4JGLo3DY?arv=true&donor=bmgf', { '01': GTIN, '10': 'ABC123', '17': '290331' }, { arv: 'true', donor: 'bmgf' }],
    ['https://id.gs1.org/AQnYUc1gmiCNV4JGLo3Dfg2q72Etrue8K7RPRWwjc0D4', { '01': GTIN, '10': 'ABC123', '17': '290331' }, { arv: 'true', donor: 'bmgf' }],
  ])('%s', (uri, ais, params = {}) => {
    expect(decompressDigitalLink(uri)).toEqual({ domain: uri.slice(0, uri.lastIndexOf('/')), ais, params });
  });
});

describe('compressed path codec: published examples', () => {
  // Solidsoft Reply Gs1DigitalLinkLib, Tests/Features/CompressGs1DigitalLink.feature, and Trust Codes gs1-compression,
  // tests/compress/test_core_functions.py: AI sets no optimisation code covers, so every encoder writes the same bits.
  it.each<[string, AiMap]>([
    ['AQnYUc1gmg', { '01': GTIN }],
    ['ARHKVAdpQg', { '01': '09780345418913' }],
    ['AN2yxDhfaiaw', { '00': '998440410914660971' }],
    ['QUCO_anbfA', { '414': '0614141123452' }],
    ['QXSaVjC_dA', { '417': '5060917510004' }],
    ['QUSaVjC_dHBAVlCrg', { '414': '5060917510004', '7040': '5KFX' }],
    ['AQnYUc1gmkax7ipGrOHDPC5YNI8hMz', { '01': GTIN, '235': '8TFV883a904GH&3' }],
    ['JTLIetaiHYA', { '253': '3060077601309' }],
    ['JVUqG5hJ5wA', { '255': '5678409730535' }],
    ['QBl2DVoxZM2jVm3ZOWEFoxTR5HDgzZg', { '401': '0541234537290A41&GHpp33' }],
    ['QCJZyW9mC6Z4', { '402': '21173492661712079' }],
    ['gAMJCAXukTMA', { '8003': '04965031954585' }],
    ['JAaasHt_dNNt4ADESMALumsUfMAm34', { '8003': '09421012301014f9804dbf', '240': 'qwe390023' }],
    ['cEB2CqjAAkuwatGLJm0as27JywgtGKaPI4cGbM', { '8004': '0541234537290A41&GHpp33', '7040': '7BVR' }],
    ['gAYMBI_bNGwJk', { '8006': '054123450000130201' }],
    ['gBN05060917511473062B98T', { '8013': '5060917511473062B98T' }],
    ['gBhbV6rzBENPk', { '8018': '411369833821910265' }],
  ])('%s <-> %j', (segment, ais) => {
    expect(decompressAis(segment)).toEqual({ ais, params: [] });
    expect(compressAis(ais)).toBe(segment);
  });

  // The same sources, written without optimisation codes; this encoder uses the codes where they apply.
  it.each<[string, AiMap]>([
    ['gBCVYNWjFkzaNWbdk5YQWjFHHkM2cAI0xdvpGo', { '8010': '0541234537290A41#GH33', '8011': '6639047221' }],
    ['gBe1ajAd9ATDmAGXPRfk', { '8017': '817019610850151481', '8019': '4003812' }],
    ['EEarwSMhC4an0V05E2gEsb6e897an8ewAMGAkftmjYEy', { '8006': '054123450000130201', '22': 'AJY3095721P49', '10': 'ABC123', '21': '72292641703' }],
  ])('reads unoptimised %s', (segment, ais) => {
    expect(decompressAis(segment)).toEqual({ ais, params: [] });
  });

  // Not published: computed with GS1's toolkit (GS1DigitalLinkToolkit.js above), buildCompressedGS1digitalLink with
  // useOptimisations on. Codes 1A (01 10 21 17); 0A (01 22, the first of three equal candidates) with 10 and 21 after it;
  // 9D (414 254); 0E (01 7003, ahead of the equal 2D for 01 3103) with 3103 after it.
  it.each<[string, AiMap]>([
    ['GgnYUc1gmo1XgkYXDU-iunRuGw', { '01': GTIN, '10': 'ABC123', '21': '72292641703', '17': '290331' }],
    ['CgnYUc1gmtoBLG-nvPe2p_HogjVeCRkIXDU-iun', { '01': GTIN, '22': 'AJY3095721P49', '10': 'ABC123', '21': '72292641703' }],
    ['nUmlYwv3RrRP56J920471', { '414': '5060917510004', '254': 'RP56J920471' }],
    ['DhFKk4XBoE3aWlAYgYAQa', { '01': '09506000134352', '3103': '000525', '7003': '2612311200' }],
  ])('%s <-> %j with optimisation codes', (segment, ais) => {
    expect(compressAis(ais)).toBe(segment);
    expect(decompressAis(segment)).toEqual({ ais, params: [] });
  });
});

describe('compressDigitalLink', () => {
  it('writes the domain, then one base-64 segment', () => {
    expect(compressDigitalLink({ '01': GTIN })).toBe('https://id.gs1.org/AQnYUc1gmg');
    expect(compressDigitalLink({ '00': '998440410914660971' }, 'https://example.com/gs1/')).toBe('https://example.com/gs1/AN2yxDhfaiaw');
  });

  it('validates like toDigitalLink, and refuses a domain that would make the link read back uncompressed', () => {
    expect(() => compressDigitalLink({ '01': '05412345000014' })).toThrow(expect.objectContaining({ code: 'CHECK_DIGIT' }));
    expect(() => compressDigitalLink({ '21': 'S1' })).toThrow(expect.objectContaining({ code: 'MISSING_AI' }));
    expect(() => compressDigitalLink({ '01': GTIN }, 'id.gs1.org')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
    expect(() => compressDigitalLink({ '01': GTIN }, 'https://example.com/01')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
  });

  it('refuses an AI the compression format table does not list', () => {
    expect(() => compressDigitalLink({ '01': GTIN, '4330': '000123' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT', field: '4330' }));
  });
});

describe('decompressDigitalLink and parseDigitalLink', () => {
  it('read query AIs and parameters after a compressed path, with the rules of the uncompressed form', () => {
    const link = parseDigitalLink('https://id.gs1.org/AQnYUc1gmg?17=261231&linkType=gs1%3Apip');
    expect(link).toEqual({ domain: 'https://id.gs1.org', ais: { '01': GTIN, '17': '261231' }, params: { linkType: 'gs1:pip' } });
    expect(() => parseDigitalLink('https://id.gs1.org/AQnYUc1gmg?exp=261231')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
    expect(() => parseDigitalLink('https://id.gs1.org/AQnYUc1gmg?01=09506000134352')).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
    expect(() => parseDigitalLink('https://id.gs1.org/AQnYUc1gmiCNV4JG?10=X')).toThrow(expect.objectContaining({ code: 'DUPLICATE_AI' }));
  });

  it('decompressDigitalLink refuses the uncompressed form', () => {
    expect(() => decompressDigitalLink(`https://id.gs1.org/01/${GTIN}`)).toThrow(expect.objectContaining({ code: 'BAD_URI' }));
  });

  it.each([
    // The illustrative URI of this task's brief: its data after the GTIN holds no AI (GS1's toolkit refuses it too).
    ['https://id.gs1.org/AQnYUc1gmiYNIKmnqJd4', 'BAD_URI'],
    ['https://id.gs1.org/AQnYUc1g', 'BAD_URI'], // ends inside the GTIN
    ['https://id.gs1.org/AQnYUc1gmgA', 'BAD_URI'], // a character more than the data needs
    ['https://id.gs1.org/AQnYUc1gmh', 'BAD_URI'], // padding not zero
    [`https://id.gs1.org/${segmentOf('0000 0001' + '1'.repeat(47))}`, 'BAD_URI'], // 15 digits for (01)
    [`https://id.gs1.org/${segmentOf('0000 0011' + '0'.repeat(47))}`, 'BAD_URI'], // no AI starts with 03
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} 0100 0001 1010`)}`, 'BAD_URI'], // AI 41 continued by hex A
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} 1110 1110`)}`, 'BAD_URI'], // no optimisation code EE
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} 0001 0000 101 00001 0000000`)}`, 'BAD_URI'], // reserved encoding 5
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} 0001 0000 100 10101 ${'1000001'.repeat(21)}`)}`, 'BAD_URI'], // 21 characters in (10)
    [`https://id.gs1.org/${segmentOf(`0001 0000 100 00001 1000001`)}`, 'BAD_URI'], // (10) without a primary key
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} 0000 0000 ${BigInt('998440410914660971').toString(2).padStart(60, '0')}`)}`, 'BAD_URI'], // two keys
    [`https://id.gs1.org/${segmentOf(`${GTIN_BITS} ${GTIN_BITS}`)}`, 'DUPLICATE_AI'],
    [`https://id.gs1.org/${compressAis({ '01': '05412345000014' })}`, 'CHECK_DIGIT'], // checked once decompressed
    [`https://id.gs1.org/${compressAis({ '01': GTIN, '17': '261301' })}`, 'BAD_DATE'],
    [`https://id.gs1.org/${compressAis({ '01': GTIN, '21': 'A B' })}`, 'BAD_CHARSET'],
  ])('%s -> %s', (uri, code) => {
    expect(() => decompressDigitalLink(uri)).toThrow(expect.objectContaining({ code }));
  });
});

// Values drawn from every character encoding: digits, lower and upper case hex, base 64, and character set 82.
const CS82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .constantFrom('0123456789', '0123456789abcdef', '0123456789ABCDEF', BASE64URL, CS82)
    .chain((alphabet) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength }));
const digits = (min: number, max = min): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
const key = (bodyDigits: number): fc.Arbitrary<string> => digits(bodyDigits).map((body) => body + gs1CheckDigit(body));
const yymmdd = fc
  .tuple(fc.nat(99), fc.integer({ min: 1, max: 12 }), fc.nat(28))
  .map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(''));

// The platform's primary keys with attributes that reach every optimisation code they can take part in.
const primaryKey = fc.oneof(
  fc.record({ '01': key(13) }),
  fc.record({ '00': key(17) }),
  fc.record({ '414': key(12) }),
  fc.record({ '417': key(12) }),
);
const attributes = fc.record(
  {
    '22': text(20),
    '10': text(20),
    '21': text(20),
    '17': yymmdd,
    '11': yymmdd,
    '15': yymmdd,
    '16': yymmdd,
    '7003': digits(10),
    '30': digits(1, 8),
    '91': text(90),
    '3103': digits(6),
    '3205': digits(6),
    '3922': digits(1, 15),
    '254': text(20),
    '240': text(30),
  },
  { requiredKeys: [] },
);
const domain = fc.constantFrom('https://id.gs1.org', 'https://example.com/dl/', 'http://Example.com:8080/gs1/01/products');
const pack = fc.record({ '01': key(13), '21': text(20), '10': text(20), '17': yymmdd }, { requiredKeys: ['01', '21'] });

describe('properties', () => {
  it('compress -> decompress returns the domain and the AIs', () => {
    fc.assert(
      fc.property(primaryKey, attributes, domain, (keyAi, more, base) => {
        const ais = { ...keyAi, ...more };
        const uri = compressDigitalLink(ais, base);
        expect(decompressDigitalLink(uri)).toEqual({ domain: base.replace(/\/+$/, ''), ais, params: {} });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the codec round-trips every kind of format part: fixed and variable, digits and characters, in sequence', () => {
    const values = fc.record(
      {
        '8003': fc.tuple(key(13).map((k) => `0${k}`), fc.oneof(fc.constant(''), text(16))).map(([grai, serial]) => grai + serial),
        '7007': fc.tuple(digits(6), fc.oneof(fc.constant(''), digits(6))).map(([from, to]) => from + to),
        '3911': digits(4, 18),
        '255': digits(13, 25),
        '7040': fc.tuple(digits(1), text(3).filter((t) => t.length === 3)).map(([n, x]) => n + x),
        '4307': fc.constantFrom('US', 'DE'),
        '8010': text(30),
        '8011': digits(1, 12),
        '8017': digits(18),
        '8019': digits(1, 10),
        '8008': digits(8, 12),
        '99': text(90),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(values, (ais) => {
        expect(decompressAis(compressAis(ais))).toEqual({ ais, params: [] });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('parseScan reads a compressed link exactly as the uncompressed one', () => {
    fc.assert(
      fc.property(pack, (ais) => {
        expect(parseScan(compressDigitalLink(ais), 2025)).toEqual(parseScan(toDigitalLink(ais), 2025));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('random and corrupted base-64 paths give a value or a Gs1Error, nothing else', () => {
    const base64 = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 60 });
    const corrupted = fc
      .tuple(pack.map((ais) => compressAis(ais)), fc.nat(), fc.constantFrom(...BASE64URL), fc.nat(2))
      .map(([segment, at, c, cut]) => {
        const i = at % segment.length;
        return (segment.slice(0, i) + c + segment.slice(i + 1)).slice(0, segment.length - cut);
      });
    fc.assert(
      fc.property(fc.oneof(base64, corrupted), (segment) => {
        for (const read of [decompressDigitalLink, (uri: string) => parseScan(uri)]) {
          try {
            read(`https://id.gs1.org/${segment}`);
          } catch (e) {
            if (!(e instanceof Gs1Error)) throw e;
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
