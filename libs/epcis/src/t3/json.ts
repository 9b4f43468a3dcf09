import { contextArray, defined, isObject } from '../document/members';
import type { EpcisDocumentModel } from '../document/model';
import { toJsonLdDocument } from '../document/writer';
import type { T3Document, T3Input, TransactionInformation } from './model';
import { prepareT3 } from './prepare';
import { GS1US_HEALTHCARE_NAMESPACE } from './xml';

/**
 * The T3 as JSON: DSCSA transaction information for the latest transaction, the transaction statement, the
 * transaction history oldest first, and an EPCIS 2.0 JSON-LD EPCISDocument with the events as given (shared, not
 * copied), the master data and the `gs1ushc:dscsaTransactionStatement`. Throws as t3Xml does.
 */
export function t3Json(input: T3Input): T3Document {
  const { facts, history, masterData, instanceIdentifier, statement } = prepareT3(input);
  const latest = history.at(-1);
  const product = input.masterData ?? {};
  const transactionInformation: TransactionInformation = defined({
    productName: product.name,
    strength: product.strength,
    dosageForm: product.dosageForm,
    ndc: product.ndc,
    containerSize: product.containerSize,
    manufacturerName: product.manufacturerName,
    gtin: facts.gtin,
    serialNumber: facts.serial,
    lotNumber: facts.lot,
    expirationDate: facts.expiry,
    numberOfContainers: latest?.quantity ?? 0,
    transactionDate: latest?.date,
    shipmentDate: latest?.shipmentDate,
    seller: latest?.from,
    buyer: latest?.to,
    businessTransactions: latest?.businessTransactions ?? [],
  });
  const context = contextArray(input.context);
  const definesGs1us = context.some((entry) => isObject(entry) && entry.gs1ushc === GS1US_HEALTHCARE_NAMESPACE);
  const model: EpcisDocumentModel = {
    format: 'json',
    schemaVersion: '2.0',
    creationDate: input.creationDate,
    context: definesGs1us ? context : [...context, { gs1ushc: GS1US_HEALTHCARE_NAMESPACE }],
    header: {
      sbdh: { sender: input.sender, receiver: input.receiver, instanceIdentifier },
      extensions: {
        'gs1ushc:dscsaTransactionStatement': defined({
          'gs1ushc:affirmTransactionStatement': true,
          'gs1ushc:legalNotice': statement.legalNotice,
        }),
      },
    },
    masterData,
    events: input.events,
  };
  return { transactionInformation, transactionStatement: statement, transactionHistory: history, epcisDocument: toJsonLdDocument(model) };
}
