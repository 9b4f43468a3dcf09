import { MigrationInterface, QueryRunner } from 'typeorm';

/** Access entries get an ID the ledger deduplicates by, the GTIN whose owner may read them, and when Kafka took them for the log. */
export class AccessLogLedger1763781500000 implements MigrationInterface {
  name = 'AccessLogLedger1763781500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE verify.access_log
        ADD COLUMN entry_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        ADD COLUMN gtin char(14),
        ADD COLUMN client_ip text,
        ADD COLUMN published_at timestamptz`);
    await q.query(`CREATE INDEX access_log_unpublished ON verify.access_log (id) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX access_log_actor ON verify.access_log (actor, id)`);
    await q.query(`CREATE INDEX access_log_gtin ON verify.access_log (gtin, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['access_log_gtin', 'access_log_actor', 'access_log_unpublished']) await q.query(`DROP INDEX verify.${i}`);
    await q.query(`ALTER TABLE verify.access_log DROP COLUMN published_at, DROP COLUMN client_ip, DROP COLUMN gtin, DROP COLUMN entry_id`);
  }
}
