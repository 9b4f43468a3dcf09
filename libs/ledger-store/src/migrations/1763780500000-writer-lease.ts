import { MigrationInterface, QueryRunner } from 'typeorm';

/** The single-writer lease: whoever holds it appends, with `epoch` as the fencing token. */
export class WriterLease1763780500000 implements MigrationInterface {
  name = 'WriterLease1763780500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.writer_lease (
        id smallint PRIMARY KEY CHECK (id = 1),
        epoch bigint NOT NULL,
        holder text NOT NULL,
        acquired_at timestamptz NOT NULL
      )`);
    await q.query(`INSERT INTO ledger.writer_lease VALUES (1, 0, 'nobody', now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.writer_lease`);
  }
}
