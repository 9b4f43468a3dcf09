import type { Query } from '../node-reader';
import { fail } from './finding';

/** A projection keyed by log position, rebuilt from the events to compare with what is stored. */
export interface Index {
  table: 'epc_event' | 'event_party' | 'recall';
  /** Its columns after seq, all text. */
  columns: string[];
  what: string;
}
export const EPC_INDEX: Index = { table: 'epc_event', columns: ['epc', 'role'], what: 'EPC' };
export const PARTY_INDEX: Index = { table: 'event_party', columns: ['gln'], what: 'party' };
export const RECALL_INDEX: Index = { table: 'recall', columns: ['gtin', 'lot'], what: 'recalled lot' };

/**
 * One index row as one line: seq, then each value as a JSON string (or null). JSON strings escape line breaks and
 * delimit themselves, so lines split back into exactly the rows they were made of; PostgreSQL's to_json writes
 * text the same way as JSON.stringify.
 */
const line = (seq: number, values: (string | null)[]) => `${seq},${values.map((v) => JSON.stringify(v)).join(',')}`;

const lineSql = (index: Index) => ['seq::text', ...index.columns.map((c) => `coalesce(to_json(${c}::text)::text, 'null')`)].join(` || ',' || `);

/** The rows a chunk's events should have in an index, as lines in the order PostgreSQL sorts them below. */
export class RebuiltIndex {
  private readonly lines: string[] = [];

  constructor(readonly index: Index) {}

  /** Adds one event's rows (log order); an event naming an EPC twice has one row for it, as the writer stores it. */
  add(seq: number, rows: (string | null)[][]): void {
    const lines = rows.map((values) => line(seq, values)).sort();
    for (let i = 0; i < lines.length; i++) if (i === 0 || lines[i] !== lines[i - 1]) this.lines.push(lines[i]);
  }

  /**
   * Compares with the rows stored for log positions [from, to), which PostgreSQL sends as the same lines in one
   * string: equal strings are equal rows, with no row parsed here. Otherwise (or if the two sorts ever disagree,
   * on characters beyond U+FFFF) the lines are compared one by one to name the first wrong row. Returns the number
   * of rows stored, for the totals.
   */
  async check(query: Query, from: number, to: number): Promise<number> {
    const [stored] = (await query(
      `SELECT count(*) AS rows, string_agg(line, E'\\n' ORDER BY seq, line COLLATE "C") AS lines
       FROM (SELECT seq, ${lineSql(this.index)} AS line FROM ledger.${this.index.table} WHERE seq >= $1 AND seq < $2) r`,
      [from, to],
    )) as { rows: string; lines: string | null }[];
    if ((stored.lines ?? '') !== this.lines.join('\n')) this.findDifference(stored.lines ? stored.lines.split('\n') : []);
    return Number(stored.rows);
  }

  private findDifference(stored: string[]): void {
    const rebuilt = new Set(this.lines);
    const { table, what } = this.index;
    for (const l of stored) if (!rebuilt.delete(l)) fail({ table, key: this.keyOf(l), problem: `index entry matches no ${what} of its event` });
    const [missing] = rebuilt;
    if (missing !== undefined) fail({ table, key: this.keyOf(missing), problem: `index entry for a ${what} of the event is missing` });
  }

  private keyOf(l: string): string {
    const [seq, ...values] = JSON.parse(`[${l}]`) as [number, ...(string | null)[]];
    return [...this.index.columns.map((c, i) => `${c}=${values[i] ?? ''}`), `seq=${seq}`].join(',');
  }
}
