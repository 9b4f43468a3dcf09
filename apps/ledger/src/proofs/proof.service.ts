import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CompactRange, consistencyProof, frontierIds, inclusionProof } from '@app/merkle';
import { DbNodeReader, leafBytes, leafRecordOf, RECORD_COLUMNS, RecordRow } from '@app/ledger-store';
import { ProblemException } from '@app/platform';

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/** Inclusion and consistency proofs over the log as PostgreSQL holds it. */
@Injectable()
export class ProofService {
  private readonly nodes: DbNodeReader;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.nodes = new DbNodeReader((sql, params) => this.db.query(sql, params));
  }

  async treeSize(): Promise<number> {
    const [row] = (await this.db.query('SELECT tree_size FROM ledger.block ORDER BY height DESC LIMIT 1')) as { tree_size: string }[];
    return row ? Number(row.tree_size) : 0;
  }

  /** Root of the tree of the first `size` leaves, from stored perfect subtrees. */
  async rootAt(size: number): Promise<Uint8Array> {
    await this.requireSize(size, 0);
    return CompactRange.fromHashes(size, await this.nodes.nodes(frontierIds(size))).root();
  }

  /** The record of an event as its leaf commits to it, and its proof against `treeSize` (default: the whole log). */
  async inclusion(eventId: string, treeSize?: number) {
    const [row] = (await this.db.query(`SELECT ${RECORD_COLUMNS} FROM ledger.event_record WHERE event_id = $1`, [eventId])) as RecordRow[];
    if (!row) throw new ProblemException(404, 'unknown-event', `no event ${eventId} in the log`);
    const size = treeSize ?? (await this.treeSize());
    const index = Number(row.seq);
    if (index >= size) throw new ProblemException(400, 'not-yet-included', `event ${eventId} is leaf ${index}, outside a tree of size ${size}`);
    await this.requireSize(size, 1);
    return {
      eventId,
      leafIndex: index,
      treeSize: size,
      leafData: leafBytes(leafRecordOf(row)).toString('base64'),
      leafHash: b64(row.leaf_hash),
      proof: (await inclusionProof(index, size, this.nodes)).map(b64),
    };
  }

  async consistency(first: number, second: number) {
    if (!(first >= 1 && first <= second)) throw new ProblemException(400, 'invalid-sizes', 'sizes must satisfy 1 <= first <= second');
    await this.requireSize(second, 1);
    return { first, second, proof: (await consistencyProof(first, second, this.nodes)).map(b64) };
  }

  private async requireSize(size: number, min: number): Promise<void> {
    const current = await this.treeSize();
    if (!Number.isSafeInteger(size) || size < min || size > current)
      throw new ProblemException(400, 'invalid-tree-size', `tree size must be an integer from ${min} to the log's size ${current}`);
  }
}
