import fc from 'fast-check';
import { gs1CheckDigit } from './check-digit';
import { Gs1Error } from './errors';
import { GS, parseElementString, toElementString, toHri, validateAis } from './element-string';

const GTIN = '00614141123452';

describe('parseElementString', () => {
  it('reads the FNC1 form, with or without a leading FNC1', () => {
    const expected = { '01': GTIN, '17': '261231', '10': 'L1', '21': 'S/1' };
    expect(parseElementString(`01${GTIN}17261231` + `10L1${GS}21S/1`)).toEqual(expected);
    expect(parseElementString(`${GS}01${GTIN}17261231` + `10L1${GS}21S/1`)).toEqual(expected);
  });

  it('reads the human-readable form, parentheses inside data included', () => {
    expect(parseElementString(`(01)${GTIN}(21)A(B)C(10)X`)).toEqual({ '01': GTIN, '21': 'A(B)C', '10': 'X' });
  });

  it('keeps the raw text of other AIs, e.g. measures and ISO-prefixed values', () => {
    expect(parseElementString(`01${GTIN}3103000525` + `421840ABC`)).toEqual({ '01': GTIN, '3103': '000525', '421': '840ABC' });
  });

  it('tolerates a trailing FNC1 and allows a repeated AI only with the same value', () => {
    expect(parseElementString(`21A${GS}21A${GS}`)).toEqual({ '21': 'A' });
    expect(() => parseElementString(`21A${GS}21B`)).toThrow(expect.objectContaining({ code: 'DUPLICATE_AI', field: '21' }));
  });

  it.each([
    ['', 'UNKNOWN_FORMAT'],
    [GS, 'UNKNOWN_FORMAT'],
    ['hello', 'UNKNOWN_FORMAT'],
    [`]d201${GTIN}`, 'UNKNOWN_FORMAT'], // a symbology identifier is the caller's to strip
    [`0100614141123`, 'BAD_LENGTH'],
    [`01${GTIN}172613`, 'BAD_LENGTH'],
    [`01${GTIN}17AB0101`, 'BAD_DATE'],
    [`01${GTIN}17251301`, 'BAD_DATE'], // the library would roll month 13 into next January
    [`0100614141123453`, 'CHECK_DIGIT'],
    [`01${GTIN}21`, 'BAD_LENGTH'], // empty serial
    [`(017)250630`, 'BAD_LENGTH'], // read as (01) with too few digits
  ])('%j -> %s', (text, code) => {
    expect(() => parseElementString(text)).toThrow(expect.objectContaining({ code }));
  });
});

describe('formatting', () => {
  const ais = { '21': 'S1', '10': 'L1', '17': '261231', '01': GTIN };

  it('puts the key and fixed-length AIs first and separates only variable-length ones', () => {
    expect(toElementString(ais)).toBe(`01${GTIN}17261231` + `10L1${GS}21S1`);
    expect(toElementString({ '414': '0614141000005', '254': 'DOCK-1' })).toBe('4140614141000005254DOCK-1');
  });

  it('writes the human-readable interpretation', () => {
    expect(toHri(ais)).toBe(`(01)${GTIN}(17)261231(10)L1(21)S1`);
  });

  it('round-trips through the parser', () => {
    expect(parseElementString(toElementString(ais))).toEqual(ais);
    expect(parseElementString(toHri(ais))).toEqual(ais);
  });
});

describe('validateAis', () => {
  it('uses the barcode parser to reject unknown AIs and wrong fixed lengths', () => {
    expect(() => validateAis({ '01': GTIN, '23': 'x' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT' }));
    expect(() => validateAis({ '01': GTIN, '426': '0012' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT' }));
    // (20) is two digits, so the rest would silently become another element
    expect(() => validateAis({ '01': GTIN, '20': '123103000525' })).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });

  it('reports value errors precisely rather than as a mismatch', () => {
    expect(() => validateAis({ '21': `A${GS}10B` })).toThrow(expect.objectContaining({ code: 'BAD_CHARSET', field: '21' }));
  });

  it('needs at least one AI', () => {
    expect(() => validateAis({})).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT' }));
  });

  it('accepts maps of the keys, (10), (17), (21), (22) and (254) without the parser only when the parser agrees', () => {
    // Mostly well-formed values (so that many maps pass), with wrong lengths and check digits mixed in.
    const digits = (length: number) => fc.stringMatching(new RegExp(`^\\d{${length}}$`));
    const withCheckDigit = (length: number) => digits(length - 1).map((body) => body + gs1CheckDigit(body));
    const key = (length: number) =>
      fc.oneof({ arbitrary: withCheckDigit(length), weight: 3 }, fc.integer({ min: 2, max: 19 }).chain(withCheckDigit));
    const text = fc.oneof(
      { arbitrary: fc.string({ unit: fc.constantFrom(...'Ab9!%-./_&?'), minLength: 1, maxLength: 20 }), weight: 3 },
      fc.string({ unit: fc.constantFrom(...'Ab9!%-./_&?'), minLength: 0, maxLength: 30 }),
    );
    const date = fc.oneof(fc.constantFrom('261130', '270200', '300229'), digits(5), digits(7));
    const ais = fc.oneof(
      fc.record({ '01': key(14), '10': text, '17': date, '21': text, '22': text }, { requiredKeys: ['01'] }),
      fc.record({ '00': key(18) }),
      fc.record({ '414': key(13), '254': text }, { requiredKeys: ['414'] }),
      fc.record({ '417': key(13) }),
    );
    fc.assert(
      fc.property(ais, (map) => {
        let accepted = true;
        try {
          validateAis(map);
        } catch (e) {
          if (!(e instanceof Gs1Error)) throw e;
          accepted = false;
        }
        // What the shortcut accepts, gs1-barcode-parser-mod reads back unchanged from the element string.
        if (accepted) expect(parseElementString(toElementString(map))).toEqual(map);
      }),
      { numRuns: 2000 },
    );
  });
});
