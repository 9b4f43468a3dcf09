import { Limits, checkDepth, checkKey } from './limits';
import { EpcisParseError } from './parse-error';
import type { JsonObject } from './model';

/**
 * JSON.parse with the safety checks done first or alongside: nesting is measured on the raw text before parsing
 * (the reviver below recurses per level), and member names that could pollute prototypes are refused wherever they
 * appear. JSON.parse itself only creates own properties, so `__proto__` in a payload never reaches a prototype here;
 * refusing it protects code that later merges these objects.
 */
export function readJson(text: string, limits: Limits): unknown {
  checkDepth(jsonDepth(text), limits);
  try {
    return JSON.parse(text, (key, value) => {
      checkKey(key, key);
      return value;
    });
  } catch (error) {
    if (error instanceof EpcisParseError) throw error;
    throw new EpcisParseError('malformed-json', (error as Error).message);
  }
}

/** The deepest nesting of objects and arrays, ignoring brackets inside strings; malformed text is JSON.parse's job. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON-LD `@context` as an array, whatever form it was given in. */
export const contextArray = (context: unknown): unknown[] =>
  context === undefined ? [] : Array.isArray(context) ? context : [context];
