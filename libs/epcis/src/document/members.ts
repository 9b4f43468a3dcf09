import type { JsonObject } from '../signature';
import { EpcisParseError } from './parse-error';

/**
 * Member names that would reach Object.prototype through a later merge or assignment (`obj[key] = …`), whether the
 * payload was JSON or XML. No EPCIS vocabulary uses them, so they are refused rather than renamed.
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function checkKey(key: string, path: string): void {
  if (UNSAFE_KEYS.has(key)) throw new EpcisParseError('unsafe-key', `member name "${key}" is not allowed`, path);
}

/** Adds a member; a name that repeats turns into an array of its values, in document order. */
export function addMember(object: JsonObject, key: string, value: unknown, path: string): void {
  checkKey(key, path);
  if (!Object.hasOwn(object, key)) object[key] = value;
  else if (Array.isArray(object[key])) (object[key] as unknown[]).push(value);
  else object[key] = [object[key], value];
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON-LD `@context` as an array, whatever form it was given in. */
export const contextArray = (context: unknown): unknown[] =>
  context === undefined ? [] : Array.isArray(context) ? context : [context];

/** Drops members whose value is undefined, so models compare and serialise cleanly. */
export function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
