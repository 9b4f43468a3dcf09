import { MigrationInterface, QueryRunner } from 'typeorm';

/** GS1 company prefixes with their owners and delegates, and DSCSA licences. */
export class PrefixesLicences1763780600000 implements MigrationInterface {
  name = 'PrefixesLicences1763780600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.company_prefix (
        prefix text PRIMARY KEY CHECK (prefix ~ '^[0-9]{4,12}$'),
        gln char(13) NOT NULL REFERENCES ingest.partner(gln) ON DELETE RESTRICT
      )`);
    await q.query(`
      CREATE TABLE ingest.prefix_delegate (
        prefix text NOT NULL REFERENCES ingest.company_prefix(prefix) ON DELETE CASCADE,
        gln char(13) NOT NULL REFERENCES ingest.partner(gln) ON DELETE RESTRICT,
        role text NOT NULL CHECK (role IN ('contract-manufacturer', 'repackager')),
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        PRIMARY KEY (prefix, gln)
      )`);
    await q.query(`
      CREATE TABLE ingest.partner_licence (
        gln char(13) NOT NULL REFERENCES ingest.partner(gln) ON DELETE RESTRICT,
        kind text NOT NULL CHECK (kind IN ('fda-registration', 'state-wholesale', 'state-3pl', 'state-pharmacy', 'state-manufacturer')),
        number text NOT NULL,
        jurisdiction text NOT NULL DEFAULT 'US',
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        PRIMARY KEY (gln, kind, number, jurisdiction),
        CHECK (valid_until IS NULL OR valid_until > valid_from)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['partner_licence', 'prefix_delegate', 'company_prefix']) await q.query(`DROP TABLE ingest.${t}`);
  }
}
