import { createHash } from 'node:crypto';
import { defined } from '../document/members';
import type { MasterData } from '../document/model';
import { CompanyPrefixes } from './identifiers';
import { t3MasterData } from './master-data';
import { T3Error, type T3Input, type T3Transaction, type TransactionStatement } from './model';
import { traceProduct, type ProductFacts } from './transactions';

/** What both renderings of a T3 share. */
export interface PreparedT3 {
  prefixes: CompanyPrefixes;
  facts: ProductFacts;
  history: T3Transaction[];
  masterData: MasterData;
  instanceIdentifier: string;
  statement: TransactionStatement;
}

export function prepareT3(input: T3Input): PreparedT3 {
  const { product, events } = input;
  if (product.serial === undefined && product.lot === undefined) throw new T3Error('a T3 product needs a serial or a lot');
  const prefixes = new CompanyPrefixes(input.companyPrefixes);
  prefixes.learnFrom(events);
  const parties = input.parties ?? [];
  const { facts, history } = traceProduct(product, events, parties);
  const masterData = t3MasterData({ ...facts, product: input.masterData, parties }, prefixes);
  // Derived from the content, not a clock or a random source, so exporting the same T3 twice gives the same bytes.
  const digest = createHash('sha256').update(JSON.stringify([input.creationDate, input.sender, input.receiver, product, events]));
  return {
    prefixes,
    facts,
    history,
    masterData,
    instanceIdentifier: input.instanceIdentifier ?? digest.digest('hex').slice(0, 32),
    statement: defined({ affirmTransactionStatement: true, legalNotice: input.legalNotice }),
  };
}
