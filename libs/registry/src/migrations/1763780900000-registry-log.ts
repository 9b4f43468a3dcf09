import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every change to the registry, hash-chained and signed with the registry key, in the transaction that made it. */
export class RegistryLog1763780900000 implements MigrationInterface {
  name = 'RegistryLog1763780900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.registry_change (
        seq bigint PRIMARY KEY CHECK (seq >= 0),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        change jsonb NOT NULL,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL UNIQUE,
        signature text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest.registry_change`);
  }
}
