import { EpcisParseError } from './parse-error';
import type { ParseOptions } from './model';

export interface Limits {
  maxBytes: number;
  maxEvents: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { maxBytes: 10 * 1024 * 1024, maxEvents: 100_000, maxDepth: 64 };
/** The mappers recurse once per nesting level; beyond this a caller's limit would risk the call stack. */
const DEPTH_CEILING = 1000;

export function limitsOf(options: ParseOptions): Limits {
  return {
    maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxEvents: options.maxEvents ?? DEFAULT_LIMITS.maxEvents,
    maxDepth: Math.min(options.maxDepth ?? DEFAULT_LIMITS.maxDepth, DEPTH_CEILING),
  };
}

export function checkSize(bytes: number, limits: Limits): void {
  if (bytes > limits.maxBytes) {
    throw new EpcisParseError('too-large', `payload is ${bytes} bytes, more than the limit of ${limits.maxBytes}`);
  }
}

export function checkDepth(depth: number, limits: Limits): void {
  if (depth > limits.maxDepth) {
    throw new EpcisParseError('too-deep', `nesting deeper than the limit of ${limits.maxDepth} levels`);
  }
}

export function checkEventCount(count: number, limits: Limits): void {
  if (count > limits.maxEvents) {
    throw new EpcisParseError('too-many-events', `more than the limit of ${limits.maxEvents} events`);
  }
}
