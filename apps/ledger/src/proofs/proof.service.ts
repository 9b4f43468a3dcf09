import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CompactRange, consistencyProof, frontierIds, inclusionProof } from '@app/merkle';
import { ACCESS_COLUMNS, accessLeafBytes, accessLeafOf, AccessRow, DbNodeReader, leafBytes, leafRecordOf, RECORD_COLUMNS, RecordRow } from '@app/ledger-store';
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
    return { eventId, ...(await this.proveLeaf(`event ${eventId}`, Number(row.seq), leafBytes(leafRecordOf(row)), row.leaf_hash, treeSize)) };
  }

  /** The same for an access-log entry, by the entry ID the verify app gave it. */
  async accessInclusion(entryId: string, treeSize?: number) {
    const [row] = /^[0-9a-f-]{36}$/.test(entryId)
      ? ((await this.db.query(`SELECT ${ACCESS_COLUMNS} FROM ledger.access_record WHERE entry_id = $1`, [entryId])) as AccessRow[])
      : [];
    if (!row) throw new ProblemException(404, 'unknown-entry', `no access entry ${entryId} in the log`);
    return { entryId, ...(await this.proveLeaf(`access entry ${entryId}`, Number(row.seq), accessLeafBytes(accessLeafOf(row)), row.leaf_hash, treeSize)) };
  }

  private async proveLeaf(what: string, index: number, leafData: Buffer, leafHash: Buffer, treeSize?: number) {
    const size = treeSize ?? (await this.treeSize());
    if (index >= size) throw new ProblemException(400, 'not-yet-included', `${what} is leaf ${index}, outside a tree of size ${size}`);
    await this.requireSize(size, 1);
    return {
      leafIndex: index,
      treeSize: size,
      leafData: leafData.toString('base64'),
      leafHash: b64(leafHash),
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
