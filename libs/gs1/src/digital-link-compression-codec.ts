import { AiMap } from './ai';
import { Gs1Error } from './errors';

// The binary layer of GS1 Digital Link compression (GS1 Digital Link standard), bit-compatible with
// GS1's reference implementation, GS1DigitalLinkCompressionPrototype. A compressed path is a run of
// entries, each opening with hex digits: two that begin an AI (its further digits follow), two
// that name an optimisation code standing for a fixed AI sequence, or F for a non-GS1 key/value
// pair. Values follow in the layout of their AI's format. The bits are written six at a time in
// URI-safe base 64, the last character zero-padded.

/** One part of an AI value: digits (N) or characters (X), of a fixed length or up to a maximum. */
interface Part {
  numeric: boolean;
  variable: boolean;
  length: number;
}

interface Format {
  parts: Part[];
  /** Matches a value that fits the parts, capturing each part. */
  pattern: RegExp;
}

// The value format ("table F") of every AI the standard lists, in General Specifications
// notation without the AI's own digits; "a-b" spans AIs a to b. Beyond GS1's prototype: 715 and
// 716 (NHRN, like 710-714) and 7040 in full (the prototype drops its X3 part).
const FORMAT_TABLE: [string, string][] = [
  ['N18', '00 8006 8017 8018 8026'],
  ['N14', '01 02 8001'],
  ['N13', '410-417 7001'],
  ['N17', '402'],
  ['N20', '4309'],
  ['N10', '4324 4325 7003'],
  ['N6', '11-13 15-17 3950-3959 4326 7006 8005'],
  ['N4', '3940-3943 8111'],
  ['N3', '422 424 426'],
  ['N2', '20'],
  ['N1', '4321-4323'],
  ['N..15', '3900-3909 3920-3929'],
  ['N..12', '8011'],
  ['N..10', '8019'],
  ['N..8', '30 37'],
  ['N..6', '242'],
  ['N..4', '7004'],
  ['N3+N..15', '3910-3919 3930-3939'],
  ['N3+N..12', '423 425'],
  ['N13+N..12', '255'],
  ['N6+N..6', '7007'],
  ['N8+N..4', '8008'],
  ['N13+X..17', '253'],
  ['N14+X..16', '8003'],
  ['N3+X..27', '7030-7039'],
  ['N3+X..9', '421'],
  ['N1+X3', '7040'],
  ['X..90', '91-99'],
  ['X..70', '4302-4306 4312-4316 8110 8112 8200'],
  ['X..50', '8009'],
  ['X..35', '4300 4301 4310 4311 4320'],
  ['X..30', '90 240 241 250 251 400 401 403 4308 4319 7002 7023 7230-7239 8004 8010 8013'],
  ['X..28', '235'], // GS1's prototype has N3+X..28, counting the AI's own three digits
  ['X..25', '8020'],
  ['X..24', '8007'],
  ['X..20', '10 21 22 243 254 420 710-716 4318 7020-7022 7240 8002 8012'],
  ['X..12', '7005'],
  ['X..10', '7009'],
  ['X..3', '427 7008'],
  ['X..2', '7010'],
  ['X2', '4307 4317'],
];

const span = (range: string): string[] => {
  const [first, last = first] = range.split('-');
  return Array.from({ length: Number(last) - Number(first) + 1 }, (_, i) => String(Number(first) + i).padStart(first.length, '0'));
};

// Trade measures 310n-369n: each unit's AI with n = 0-5 decimal places, six digits.
const MEASURES = ['310-316', '320-337', '340-357', '360-369'].flatMap(span).flatMap((ai) => span(`${ai}0-${ai}5`));

const partOf = (text: string): Part => {
  const [, type, dots, length] = /^([NX])(\.\.)?(\d+)$/.exec(text) ?? [];
  return { numeric: type === 'N', variable: dots !== undefined, length: Number(length) };
};
const partPattern = ({ numeric, variable, length }: Part): string =>
  `(${numeric ? '\\d' : '[\\0-\\x7f]'}{${variable ? 0 : length},${length}})`;
const formatOf = (text: string): Format => {
  const parts = text.split('+').map(partOf);
  return { parts, pattern: new RegExp(`^${parts.map(partPattern).join('')}$`) };
};

const FORMATS = new Map<string, Format>([
  ...FORMAT_TABLE.flatMap(([format, ais]) => ais.split(' ').flatMap(span).map((ai): [string, Format] => [ai, formatOf(format)])),
  ...MEASURES.map((ai): [string, Format] => [ai, formatOf('N6')]),
]);

// The first two digits of an AI fix its length (the standard's "table P").
const AI_LENGTHS = new Map([...FORMATS.keys()].map((ai) => [ai.slice(0, 2), ai.length]));

// Optimisation codes: one header for an AI sequence that often occurs together.
const OPTIMISATIONS = new Map<string, readonly string[]>([
  ['0A', ['01', '22']],
  ['0B', ['01', '10']],
  ['0C', ['01', '21']],
  ['0D', ['01', '17']],
  ['0E', ['01', '7003']],
  ['0F', ['01', '30']],
  ['1A', ['01', '10', '21', '17']],
  ['1B', ['01', '15']],
  ['1C', ['01', '11']],
  ['1D', ['01', '16']],
  ['1E', ['01', '91']],
  ['1F', ['01', '10', '15']],
  ...[...'ABCDEF'].map((c, n): [string, string[]] => [`2${c}`, ['01', `310${n}`]]),
  ...[...'ABCDEF'].map((c, n): [string, string[]] => [`3${c}`, ['01', `320${n}`]]),
  ['9A', ['8010', '8011']],
  ['9B', ['8017', '8019']],
  ['9C', ['8018', '8019']],
  ['9D', ['414', '254']],
  ...span('0-9').map((n): [string, string[]] => [`A${n}`, ['01', `392${n}`]]),
  ...span('0-9').map((n): [string, string[]] => [`C${n}`, ['255', `390${n}`]]),
  ...[...'ABCD'].map((c, n): [string, string[]] => [`C${c}`, ['255', `394${n}`]]),
]);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ASCII = String.fromCharCode(...Array(128).keys());

// Character encodings by their 3-bit indicator (5-7 are reserved); an encoder takes the first that
// fits. Numeric text is one binary number, the others index an alphabet of 16, 64 or 128 characters.
const ENCODINGS: { fits: RegExp; alphabet?: string }[] = [
  { fits: /^\d+$/ },
  { fits: /^[\da-f]+$/, alphabet: '0123456789abcdef' },
  { fits: /^[\dA-F]+$/, alphabet: '0123456789ABCDEF' },
  { fits: /^[\w-]+$/, alphabet: BASE64URL },
  { fits: /^[\0-\x7f]*$/, alphabet: ASCII },
];
const BASE64URL_ENCODING = 3;

// An entry opening with hex digit F is a non-GS1 key/value pair: the key as 7 bits of length and
// base-64 characters, the value as characters of an AI of format X..127.
const NON_GS1_KEY = 'F';
const NON_GS1_VALUE = partOf('X..127');

// Bit widths exactly as the reference implementation computes them: it is one bit wider than
// needed for 59 digits, and every encoder and decoder must agree.
const numberWidth = (digits: number): number => Math.ceil(digits * Math.log2(10) + 0.01);
const lengthWidth = (max: number): number => max.toString(2).length;
const charWidth = (alphabet: string): number => Math.log2(alphabet.length);

const bits = (value: number | bigint, width: number): string => value.toString(2).padStart(width, '0');
const hexBits = (code: string): string => [...code].map((c) => bits(parseInt(c, 16), 4)).join('');

const corrupt = (detail: string): Gs1Error => new Gs1Error('BAD_URI', `compressed Digital Link path: ${detail}`);

function packPart({ numeric, variable, length }: Part, text: string): string {
  const encoding = numeric ? 0 : ENCODINGS.findIndex(({ fits }) => fits.test(text));
  const { alphabet } = ENCODINGS[encoding];
  return (
    (numeric ? '' : bits(encoding, 3)) +
    (variable ? bits(text.length, lengthWidth(length)) : '') +
    (alphabet ? [...text].map((c) => bits(alphabet.indexOf(c), charWidth(alphabet))).join('') : bits(BigInt(text), numberWidth(text.length)))
  );
}

function packAi(ai: string, value: string): string {
  const format = FORMATS.get(ai);
  if (!format) throw new Gs1Error('UNKNOWN_FORMAT', `AI (${ai}) has no compressed format`, ai);
  const captured = format.pattern.exec(value);
  if (!captured) throw new Gs1Error('UNKNOWN_FORMAT', `AI (${ai}): value does not fit the compressed format`, ai);
  return format.parts.map((part, i) => packPart(part, captured[i + 1])).join('');
}

// Greedy, as GS1's reference encoder: while an optimisation applies, the one covering the most AI
// digits, the earliest on a tie (sort is stable). One pass suffices, as AIs only ever drop out.
const OPTIMISATIONS_BY_WEIGHT = [...OPTIMISATIONS].sort(([, a], [, b]) => b.join('').length - a.join('').length);

/** Packs valid AIs into a compressed path segment: optimised sequences first, then the rest sorted. */
export function compressAis(ais: AiMap): string {
  const left = new Set(Object.keys(ais));
  let binary = '';
  for (const [code, sequence] of OPTIMISATIONS_BY_WEIGHT) {
    if (!sequence.every((ai) => left.has(ai))) continue;
    binary += hexBits(code) + sequence.map((ai) => packAi(ai, ais[ai])).join('');
    sequence.forEach((ai) => left.delete(ai));
  }
  for (const ai of [...left].sort()) binary += hexBits(ai) + packAi(ai, ais[ai]);
  binary = binary.padEnd(Math.ceil(binary.length / 6) * 6, '0');
  return (binary.match(/.{6}/g) ?? []).map((six) => BASE64URL[parseInt(six, 2)]).join('');
}

class BitReader {
  private position = 0;

  constructor(private readonly binary: string) {}

  get remaining(): number {
    return this.binary.length - this.position;
  }

  read(width: number): string {
    if (width > this.remaining) throw corrupt('data ends inside an entry');
    this.position += width;
    return this.binary.slice(this.position - width, this.position);
  }

  int(width: number): number {
    return parseInt(this.read(width), 2);
  }
}

function readText(reader: BitReader, encoding: number, count: number): string {
  if (encoding === 0) {
    const value = BigInt(`0b${reader.read(numberWidth(count))}`);
    if (value >= 10n ** BigInt(count)) throw corrupt(`number ${value} has more than ${count} digits`);
    return count ? value.toString().padStart(count, '0') : '';
  }
  const alphabet = ENCODINGS[encoding]?.alphabet;
  if (!alphabet) throw corrupt(`reserved character encoding ${encoding}`);
  return Array.from({ length: count }, () => alphabet[reader.int(charWidth(alphabet))]).join('');
}

function readPart(reader: BitReader, { numeric, variable, length }: Part): string {
  const encoding = numeric ? 0 : reader.int(3);
  const count = variable ? reader.int(lengthWidth(length)) : length;
  if (count > length) throw corrupt(`${count} characters where at most ${length} fit`);
  return readText(reader, encoding, count);
}

/** The AIs an entry stands for, from its opening hex digits: one AI, or an optimisation's sequence. */
function readEntryAis(reader: BitReader, code: string): readonly string[] {
  const sequence = OPTIMISATIONS.get(code);
  if (sequence) return sequence;
  const length = AI_LENGTHS.get(code);
  if (!length) throw corrupt(`no AI or optimisation code starts with ${code}`);
  let ai = code;
  while (ai.length < length) {
    const digit = reader.int(4);
    if (digit > 9) throw corrupt(`AI ${ai} continues with a non-digit`);
    ai += digit;
  }
  return [ai];
}

const hexDigit = (reader: BitReader): string => reader.int(4).toString(16).toUpperCase();

/**
 * Unpacks a compressed path segment into its AIs and non-GS1 key/value pairs. Checks the encoding
 * only: the values are for the caller to validate.
 */
export function decompressAis(segment: string): { ais: AiMap; params: [string, string][] } {
  if (!/^[\w-]+$/.test(segment)) throw corrupt('not URI-safe base 64');
  const reader = new BitReader([...segment].map((c) => bits(BASE64URL.indexOf(c), 6)).join(''));
  const ais: AiMap = {};
  const params: [string, string][] = [];
  while (reader.remaining >= 6) {
    const h1 = hexDigit(reader);
    if (h1 === NON_GS1_KEY) {
      const key = readText(reader, BASE64URL_ENCODING, reader.int(7));
      params.push([key, readPart(reader, NON_GS1_VALUE)]);
      continue;
    }
    for (const ai of readEntryAis(reader, h1 + hexDigit(reader))) {
      const format = FORMATS.get(ai);
      if (!format) throw corrupt(`AI (${ai}) has no compressed format`);
      if (Object.hasOwn(ais, ai)) throw new Gs1Error('DUPLICATE_AI', `AI (${ai}) given twice`, ai);
      ais[ai] = format.parts.map((part) => readPart(reader, part)).join('');
    }
  }
  // What is left pads the bits to whole base-64 characters.
  if (reader.read(reader.remaining).includes('1')) throw corrupt('padding is not zero');
  return { ais, params };
}
