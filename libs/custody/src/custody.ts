import { CustodyStep, Reason, reason } from './model';

export interface Custody {
  reasons: Reason[];
  /** GLN of the last receiver, or of the commissioner if never received. */
  holder?: string;
}

const overlaps = (a: string[], b: string[]) => a.some((gln) => b.includes(gln));
const names = (glns: string[]) => glns.join(' / ') || 'nobody';

/**
 * Follows the item from its first commissioning through shipments and receipts. A party holds the item
 * when it is any owning or possessing party of the receipt (so a 3PL may ship for the owner); a
 * shipment stays open until the next receipt.
 */
export function followCustody(steps: readonly CustodyStep[], scanner: string | undefined): Custody {
  const reasons: Reason[] = [];
  let holder: CustodyStep | undefined; // the step that made the current holder: commissioning, receipt or ownership transfer
  let shipment: CustodyStep | undefined;
  for (const step of steps) {
    switch (step.kind) {
      case 'commissioned':
        holder ??= step; // a second commissioning is a clone, not a new holder
        break;
      case 'shipped':
      case 'returned':
      case 'ownership_transferred':
        if (!holder || !overlaps(step.from, holder.to))
          reasons.push(
            reason(
              'CUSTODY_GAP_NOT_HOLDER',
              holder
                ? `${names(step.from)} ${step.kind === 'ownership_transferred' ? 'transferred ownership of' : 'shipped'} the item on ${step.eventTime}, but ${names(holder.to)} held it.`
                : `${names(step.from)} shipped the item on ${step.eventTime}, before it was commissioned.`,
              [...(holder ? [holder.eventId] : []), step.eventId],
            ),
          );
        if (step.kind === 'ownership_transferred') holder = step;
        else shipment = step;
        break;
      case 'received':
        if (shipment?.to.length && !overlaps(step.to, shipment.to))
          reasons.push(
            reason(
              'CUSTODY_GAP_WRONG_RECEIVER',
              `The item was shipped to ${names(shipment.to)} on ${shipment.eventTime}, but ${names(step.to)} received it on ${step.eventTime}.`,
              [shipment.eventId, step.eventId],
            ),
          );
        else if (!shipment && !(holder && overlaps(step.to, holder.to)))
          reasons.push(
            reason(
              'CUSTODY_GAP_NO_SHIPMENT',
              `${names(step.to)} received the item on ${step.eventTime}, but no shipment to it is recorded${holder ? ` since ${names(holder.to)} took it on ${holder.eventTime}` : ''}.`,
              [...(holder ? [holder.eventId] : []), step.eventId],
            ),
          );
        holder = step;
        shipment = undefined;
        break;
    }
  }
  // The addressee of a shipment in transit may scan the package on arrival, before recording the receipt.
  if (scanner !== undefined && holder && !holder.to.includes(scanner) && !shipment?.to.includes(scanner))
    reasons.push(
      reason(
        'NOT_CURRENT_HOLDER',
        `The log says ${names(holder.to)} holds this package${shipment ? ` (shipped to ${names(shipment.to)})` : ''}, not the scanning party ${scanner}.`,
        [holder.eventId, ...(shipment ? [shipment.eventId] : [])],
      ),
    );
  return { reasons, holder: holder?.to[0] };
}
