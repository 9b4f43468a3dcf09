import { ProblemException } from '@app/platform';

/** A tree size or leaf count from a URL: a non-negative integer JavaScript holds exactly. */
export function parseTreeSize(name: string, value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new ProblemException(400, 'invalid-tree-size', `${name} must be a non-negative integer`);
  return Number(value);
}
