import type { ItemState } from '../projections';
import type { Query } from '../node-reader';
import { Inconsistent } from './finding';
import { ItemStateCheck } from './items';

const GTIN = '00614141123452';
const item = (serial: string, commissionedSeq: number, commissionCount = 1, lastSeq = commissionedSeq, lot: string | null = 'L1'): ItemState => ({
  epc: `https://id.gs1.org/01/${GTIN}/21/${serial}`,
  gtin: GTIN,
  serial,
  lot,
  expiry: '2028-01-31',
  commissionedSeq,
  commissionCount,
  lastSeq,
});

/** ledger.item_state as PostgreSQL returns it, behind the two statements the check runs. */
function table(states: ItemState[]): Query {
  const rows = states.map((s) => ({
    epc: s.epc,
    gtin: s.gtin.padEnd(14),
    serial: s.serial,
    lot: s.lot,
    expiry: s.expiry,
    commissioned_seq: String(s.commissionedSeq),
    commission_count: s.commissionCount,
    last_seq: String(s.lastSeq),
  }));
  return async (sql, params) => (sql.includes('count(*)') ? [{ count: String(rows.length) }] : rows.filter((r) => (params[0] as string[]).includes(r.epc)));
}

/** Runs the check over chunks of the log, each a fold of its commissionings; the finding, or the item count. */
async function check(stored: ItemState[], chunks: ItemState[][]): Promise<string | number> {
  const query = table(stored);
  const items = new ItemStateCheck();
  try {
    for (const chunk of chunks) await items.checkChunk(query, new Map(chunk.map((s) => [s.epc, s])));
    return await items.finish(query);
  } catch (e) {
    if (e instanceof Inconsistent) return `${e.finding.key}: ${e.finding.problem}`;
    throw e;
  }
}

describe('item states checked chunk by chunk', () => {
  it('matches items commissioned once, and a clone commissioned in three chunks', async () => {
    const stored = [item('A', 1), item('B', 2), item('C', 1, 4, 9)];
    expect(await check(stored, [[item('A', 1), item('C', 1, 2, 3)], [item('B', 2), item('C', 5)], [item('C', 9)]])).toBe(3);
  });

  it('finds changed facts, a hidden clone, a moved first or last commissioning', async () => {
    const log = [[item('A', 1), item('C', 1, 2, 3)], [item('C', 5)]];
    const epc = item('C', 0).epc;
    expect(await check([item('A', 1, 1, 1, 'FORGED'), item('C', 1, 3, 5)], log)).toBe(`epc=${item('A', 0).epc}: item state differs from its commissioning events`);
    expect(await check([item('A', 1), item('C', 1, 2, 5)], log)).toBe(`epc=${epc}: item state differs from its commissioning events`);
    expect(await check([item('A', 1), item('C', 3, 2, 5)], log)).toBe(`epc=${epc}: item state names another first commissioning than the log`);
    expect(await check([item('A', 1), item('C', 1, 3, 7)], log)).toBe(`epc=${epc}: item state names a later commissioning than the log has`);
    expect(await check([item('A', 1), item('C', 1, 3, 4)], log)).toBe(`epc=${epc}: item state differs from its commissioning events`);
  });

  it('finds a deleted item state and one for an item the log never commissioned', async () => {
    const log = [[item('A', 1)], [item('B', 2)]];
    expect(await check([item('A', 1)], log)).toBe(`epc=${item('B', 0).epc}: item state of a commissioned item is missing`);
    expect(await check([item('A', 1), item('B', 2), item('X', 2)], log)).toBe('*: 3 item states stored, the log commissions 2 items');
  });
});
