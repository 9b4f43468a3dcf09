import type { Query } from '../node-reader';
import type { ItemState } from '../projections';
import { fail } from './finding';

interface StoredItem {
  epc: string;
  gtin: string;
  serial: string;
  lot: string | null;
  expiry: string | null;
  commissioned_seq: string;
  commission_count: number;
  last_seq: string;
}

/**
 * ledger.item_state checked against the log without holding every item. The writer folds each block's
 * commissionings (foldItemStates) and upserts them: first facts kept, counts added, last position moved. This undoes
 * that in log order: the audit folds a chunk of the log the same way and looks up the stored state of each EPC it
 * commissions. The chunk holding the stored first commissioning must show the same facts; later ones only count;
 * the one holding the stored last commissioning closes the item, where the counts must add up. Only items whose
 * commissionings straddle chunks (clones, recommissionings) stay open in memory, as a count. Whatever the log
 * commissions then has exactly its stored state, so a stored row for anything else shows in the total.
 * (Partitioning by EPC hash would reread the log once per partition; sorting the rebuilt states by EPC would need
 * them all first.)
 */
export class ItemStateCheck {
  /** EPC → commissionings counted so far, for items whose stored last commissioning is still ahead. */
  private readonly open = new Map<string, number>();
  /** Items whose every commissioning matched their stored state. */
  private matched = 0;

  /** Checks the commissionings of the next chunk of the log, folded by foldItemStates. */
  async checkChunk(query: Query, rebuilt: Map<string, ItemState>): Promise<void> {
    if (!rebuilt.size) return;
    const rows = (await query(
      `SELECT epc, gtin, serial, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry, commissioned_seq, commission_count, last_seq
       FROM ledger.item_state WHERE epc = ANY($1::text[])`,
      [[...rebuilt.keys()]],
    )) as StoredItem[];
    const stored = new Map(rows.map((r) => [r.epc, r]));
    for (const item of rebuilt.values()) this.match(item, stored.get(item.epc));
  }

  /** After the last chunk: no item may wait for more commissionings, and every stored state must have been matched. */
  async finish(query: Query): Promise<number> {
    const [waiting] = this.open.keys();
    if (waiting !== undefined) differs(waiting, 'item state names a later commissioning than the log has');
    const [{ count }] = (await query('SELECT count(*) FROM ledger.item_state', [])) as { count: string }[];
    if (Number(count) !== this.matched) fail({ table: 'item_state', key: '*', problem: `${count} item states stored, the log commissions ${this.matched} items` });
    return this.matched;
  }

  private match(item: ItemState, row: StoredItem | undefined): void {
    if (!row) return differs(item.epc, 'item state of a commissioned item is missing');
    const first = Number(row.commissioned_seq);
    const last = Number(row.last_seq);
    let count = item.commissionCount;
    if (item.commissionedSeq === first) {
      if (!sameFacts(item, row)) differs(item.epc, 'item state differs from its commissioning events');
    } else {
      const before = this.open.get(item.epc);
      if (item.commissionedSeq < first || before === undefined) differs(item.epc, 'item state names another first commissioning than the log');
      count += before!;
    }
    if (item.lastSeq < last) {
      this.open.set(item.epc, count);
      return;
    }
    this.open.delete(item.epc);
    if (item.lastSeq > last || count !== row.commission_count) differs(item.epc, 'item state differs from its commissioning events');
    this.matched++;
  }
}

const sameFacts = (item: ItemState, row: StoredItem) =>
  item.gtin === row.gtin.trim() && item.serial === row.serial && item.lot === row.lot && item.expiry === row.expiry;

const differs = (epc: string, problem: string): never => fail({ table: 'item_state', key: `epc=${epc}`, problem });
