import { checkKey } from './members';
import { XSI_NAMESPACE, XmlNamespaceDeclaration } from './xml';

/** The EPCIS 2.0 JSON-LD context every XML document is read against. */
export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

/** Namespaces of the EPCIS XML schemas themselves: their elements are the standard members, named without prefix. */
const EPCIS_NAMESPACES = new Set(
  ['epcis', 'epcis-query', 'epcis-masterdata'].flatMap((s) => [`urn:epcglobal:${s}:xsd:1`, `urn:epcglobal:${s}:xsd:2`]),
);
/** XML machinery rather than data: never a JSON-LD prefix. */
const INFRASTRUCTURE_NAMESPACES = new Set([
  XSI_NAMESPACE,
  'http://www.w3.org/2001/XMLSchema',
  'http://www.w3.org/XML/1998/namespace',
  'urn:epcglobal:xsd:1',
]);

/** No namespace (as the EPCIS XSDs declare their members) or an EPCIS schema namespace: a standard name. */
export const isStandardNamespace = (ns: string): boolean => ns === '' || EPCIS_NAMESPACES.has(ns);
export const isVersion1Namespace = (ns: string): boolean => EPCIS_NAMESPACES.has(ns) && ns.endsWith(':1');

/**
 * The JSON-LD prefix for each XML namespace. XML scopes prefixes per element, so one prefix may name different
 * namespaces in different events (and a default namespace has none); the document-wide JSON-LD context needs one
 * prefix per namespace, so such namespaces get a fresh prefix (`ex1`, `ns1`). Only expanded names are hashed, so the
 * choice of prefix never changes an event's hash.
 */
export class PrefixRegistry {
  private readonly prefixes = new Map<string, string>(); // namespace → prefix
  private readonly taken = new Set<string>();

  /** Declared prefixes are claimed up front, first declaration first, so they keep their names where they can. */
  constructor(declarations: readonly XmlNamespaceDeclaration[]) {
    for (const { prefix, uri } of declarations) {
      if (prefix && this.isUserNamespace(uri) && !this.prefixes.has(uri) && !this.taken.has(prefix)) {
        this.claim(uri, prefix);
      }
    }
  }

  prefixFor(namespace: string, preferred: string): string {
    const known = this.prefixes.get(namespace);
    if (known !== undefined) return known;
    const base = preferred || 'ns';
    let prefix = preferred && !this.taken.has(preferred) ? preferred : undefined;
    for (let n = 1; prefix === undefined; n++) if (!this.taken.has(base + n)) prefix = base + n;
    this.claim(namespace, prefix);
    return prefix;
  }

  /** One `{ prefix: namespace }` object per namespace, after the EPCIS context. */
  context(): unknown[] {
    return [EPCIS_CONTEXT_URL, ...[...this.prefixes].map(([namespace, prefix]) => ({ [prefix]: namespace }))];
  }

  private isUserNamespace(uri: string): boolean {
    return !isStandardNamespace(uri) && !INFRASTRUCTURE_NAMESPACES.has(uri);
  }

  private claim(namespace: string, prefix: string): void {
    checkKey(prefix, '@context');
    this.prefixes.set(namespace, prefix);
    this.taken.add(prefix);
  }
}
