import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-partner API credentials: only a hash of each secret is kept; several may be live during a rotation. */
export class Credentials1763781200000 implements MigrationInterface {
  name = 'Credentials1763781200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.api_credential (
        id uuid PRIMARY KEY,
        gln char(13) NOT NULL REFERENCES ingest.partner(gln) ON DELETE RESTRICT,
        label text NOT NULL,
        secret_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_credential_gln ON ingest.api_credential (gln)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest.api_credential`);
  }
}
