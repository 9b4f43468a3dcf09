import type { NodeId, NodeReader } from '@app/merkle';

/** Runs one SQL statement; TypeORM's DataSource.query and pg's Client.query both fit. */
export type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;

/**
 * Perfect-subtree hashes from PostgreSQL: level 0 is each record's leaf hash (event or access record), higher levels are
 * ledger.tree_node. All ids of a proof are read in one round trip per table.
 */
export class DbNodeReader implements NodeReader {
  constructor(private readonly query: Query) {}

  async node(level: number, index: number): Promise<Uint8Array> {
    return (await this.nodes([{ level, index }]))[0];
  }

  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    const found = new Map<string, Buffer>();
    if (leaves.length) {
      const rows = (await this.query(`SELECT seq, leaf_hash FROM ledger.event_record WHERE seq = ANY($1)
         UNION ALL SELECT seq, leaf_hash FROM ledger.access_record WHERE seq = ANY($1)`, [leaves])) as { seq: string; leaf_hash: Buffer }[];
      for (const r of rows) found.set(`0/${r.seq}`, r.leaf_hash);
    }
    if (inner.length) {
      const rows = (await this.query('SELECT n.level, n.idx, n.hash FROM ledger.tree_node n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) USING (level, idx)', [
        inner.map((id) => id.level),
        inner.map((id) => id.index),
      ])) as { level: number; idx: string; hash: Buffer }[];
      for (const r of rows) found.set(`${r.level}/${r.idx}`, r.hash);
    }
    return ids.map(({ level, index }) => {
      const hash = found.get(`${level}/${index}`);
      if (!hash) throw new Error(`Merkle node (${level}, ${index}) is missing from the log`);
      return Uint8Array.from(hash);
    });
  }
}
