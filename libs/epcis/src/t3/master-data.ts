import { Gs1Error, lgtinUri, sglnUri } from '@app/gs1';
import { emptyMasterData, mdaAttribute } from '../document/master-data';
import { defined } from '../document/members';
import type { MasterData, VocabularyAttributes } from '../document/model';
import { CompanyPrefixes, gtinPatternUrn, ndc11 } from './identifiers';
import type { T3Address, T3Party, T3ProductMasterData } from './model';

const MDA = 'urn:epcglobal:cbv:mda#';

/** T3 product fields and the CBV master data attributes the GS1 US guideline puts them in. */
const PRODUCT_ATTRIBUTES: [keyof T3ProductMasterData, string][] = [
  ['name', 'regulatedProductName'],
  ['manufacturerName', 'manufacturerOfTradeItemPartyName'],
  ['dosageForm', 'dosageFormType'],
  ['strength', 'strengthDescription'],
  ['containerSize', 'netContentDescription'],
];
const ADDRESS_ATTRIBUTES: (keyof T3Address)[] = ['streetAddressOne', 'streetAddressTwo', 'city', 'state', 'postalCode', 'countryCode'];

/** The attributes that have a value, under their full CBV ids (as an XML document's `attribute/@id` gives them). */
function attributes(entries: [name: string, value: string | undefined][]): VocabularyAttributes | undefined {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  return present.length > 0 ? Object.fromEntries(present.map(([name, value]) => [MDA + name, value])) : undefined;
}

export interface MasterDataSource {
  gtin: string;
  lot?: string;
  expiry?: string;
  product?: T3ProductMasterData;
  parties: T3Party[];
}

/**
 * The GS1 US DSCSA master data: the product class (`urn:epc:idpat:sgtin:…*`) with NDC, name, form, strength and
 * size; the lot (`urn:epc:class:lgtin:…`) with lot number and expiry; each party's SGLN with name and address.
 */
export function t3MasterData(source: MasterDataSource, prefixes: CompanyPrefixes): MasterData {
  const masterData = emptyMasterData();
  const { ndc } = source.product ?? {};
  const identification: [string, string][] =
    ndc === undefined ? [] : [['additionalTradeItemIdentification', ndc11(ndc)], ['additionalTradeItemIdentificationTypeCode', 'FDA_NDC_11']];
  const product = attributes([...identification, ...PRODUCT_ATTRIBUTES.map(([field, name]): [string, string | undefined] => [name, source.product?.[field]])]);
  if (product) masterData.epcClass[gtinPatternUrn(source.gtin, prefixes)] = product;
  const lotClass = source.lot === undefined ? undefined : lotClassUrn(source.gtin, source.lot, prefixes);
  const lot = attributes([['lotNumber', source.lot], ['itemExpirationDate', source.expiry]]);
  if (lotClass && lot) masterData.epcClass[lotClass] = lot;
  for (const party of source.parties) {
    const location = attributes([['name', party.name], ...ADDRESS_ATTRIBUTES.map((name): [string, string | undefined] => [name, party.address?.[name]])]);
    const length = prefixes.find({ gln: party.gln });
    // without a known prefix the place keeps its Digital Link, which EPCIS 1.2 takes as a vocabulary element id too
    if (location) masterData.location[length === undefined ? `https://id.gs1.org/414/${party.gln}` : sglnUri(party.gln, '0', length)] = location;
  }
  return masterData;
}

/** A lot GS1 cannot encode (outside character set 82) has no LGTIN; the events' ILMD still carries it. */
function lotClassUrn(gtin: string, lot: string, prefixes: CompanyPrefixes): string | undefined {
  const length = prefixes.lengthFor({ gtin }, `GTIN ${gtin}`);
  try {
    return lgtinUri(gtin, lot, length);
  } catch (error) {
    if (error instanceof Gs1Error) return undefined;
    throw error;
  }
}

const textOf = (attributes: VocabularyAttributes | undefined, name: string): string | undefined => {
  const value = mdaAttribute(attributes, name);
  return typeof value === 'string' ? value : undefined;
};

/** The T3 product description in EPCClass master data read from a document (see `productMasterData`). */
export function t3ProductMasterData(attributes: VocabularyAttributes | undefined): T3ProductMasterData {
  return defined({
    ndc: textOf(attributes, 'additionalTradeItemIdentification'),
    ...Object.fromEntries(PRODUCT_ATTRIBUTES.map(([field, name]) => [field, textOf(attributes, name)])),
  });
}

/** A party as Location master data read from a document describes it. */
export function t3Party(gln: string, attributes: VocabularyAttributes | undefined): T3Party {
  const address = defined(Object.fromEntries(ADDRESS_ATTRIBUTES.map((name) => [name, textOf(attributes, name)]))) as T3Address;
  return defined({ gln, name: textOf(attributes, 'name'), address: Object.keys(address).length > 0 ? address : undefined });
}
