import { partyGln } from '@app/epcis';
import type { CustodyStep } from './model';

const GLN = /^\d{13}$/;

/** The GLNs a custody step names: signer, the parties it came from and went to, and its place. */
export function stepParties(step: Pick<CustodyStep, 'signer' | 'from' | 'to' | 'place'>): string[] {
  return [...new Set([step.signer.gln, ...step.from, ...step.to, ...(step.place ? [partyGln(step.place)] : [])])].filter((g) => GLN.test(g));
}

/**
 * DSCSA scoping of a custody path for a trading partner (regulators are not scoped): it sees the steps it took
 * part in. Those show it its direct trading partners for the product, the other side of its own shipments and
 * receipts, and nobody further up or down the chain. The rest is only counted.
 */
export function scopePath<T extends CustodyStep>(viewer: string, path: T[]): { visible: T[]; hidden: number } {
  const visible = path.filter((step) => stepParties(step).includes(viewer));
  return { visible, hidden: path.length - visible.length };
}
