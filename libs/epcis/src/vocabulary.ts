/**
 * CBV vocabulary values appear as bare words (EPCIS 2.0 JSON-LD default context), CURIEs
 * ("cbv:BizStep-shipping"), GS1 web URIs (https://ref.gs1.org/cbv/BizStep-shipping) or
 * EPCIS 1.2 URNs (urn:epcglobal:cbv:bizstep:shipping). Custody rules compare the bare word.
 */
const PREFIXES: Record<'bizStep' | 'disp' | 'sdt', RegExp> = {
  sdt: /^(?:urn:epcglobal:cbv:sdt:|https:\/\/ref\.gs1\.org\/cbv\/SDT-|cbv:SDT-)/,
  bizStep: /^(?:urn:epcglobal:cbv:bizstep:|https:\/\/ref\.gs1\.org\/cbv\/BizStep-|cbv:BizStep-)/,
  disp: /^(?:urn:epcglobal:cbv:disp:|https:\/\/ref\.gs1\.org\/cbv\/Disp-|cbv:Disp-)/,
};

export function bareBizStep(value: string | undefined): string | undefined {
  return value?.replace(PREFIXES.bizStep, '');
}

export function bareDisposition(value: string | undefined): string | undefined {
  return value?.replace(PREFIXES.disp, '');
}

/** Source/destination type: owning_party, possessing_party or location. */
export function bareSourceDestType(value: string): string {
  return value.replace(PREFIXES.sdt, '');
}
