import { gs1CheckDigit, normalizeGtin } from './check-digit';
import { Gs1Error } from './errors';

/** Hyphenation of a 10-digit NDC as labeler-product-package; the GTIN does not record which. */
export type NdcLayout = '4-4-2' | '5-3-2' | '5-4-1';

/**
 * The NDC inside a US drug GTIN: indicator digit, '03' (GS1 US prefix for NDC/NHRIC),
 * NDC10, check digit. Null for a GTIN that does not embed an NDC.
 */
export function ndcFromGtin(gtin: string): string | null {
  const gtin14 = normalizeGtin(gtin);
  return gtin14.startsWith('03', 1) ? gtin14.slice(3, 13) : null;
}

/** GTIN-14 for an NDC10, given with or without hyphens, and a packaging indicator digit. */
export function gtinFromNdc(ndc: string, indicator = '0'): string {
  const digits = ndc.replace(/-/g, '');
  if (!/^\d{10}$/.test(digits) || !/^\d$/.test(indicator)) {
    throw new Gs1Error('BAD_LENGTH', 'an NDC has 10 digits and the indicator is one digit', 'ndc');
  }
  const body = `${indicator}03${digits}`;
  return body + gs1CheckDigit(body);
}

export function formatNdc(ndc10: string, layout: NdcLayout): string {
  if (!/^\d{10}$/.test(ndc10)) throw new Gs1Error('BAD_LENGTH', 'an NDC has 10 digits', 'ndc');
  const [labeler, product] = layout.split('-').map(Number);
  return `${ndc10.slice(0, labeler)}-${ndc10.slice(labeler, labeler + product)}-${ndc10.slice(labeler + product)}`;
}
