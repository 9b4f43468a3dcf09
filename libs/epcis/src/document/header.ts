import type { JsonObject } from '../signature';
import { isObject } from './members';
import type { EpcisHeaderModel, SbdhSummary } from './model';

const GS1US_HEALTHCARE_NAMESPACE = 'http://epcis.gs1us.org/hc/ns';
const TRANSACTION_STATEMENT = 'dscsaTransactionStatement';

/** The header, or undefined when the document has none of its parts; the DSCSA statement is picked out by IRI. */
export function headerModel(
  sbdh: SbdhSummary,
  extensions: JsonObject,
  context: unknown[],
): EpcisHeaderModel | undefined {
  const header: EpcisHeaderModel = {};
  if (Object.keys(sbdh).length > 0) header.sbdh = sbdh;
  if (Object.keys(extensions).length > 0) {
    header.extensions = extensions;
    const prefixes = prefixesOf(context);
    const statement = Object.keys(extensions).find((key) => {
      const [prefix, local] = key.split(':');
      return local === TRANSACTION_STATEMENT && prefixes.get(prefix) === GS1US_HEALTHCARE_NAMESPACE;
    });
    if (statement !== undefined) header.dscsaTransactionStatement = extensions[statement];
  }
  return Object.keys(header).length > 0 ? header : undefined;
}

function prefixesOf(context: unknown[]): Map<string, string> {
  const prefixes = new Map<string, string>();
  for (const entry of context.filter(isObject)) {
    for (const [term, definition] of Object.entries(entry)) {
      const iri = isObject(definition) ? definition['@id'] : definition;
      if (typeof iri === 'string') prefixes.set(term, iri);
    }
  }
  return prefixes;
}
