import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  EpcisValidationError,
  emptyMasterData,
  locationMasterData,
  namedParties,
  productMasterData,
  summarizeEvent,
  t3Party,
  t3ProductMasterData,
  T3Error,
  type T3Input,
  type T3Product,
} from '@app/epcis';
import { Gs1Error, toDigitalLink } from '@app/gs1';
import { ProblemException } from '@app/platform';
import { VerificationService } from '../scan/verification.service';

/** A T3 for a lot of more units than this is refused: ask per serial, or per smaller lot. */
const MAX_UNITS = 50_000;
const MAX_EVENTS = 200_000;

/**
 * The DSCSA transaction information, statement and history of a product (one package, or a whole lot) as the
 * platform's log holds it. `viewer` set: only the events that partner took part in, as a trading partner must
 * answer a request for its own transactions; unset: everything, for a regulator.
 */
@Injectable()
export class T3Service {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verification: VerificationService,
  ) {}

  async input(product: T3Product, sender: string, receiver: string, viewer?: string): Promise<T3Input> {
    const units = product.serial !== undefined ? [toDigitalLink({ '01': product.gtin, '21': product.serial })] : await this.lotUnits(product.gtin, product.lot);
    const rows = await this.verification.custodyRecords(units, MAX_EVENTS + 1);
    if (rows.length > MAX_EVENTS) throw new ProblemException(422, 'too-large', `more than ${MAX_EVENTS} events: ask for a smaller lot or for single serials`);
    const summaries = rows.map((r) => ({ row: r, summary: summarizeEvent(r.event) }));
    const visible = viewer ? summaries.filter(({ row, summary }) => namedParties(row.signer_gln, summary).includes(viewer)) : summaries;
    if (!visible.length) throw new ProblemException(404, 'unknown-product', 'no transactions of this product that you may see');
    const glns = [...new Set(visible.flatMap(({ row, summary }) => namedParties(row.signer_gln, summary)))];
    const masterData = await this.masterData();
    const names = new Map(
      ((await this.db.query('SELECT gln, name FROM ingest.partner WHERE gln = ANY($1)', [glns])) as { gln: string; name: string }[]).map((p) => [p.gln, p.name]),
    );
    const prefixes = ((await this.db.query('SELECT prefix FROM ingest.company_prefix')) as { prefix: string }[]).map((p) => p.prefix);
    return {
      creationDate: new Date().toISOString(),
      sender,
      receiver,
      product,
      masterData: t3ProductMasterData(productMasterData({ masterData }, product.gtin)),
      parties: glns.map((gln) => {
        const party = t3Party(gln, locationMasterData({ masterData }, gln));
        return party.name || !names.has(gln) ? party : { ...party, name: names.get(gln) };
      }),
      events: visible.map(({ row }) => row.event),
      companyPrefixes: prefixes,
    };
  }

  private async lotUnits(gtin: string, lot: string): Promise<string[]> {
    const rows = (await this.db.query('SELECT epc FROM ledger.item_state WHERE gtin = $1 AND lot = $2 LIMIT $3', [gtin, lot, MAX_UNITS + 1])) as { epc: string }[];
    if (rows.length > MAX_UNITS) throw new ProblemException(422, 'too-large', `lot ${lot} has more than ${MAX_UNITS} units: ask per serial`);
    return rows.map((r) => r.epc);
  }

  /** Product and location master data partners sent with their documents (a small table: one entry per product and place). */
  private async masterData() {
    const masterData = emptyMasterData();
    const rows = (await this.db.query(`SELECT vocabulary, id, attributes FROM ingest.master_data WHERE vocabulary IN ('EPCClass', 'Location')`)) as {
      vocabulary: string;
      id: string;
      attributes: Record<string, unknown>;
    }[];
    for (const r of rows) (r.vocabulary === 'EPCClass' ? masterData.epcClass : masterData.location)[r.id] = r.attributes;
    return masterData;
  }
}

/** T3 input errors are the request's fault (an identifier the log cannot express in EPCIS 1.2), not the server's. */
export function t3Problem(e: unknown): never {
  if (e instanceof T3Error || e instanceof Gs1Error || e instanceof EpcisValidationError) throw new ProblemException(422, 't3-not-expressible', e.message);
  throw e;
}
