import type { EventSummary } from '@app/epcis';

/** What the registry knows that decides who may sign an event. */
export interface RegistryView {
  /** The owner of the longest registered GS1 company prefix the GTIN starts with (after its indicator digit). */
  prefixOwner(gtin: string): PrefixOwner | undefined;
}

export interface PrefixOwner {
  prefix: string;
  gln: string;
  /** Contract manufacturers and repackagers the owner registered for this prefix, with their windows. */
  delegates: { gln: string; validFrom: Date; validUntil: Date | null }[];
}

export type Authorization = { ok: true } | { ok: false; rule: 'not-prefix-owner' | 'unregistered-prefix' | 'not-a-trading-party'; message: string };

const TRANSFER_STEPS = new Set(['shipping', 'receiving', 'departing', 'arriving']);
const PARTY_TYPES = new Set(['owning_party', 'possessing_party']);

/**
 * Events are signed by the party that performed them: a commissioning by the owner of the GTIN's
 * company prefix (or a contract manufacturer / repackager it registered), a shipment or receipt by an
 * owning or possessing party named in its source or destination list.
 */
export function authorizeSigner(event: EventSummary, signerGln: string, registry: RegistryView): Authorization {
  // A commissioning creates serials of GTINs, a recall speaks for lots of them: both only by who owns the GTINs.
  const owned = isCommissioning(event)
    ? event.epcs.flatMap(({ epc }) => gtinOf(epc) ?? [])
    : isRecall(event)
      ? event.classes.map((c) => c.gtin)
      : [];
  const what = isCommissioning(event) ? 'commission' : 'recall';
  for (const gtin of new Set(owned)) {
    const owner = registry.prefixOwner(gtin);
    if (!owner) return { ok: false, rule: 'unregistered-prefix', message: `no partner has registered the company prefix of GTIN ${gtin}` };
    const at = Date.parse(event.eventTime);
    const delegated = owner.delegates.some((d) => d.gln === signerGln && d.validFrom.getTime() <= at && (!d.validUntil || at < d.validUntil.getTime()));
    if (owner.gln !== signerGln && !delegated)
      return { ok: false, rule: 'not-prefix-owner', message: `${signerGln} may not ${what} GTIN ${gtin}: prefix ${owner.prefix} belongs to ${owner.gln}` };
  }
  if (event.bizStep && TRANSFER_STEPS.has(event.bizStep)) {
    const parties = event.parties.filter((p) => PARTY_TYPES.has(p.type)).map((p) => p.id);
    if (!parties.includes(signerGln))
      return {
        ok: false,
        rule: 'not-a-trading-party',
        message: `${signerGln} is not an owning or possessing party in the source or destination of this ${event.bizStep} event`,
      };
  }
  return { ok: true };
}

function isCommissioning(e: EventSummary): boolean {
  return e.type === 'ObjectEvent' && e.action === 'ADD' && e.bizStep === 'commissioning';
}

/**
 * A recall announcement: an ObjectEvent with disposition `recalled` naming the recalled lots as product
 * classes (quantityList of LGTINs, or a GTIN for all its lots). CBV has no recall business step.
 */
export function isRecall(e: EventSummary): boolean {
  return e.type === 'ObjectEvent' && e.disposition === 'recalled' && e.classes.length > 0;
}

/** GTIN of an SGTIN or LGTIN Digital Link (https://id.gs1.org/01/{gtin}/...). */
export function gtinOf(canonicalEpc: string): string | undefined {
  return /^https:\/\/id\.gs1\.org\/01\/(\d{14})(?:\/|$)/.exec(canonicalEpc)?.[1];
}
