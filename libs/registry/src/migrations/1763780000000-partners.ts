import { MigrationInterface, QueryRunner } from 'typeorm';

export class Partners1763780000000 implements MigrationInterface {
  name = 'Partners1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.partner (
        gln char(13) PRIMARY KEY CHECK (gln ~ '^[0-9]{13}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        roles text[] NOT NULL CHECK (cardinality(roles) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ingest.partner_key (
        kid text PRIMARY KEY,
        gln char(13) NOT NULL REFERENCES ingest.partner(gln) ON DELETE RESTRICT,
        alg text NOT NULL CHECK (alg IN ('EdDSA', 'ES256')),
        public_jwk jsonb NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        revoked_at timestamptz,
        CHECK (valid_until IS NULL OR valid_until > valid_from)
      )`);
    await q.query(`CREATE INDEX partner_key_gln ON ingest.partner_key (gln)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest.partner_key`);
    await q.query(`DROP TABLE ingest.partner`);
  }
}
