import * as fc from 'fast-check';

import { canonicalNumber, canonicalTimestamp, cbvWebUri } from './event-hash-values';

describe('canonicalTimestamp', () => {
  it.each([
    ['2023-02-02T11:04:03.1415Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.1414Z', '2023-02-02T11:04:03.141Z'],
    ['2023-02-02T11:04:03.3142715Z', '2023-02-02T11:04:03.314Z'],
    ['2020-04-01T15:00:00+01:00', '2020-04-01T14:00:00.000Z'],
    ['2005-04-03T20:33:31.116000-06:00', '2005-04-04T02:33:31.116Z'],
    ['2024-01-01T05:00:00.5+05:30', '2023-12-31T23:30:00.500Z'],
    ['2019-12-31T23:59:59.9995z', '2020-01-01T00:00:00.000Z'],
  ])('%s → %s', (text, utc) => expect(canonicalTimestamp(text)).toBe(utc));

  it.each(['2023-02-30T00:00:00Z', '2023-02-02T24:00:00Z', '2023-02-02T11:04:03', 'yesterday'])(
    'leaves %s as written',
    (text) => expect(canonicalTimestamp(text)).toBe(text),
  );

  it('maps every zone offset of an instant to the same UTC text', () => {
    const instant = fc.date({ min: new Date('1900-01-01Z'), max: new Date('2999-12-31Z'), noInvalidDate: true });
    const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(instant, offsetMinutes, (date, offset) => {
        const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1);
        const zone = `${offset < 0 ? '-' : '+'}${two(Math.trunc(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
        return canonicalTimestamp(local + zone) === date.toISOString();
      }),
    );
  });
});

describe('canonicalNumber', () => {
  it.each([
    ['23.0', '23'],
    ['+0012.500', '12.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.0', '0'],
    ['1e3', '1000'],
    ['1.5E-3', '0.0015'],
    ['-12.340e1', '-123.4'],
  ])('%s → %s', (text, canonical) => expect(canonicalNumber(text)).toBe(canonical));

  it.each(['', '.', '+', 'e5', '1e', '12a', '0x10', 'Infinity', '+49(0)-12-345-678', '1e1001'])(
    'leaves %s as written',
    (text) => expect(canonicalNumber(text)).toBe(text),
  );

  it('keeps the value of every JavaScript number and writes it without exponent, once and for all', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const canonical = canonicalNumber(String(n));
        return Number(canonical) === n && !/[eE+]/.test(canonical) && canonicalNumber(canonical) === canonical;
      }),
    );
  });
});

describe('cbvWebUri', () => {
  it.each([
    ['urn:epcglobal:cbv:bizstep:shipping', 'https://ref.gs1.org/cbv/BizStep-shipping'],
    ['urn:epcglobal:cbv:disp:in_transit', 'https://ref.gs1.org/cbv/Disp-in_transit'],
    ['urn:epcglobal:cbv:btt:po', 'https://ref.gs1.org/cbv/BTT-po'],
    ['urn:epcglobal:cbv:sdt:owning_party', 'https://ref.gs1.org/cbv/SDT-owning_party'],
    ['urn:epcglobal:cbv:bt:0614141073467:1152', 'urn:epcglobal:cbv:bt:0614141073467:1152'],
  ])('%s → %s', (text, uri) => expect(cbvWebUri(text)).toBe(uri));
});
