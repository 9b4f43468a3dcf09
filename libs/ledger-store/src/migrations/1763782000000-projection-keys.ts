import { MigrationInterface, QueryRunner } from 'typeorm';

const PROJECTIONS = [
  ['epc_event', 'seq'],
  ['event_party', 'seq'],
  ['recall', 'seq'],
  ['item_state', 'commissioned_seq'],
] as const;

/**
 * The projections lose their foreign keys to event_record. Only the ledger writer inserts them, in the transaction
 * that inserts the records they point at, and the audit recomputes every row from the records; the per-row
 * referential check (a lookup into event_record for each EPC of an event) cost PostgreSQL about 2.8× the insert
 * itself, which made it the largest cost of logging aggregation events.
 */
export class ProjectionKeys1763782000000 implements MigrationInterface {
  name = 'ProjectionKeys1763782000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of PROJECTIONS) await q.query(`ALTER TABLE ledger.${table} DROP CONSTRAINT IF EXISTS ${table}_${column}_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of PROJECTIONS)
      await q.query(`ALTER TABLE ledger.${table} ADD CONSTRAINT ${table}_${column}_fkey FOREIGN KEY (${column}) REFERENCES ledger.event_record(seq)`);
  }
}
