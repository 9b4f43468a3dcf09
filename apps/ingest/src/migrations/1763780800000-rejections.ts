import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every event ingest refused, with the reason: nothing a partner sent disappears silently. */
export class Rejections1763780800000 implements MigrationInterface {
  name = 'Rejections1763780800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.rejection (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        capture_id uuid,
        event_index integer,
        event_id text,
        signer_gln char(13),
        kid text,
        rule text NOT NULL,
        message text NOT NULL,
        event jsonb
      )`);
    await q.query(`CREATE INDEX rejection_signer ON ingest.rejection (signer_gln, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest.rejection`);
  }
}
