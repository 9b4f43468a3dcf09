import { AssessInput, CustodyStep, partyLabel, Reason, reason } from './model';

export interface Custody {
  reasons: Reason[];
  /** GLN of the last receiver or new owner, or of the commissioner if never received. */
  holder?: string;
}

const overlaps = (a: string[], b: string[]) => a.some((gln) => b.includes(gln));

/**
 * Follows the item from its first commissioning through shipments and receipts. A party holds the item
 * when it is any owning or possessing party of the receipt (so a 3PL may ship for the owner); a
 * shipment stays open until the next receipt. An ownership transfer adds the new owner without
 * removing the possessor, which still ships (invoice before shipment, drop shipment).
 */
export function followCustody(steps: readonly CustodyStep[], { scanner, partners }: Pick<AssessInput, 'scanner' | 'partners'>): Custody {
  const names = (glns: string[]) => glns.map((gln) => partyLabel(partners, gln)).join(' / ') || 'nobody';
  const reasons: Reason[] = [];
  let held: { by: string[]; since: CustodyStep } | undefined;
  let shipment: CustodyStep | undefined;
  for (const step of steps) {
    switch (step.kind) {
      case 'commissioned':
        held ??= { by: step.to, since: step }; // a second commissioning is a clone, not a new holder
        break;
      case 'shipped':
      case 'returned':
      case 'ownership_transferred':
        if (!held || !overlaps(step.from, held.by))
          reasons.push(
            reason(
              'CUSTODY_GAP_NOT_HOLDER',
              held
                ? `${names(step.from)} ${step.kind === 'ownership_transferred' ? 'transferred ownership of' : 'shipped'} the item on ${step.eventTime}, but ${names(held.by)} held it.`
                : `${names(step.from)} shipped the item on ${step.eventTime}, before it was commissioned.`,
              [...(held ? [held.since.eventId] : []), step.eventId],
            ),
          );
        if (step.kind === 'ownership_transferred') held = { by: [...new Set([...step.to, ...(held?.by ?? [])])], since: step };
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
        else if (!shipment && !(held && overlaps(step.to, held.by)))
          reasons.push(
            reason(
              'CUSTODY_GAP_NO_SHIPMENT',
              `${names(step.to)} received the item on ${step.eventTime}, but no shipment to it is recorded${held ? ` since ${names(held.by)} took it on ${held.since.eventTime}` : ''}.`,
              [...(held ? [held.since.eventId] : []), step.eventId],
            ),
          );
        held = { by: step.to, since: step };
        shipment = undefined;
        break;
    }
  }
  // The addressee of a shipment in transit may scan the package on arrival, before recording the receipt.
  if (scanner !== undefined && held && !held.by.includes(scanner) && !shipment?.to.includes(scanner))
    reasons.push(
      reason(
        'NOT_CURRENT_HOLDER',
        `The log says ${names(held.by)} holds this package${shipment ? ` (shipped to ${names(shipment.to)})` : ''}, not the scanning party ${partyLabel(partners, scanner)}.`,
        [held.since.eventId, ...(shipment ? [shipment.eventId] : [])],
      ),
    );
  return { reasons, holder: held?.by[0] };
}
