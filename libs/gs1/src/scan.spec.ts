import { Gs1Error } from './errors';
import { parseScan } from './scan';

const GS = '\u001d';
const GTIN = '00300021433802'; // NDC 0002-1433-80
const ELEMENTS = `01${GTIN}17270300` + `21SN&1/2${GS}10LOT7`;
const EXPECTED = {
  gtin: GTIN,
  serial: 'SN&1/2',
  lot: 'LOT7',
  expiry: '2027-03-31',
  ndc: '0002143380',
  sgtin: `https://id.gs1.org/01/${GTIN}/21/SN%261%2F2`,
  digitalLink: `https://id.gs1.org/01/${GTIN}/10/LOT7/21/SN%261%2F2?17=270300`,
  ais: { '01': GTIN, '17': '270300', '21': 'SN&1/2', '10': 'LOT7' },
};

describe('parseScan', () => {
  it.each([
    ['GS1 DataMatrix with symbology identifier', `]d2${ELEMENTS}`, ']d2'],
    ['FNC1 transmitted after the identifier', `]d2${GS}${ELEMENTS}`, ']d2'],
    ['GS1 QR', `]Q3${ELEMENTS}`, ']Q3'],
    ['GS1-128', `]C1${ELEMENTS}`, ']C1'],
    ['another ]xN identifier', `]e0${ELEMENTS}`, ']e0'],
    ['no identifier', ELEMENTS, undefined],
    ['no identifier but a leading FNC1', `${GS}${ELEMENTS}`, undefined],
    ['keyboard-wedge CR/LF and spaces', `  ]d2${ELEMENTS}\r\n`, ']d2'],
    ['human-readable form', `(01)${GTIN}(17)270300(21)SN&1/2(10)LOT7`, undefined],
    ['Digital Link', `https://example.com/01/${GTIN}/21/SN%261%2F2?10=LOT7&17=270300`, undefined],
    ['Digital Link in a QR with identifier', `]Q1https://id.gs1.org/01/${GTIN}/10/LOT7/21/SN%261%2F2?17=270300\n`, ']Q1'],
  ])('reads %s', (_, text, symbology) => {
    expect(parseScan(text, 2025)).toEqual({ ...EXPECTED, symbology });
  });

  it('returns only what was scanned', () => {
    const result = parseScan(`]d201${GTIN}`, 2025);
    expect(result).toEqual({
      gtin: GTIN,
      ndc: '0002143380',
      digitalLink: `https://id.gs1.org/01/${GTIN}`,
      ais: { '01': GTIN },
      symbology: ']d2',
    });
    expect(result).not.toHaveProperty('sgtin', expect.anything());
  });

  it('gives a null NDC for a non-NDC GTIN', () => {
    expect(parseScan('0100614141123452211', 2025).ndc).toBeNull();
  });

  it('resolves the expiry century from the given current year', () => {
    expect(parseScan(`01${GTIN}17991231`, 2025).expiry).toBe('1999-12-31');
    expect(parseScan(`01${GTIN}17991231`, 2060).expiry).toBe('2099-12-31');
    expect(parseScan(`01${GTIN}17000229`, 2025).expiry).toBe('2000-02-29');
    expect(() => parseScan(`01${GTIN}17000229`, 2060)).toThrow(expect.objectContaining({ code: 'BAD_DATE' })); // 2100
  });

  it('does not depend on the host time zone', () => {
    const original = process.env.TZ;
    try {
      const expiries = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'].map((tz) => {
        process.env.TZ = tz;
        return parseScan(`01${GTIN}17270100`, 2025).expiry;
      });
      expect(expiries).toEqual(['2027-01-31', '2027-01-31', '2027-01-31']);
    } finally {
      process.env.TZ = original;
    }
  });

  it.each([
    ['no GTIN', ']C100106141412345678908', 'MISSING_AI'],
    ['bad GTIN check digit', `01003000214338032112`, 'CHECK_DIGIT'],
    ['serial over 20 characters', `01${GTIN}21${'S'.repeat(21)}`, 'BAD_LENGTH'],
    ['lot over 20 characters', `01${GTIN}10${'L'.repeat(21)}`, 'BAD_LENGTH'],
    ['serial outside charset 82', `01${GTIN}21AB CD`, 'BAD_CHARSET'],
    ['expiry month 13', `01${GTIN}17271301`, 'BAD_DATE'],
    ['expiry 30 February', `01${GTIN}17270230`, 'BAD_DATE'],
    ['truncated GTIN', `]d201${GTIN.slice(0, 10)}`, 'BAD_LENGTH'],
    ['only an identifier', ']d2', 'UNKNOWN_FORMAT'],
    ['whitespace', ' \r\n', 'UNKNOWN_FORMAT'],
    ['garbage', 'hello world', 'UNKNOWN_FORMAT'],
    ['two identifiers', `]d2]d2${ELEMENTS}`, 'UNKNOWN_FORMAT'],
    ['a bad Digital Link', `https://id.gs1.org/01/${GTIN}/99/x`, 'BAD_URI'],
  ])('rejects %s', (_, text, code) => {
    expect(() => parseScan(text, 2025)).toThrow(Gs1Error);
    expect(() => parseScan(text, 2025)).toThrow(expect.objectContaining({ code }));
  });
});
