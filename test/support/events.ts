/** The @context test events carry: the EPCIS 2.0 standard context plus the dscsa prefix of the signature member. */
export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { dscsa: 'https://ns.dscsa-trace.org/epcis/' }];

/** A recall announcement of some lots (urn:epc:class:lgtin URIs), as the GTIN owner signs it. */
export function recallEvent(lgtins: string[], eventTime = '2026-11-20T09:00:00.000Z'): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'ObjectEvent',
    eventTime,
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    disposition: 'recalled',
    quantityList: lgtins.map((epcClass) => ({ epcClass, quantity: 1 })),
  };
}
