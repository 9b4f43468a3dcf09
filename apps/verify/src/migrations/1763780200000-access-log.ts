import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessLog1763780200000 implements MigrationInterface {
  name = 'AccessLog1763780200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verify.access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        subject text NOT NULL,
        outcome text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX access_log_subject ON verify.access_log (subject, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE verify.access_log`);
  }
}
