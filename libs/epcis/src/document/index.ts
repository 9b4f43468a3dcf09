export * from './model';
export * from './parse-error';
export { DEFAULT_LIMITS } from './limits';
export { parseEpcisDocument, parseEpcisEvent } from './parse';
export { toJsonLdDocument, toJsonLdEvent } from './writer';
export { emptyMasterData, locationMasterData, locationName, mdaAttribute, productMasterData } from './master-data';
export { EPCIS_CONTEXT_URL } from './xml-namespaces';
