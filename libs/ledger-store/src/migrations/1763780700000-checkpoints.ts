import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed checkpoints (C2SP tlog-checkpoint notes), one per block, and witnesses' cosignatures of them. */
export class Checkpoints1763780700000 implements MigrationInterface {
  name = 'Checkpoints1763780700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.checkpoint (
        tree_size bigint PRIMARY KEY,
        block_height bigint NOT NULL UNIQUE REFERENCES ledger.block(height),
        root_hash bytea NOT NULL,
        note text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ledger.cosignature (
        tree_size bigint NOT NULL REFERENCES ledger.checkpoint(tree_size),
        witness text NOT NULL,
        signature_line text NOT NULL,
        cosigned_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tree_size, witness)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.cosignature`);
    await q.query(`DROP TABLE ledger.checkpoint`);
  }
}
