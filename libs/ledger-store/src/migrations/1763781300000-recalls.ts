import { MigrationInterface, QueryRunner } from 'typeorm';

/** Projection: the lots each logged recall announcement names (lot NULL: every lot of the GTIN). */
export class Recalls1763781300000 implements MigrationInterface {
  name = 'Recalls1763781300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.recall (
        gtin char(14) NOT NULL,
        lot text,
        seq bigint NOT NULL REFERENCES ledger.event_record(seq)
      )`);
    await q.query(`CREATE UNIQUE INDEX recall_gtin_lot_seq ON ledger.recall (gtin, coalesce(lot, ''), seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.recall`);
  }
}
