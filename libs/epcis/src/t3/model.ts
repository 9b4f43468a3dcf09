import type { JsonObject } from '../signature';

/** What the T3 is about: one serialised package (SGTIN), or a whole lot (LGTIN) for lot-level transactions. */
export type T3Product =
  | { gtin: string; serial: string; lot?: string; expiry?: string }
  | { gtin: string; lot: string; serial?: undefined; expiry?: string };

/**
 * The DSCSA product description (FD&C Act 581(26)), with the CBV master data attribute each becomes in the GS1 US
 * EPCClass vocabulary. Read one from a parsed document with `t3ProductMasterData(productMasterData(model, gtin))`.
 */
export interface T3ProductMasterData {
  /** Proprietary or established name: `regulatedProductName`. */
  name?: string;
  /** NDC, hyphenated (4-4-2, 5-3-2, 5-4-1) or 11 digits: `additionalTradeItemIdentification`, type FDA_NDC_11. */
  ndc?: string;
  /** `dosageFormType`. */
  dosageForm?: string;
  /** `strengthDescription`. */
  strength?: string;
  /** Container size: `netContentDescription`. */
  containerSize?: string;
  /** `manufacturerOfTradeItemPartyName`. */
  manufacturerName?: string;
}

/** CBV location master data address attributes, named as the CBV names them. */
export interface T3Address {
  streetAddressOne?: string;
  streetAddressTwo?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryCode?: string;
}

/** A trading partner: its GLN (or, for a party events name otherwise, the identifier as given), name and address. */
export interface T3Party {
  gln: string;
  name?: string;
  address?: T3Address;
}

export interface T3Input {
  /** The document's creation time (SBDH and EPCISDocument): an input, so the same input gives the same output. */
  creationDate: string;
  /** GLNs of the partner providing the T3 and of the one requesting it (SBDH Sender and Receiver). */
  sender: string;
  receiver: string;
  /** SBDH InstanceIdentifier; by default a digest of the input, so repeated exports of the same T3 agree. */
  instanceIdentifier?: string;
  product: T3Product;
  masterData?: T3ProductMasterData;
  /** Names and addresses of the partners the events name; a party missing here appears by GLN only. */
  parties?: T3Party[];
  /** EPCIS 2.0 JSON-LD events as stored (CapturedEvent.event): the product's commissioning, packing and transfers. */
  events: JsonObject[];
  /** The JSON-LD `@context` the events were captured with (CapturedEvent.context); defines extension prefixes. */
  context?: unknown;
  /**
   * GS1 company prefixes of the keys named as Digital Links or bare GLNs, which do not say where the prefix ends
   * and so cannot be written as EPC URNs without it. Prefixes of EPC URNs in the events are learned from them.
   */
  companyPrefixes?: string[];
  /** Optional `gs1ushc:legalNotice` after the affirmed transaction statement. */
  legalNotice?: string;
}

export interface T3BusinessTransaction {
  /** Business transaction type as the event gives it (e.g. `po`, or its CBV URN). */
  type?: string;
  id: string;
}

/** One change of ownership of the product: seller to buyer, however many events record it. */
export interface T3Transaction {
  /** Date of the transaction: eventTime of the first event recording it (normally the shipment), as written. */
  date: string;
  /** eventTime of the shipping event, when there is one. */
  shipmentDate?: string;
  from: T3Party;
  to: T3Party;
  /** Packages of the product that changed hands (units inside shipped containers counted). */
  quantity: number;
  businessTransactions: T3BusinessTransaction[];
}

/** DSCSA transaction information (581(26)) for the latest transaction of the product. */
export interface TransactionInformation {
  productName?: string;
  strength?: string;
  dosageForm?: string;
  ndc?: string;
  containerSize?: string;
  manufacturerName?: string;
  gtin: string;
  serialNumber?: string;
  lotNumber?: string;
  expirationDate?: string;
  /** Number of containers (packages) in the transaction; 0 when no transaction of the product is recorded. */
  numberOfContainers: number;
  transactionDate?: string;
  shipmentDate?: string;
  seller?: T3Party;
  buyer?: T3Party;
  businessTransactions: T3BusinessTransaction[];
}

/** The GS1 US `gs1ushc:dscsaTransactionStatement`: the seller affirms 581(27)(A)-(G). */
export interface TransactionStatement {
  affirmTransactionStatement: true;
  legalNotice?: string;
}

export interface T3Document {
  transactionInformation: TransactionInformation;
  transactionStatement: TransactionStatement;
  /** Every transaction of the product, oldest first. */
  transactionHistory: T3Transaction[];
  /** EPCIS 2.0 JSON-LD EPCISDocument carrying the events, master data and transaction statement. */
  epcisDocument: JsonObject;
}

/** Input a T3 cannot be written from: a key without a known company prefix, an NDC of unknown layout, … */
export class T3Error extends Error {
  override readonly name = 'T3Error';
}
