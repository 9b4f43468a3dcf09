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

/** Acme's commissioning of serials of GTIN 00614141123452 (company prefix 0614141), with lot and expiry in ILMD. */
export function commissioningEvent(serials: string[], lot = 'LOT42', expiry = '2028-06-30'): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'ObjectEvent',
    eventTime: '2026-11-01T10:00:00.000-05:00',
    eventTimeZoneOffset: '-05:00',
    epcList: serials.map((s) => `urn:epc:id:sgtin:0614141.012345.${s}`),
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
  };
}
