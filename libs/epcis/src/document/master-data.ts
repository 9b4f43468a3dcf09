import { canonicalGs1Uri } from '../event-hash-gs1';
import { addMember, checkKey } from './members';
import type { EpcisDocumentModel, MasterData, VocabularyAttributes } from './model';

export const EPC_CLASS_VTYPE = 'urn:epcglobal:epcis:vtype:EPCClass';
/** The CBV names ReadPoint and BusinessLocation; the GS1 US DSCSA guideline uses Location. All describe places. */
export const LOCATION_VTYPE = 'urn:epcglobal:epcis:vtype:BusinessLocation';
const LOCATION_VTYPES = new Set([
  LOCATION_VTYPE,
  'urn:epcglobal:epcis:vtype:ReadPoint',
  'urn:epcglobal:epcis:vtype:Location',
]);

export const emptyMasterData = (): MasterData => ({ epcClass: {}, location: {} });

/** Files one vocabulary element under its table; attributes repeated for the same element become arrays. */
export function addVocabularyElement(
  masterData: MasterData,
  vtype: string,
  id: string,
  attributes: Iterable<[id: string, value: unknown]>,
  path: string,
): void {
  const table =
    vtype === EPC_CLASS_VTYPE
      ? masterData.epcClass
      : LOCATION_VTYPES.has(vtype)
        ? masterData.location
        : otherTable(masterData, vtype, path);
  checkKey(id, path);
  const element = Object.hasOwn(table, id) ? table[id] : (table[id] = {});
  for (const [attributeId, value] of attributes) addMember(element, attributeId, value, `${path}/${id}`);
}

function otherTable(masterData: MasterData, vtype: string, path: string): Record<string, VocabularyAttributes> {
  checkKey(vtype, path);
  const other = (masterData.other ??= {});
  return Object.hasOwn(other, vtype) ? other[vtype] : (other[vtype] = {});
}

/** A CBV master data attribute (`urn:epcglobal:cbv:mda#name` or its CURIE `cbvmda:name`). */
export function mdaAttribute(attributes: VocabularyAttributes | undefined, name: string): unknown {
  if (!attributes) return undefined;
  for (const id of [`urn:epcglobal:cbv:mda#${name}`, `cbvmda:${name}`]) {
    if (Object.hasOwn(attributes, id)) return attributes[id];
  }
  return undefined;
}

/**
 * The EPCClass master data for a product: by exact class id, else by GTIN, so an SGTIN, LGTIN, GTIN pattern, Digital
 * Link or bare GTIN finds the entry its partner filed under any of those forms.
 */
export function productMasterData(model: Pick<EpcisDocumentModel, 'masterData'>, gtinOrClassUri: string): VocabularyAttributes | undefined {
  return lookup(model.masterData.epcClass, gtinOrClassUri, gtinOf);
}

/** The `name` attribute of a location's master data, found by SGLN (URN or Digital Link) or bare GLN. */
export function locationName(model: Pick<EpcisDocumentModel, 'masterData'>, sglnOrGln: string): string | undefined {
  const name = mdaAttribute(locationMasterData(model, sglnOrGln), 'name');
  return typeof name === 'string' ? name : undefined;
}

/** Location master data of a place, by SGLN (URN or Digital Link) or bare GLN. */
export function locationMasterData(model: Pick<EpcisDocumentModel, 'masterData'>, sglnOrGln: string): VocabularyAttributes | undefined {
  return lookup(model.masterData.location, sglnOrGln, locationKey);
}

function lookup<T>(table: Record<string, T>, id: string, key: (id: string) => string | undefined): T | undefined {
  if (Object.hasOwn(table, id)) return table[id];
  const wanted = key(id);
  if (wanted === undefined) return undefined;
  const match = Object.keys(table).find((candidate) => key(candidate) === wanted);
  return match === undefined ? undefined : table[match];
}

function gtinOf(id: string): string | undefined {
  if (/^\d{8}$|^\d{12,14}$/.test(id)) return id.padStart(14, '0');
  return /^https:\/\/id\.gs1\.org\/01\/(\d{14})/.exec(canonicalGs1Uri(id) ?? '')?.[1];
}

function locationKey(id: string): string | undefined {
  const uri = /^\d{13}$/.test(id) ? `https://id.gs1.org/414/${id}` : canonicalGs1Uri(id);
  return uri?.startsWith('https://id.gs1.org/414/') ? uri : undefined;
}
