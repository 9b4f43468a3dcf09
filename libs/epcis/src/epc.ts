import { AiMap, epcUriToAis, epcUriToDigitalLink, Gs1Error, parseDigitalLink, toDigitalLink } from '@app/gs1';

/** The GS1 keys an EPC URN or a Digital Link URI (any domain) stands for; throws Gs1Error otherwise. */
export function identifierAis(uri: string): AiMap {
  if (uri.startsWith('urn:epc:')) return epcUriToAis(uri);
  if (/^https?:\/\//i.test(uri)) return parseDigitalLink(uri).ais;
  throw new Gs1Error('BAD_URI', `${JSON.stringify(uri.slice(0, 80))} is neither an EPC URI nor a GS1 Digital Link URI`);
}

/**
 * One spelling per physical object: EPC URNs and Digital Link URIs on any domain both become the
 * canonical https://id.gs1.org Digital Link of the key and its qualifiers, so a scan, an EPCIS 1.2
 * event and an EPCIS 2.0 event about the same package meet on the same string.
 */
export function canonicalEpc(uri: string): string {
  return uri.startsWith('urn:epc:') ? epcUriToDigitalLink(uri) : toDigitalLink(identifierAis(uri));
}
