import { assertCs82 } from './charset';
import { assertGs1Key, Gs1KeyType } from './check-digit';
import { gs1DateToIso } from './date';
import { Gs1Error } from './errors';

/** Element values keyed by AI ('01', '21', '17' ...), exactly as carried in the barcode. */
export type AiMap = Record<string, string>;

/**
 * GS1 primary keys this platform handles, each with its key qualifiers in the order the
 * GS1 Digital Link standard puts them in the path.
 */
export const KEY_QUALIFIERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['01', ['22', '10', '21']],
  ['00', []],
  ['414', ['254']],
  ['417', []],
]);

const KEY_TYPES = new Map<string, Gs1KeyType>([
  ['01', 'gtin'],
  ['00', 'sscc'],
  ['414', 'gln'],
  ['417', 'gln'],
]);
const DATE_AIS = new Set(['11', '12', '13', '15', '16', '17']);
// CPV, lot, serial and GLN extension are X..20; other AIs are capped at the longest GS1 field.
const SHORT_TEXT_AIS = new Set(['10', '21', '22', '254']);

function checkValue(ai: string, value: string): void {
  const keyType = KEY_TYPES.get(ai);
  if (keyType) {
    assertGs1Key(value, keyType);
    if (ai === '01' && value.length !== 14) throw new Gs1Error('BAD_LENGTH', 'AI (01) carries a 14-digit GTIN');
  } else if (DATE_AIS.has(ai)) {
    gs1DateToIso(value);
  } else {
    assertCs82(value, SHORT_TEXT_AIS.has(ai) ? 20 : 90);
  }
}

/**
 * Value rules beyond the barcode grammar: key check digits, real calendar dates, charset 82
 * and lengths. Returns `value`; errors name the AI in `field`.
 */
export function checkAi(ai: string, value: string): string {
  if (!/^\d{2,4}$/.test(ai)) throw new Gs1Error('UNKNOWN_FORMAT', `${JSON.stringify(ai)} is not an AI`, ai);
  try {
    checkValue(ai, value);
  } catch (e) {
    throw e instanceof Gs1Error ? new Gs1Error(e.code, `AI (${ai}): ${e.message}`, ai) : e;
  }
  return value;
}

export function checkAis(ais: AiMap): AiMap {
  for (const [ai, value] of Object.entries(ais)) checkAi(ai, value);
  return ais;
}
