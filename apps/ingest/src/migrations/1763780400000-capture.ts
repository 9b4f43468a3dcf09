import { MigrationInterface, QueryRunner } from 'typeorm';

export class Capture1763780400000 implements MigrationInterface {
  name = 'Capture1763780400000';

  async up(q: QueryRunner): Promise<void> {
    // One row per capture request (EPCIS 2.0 capture job), kept for GET /capture/{id}.
    await q.query(`
      CREATE TABLE ingest.capture_job (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        success boolean NOT NULL,
        error_behaviour text NOT NULL CHECK (error_behaviour IN ('rollback', 'proceed')),
        format text NOT NULL,
        event_count integer NOT NULL,
        accepted_count integer NOT NULL,
        errors jsonb NOT NULL DEFAULT '[]'
      )`);
    // Every event ingest acknowledged (Kafka held it): the basis of 409 on replay and of loss audits.
    await q.query(`
      CREATE TABLE ingest.captured_event (
        event_id text PRIMARY KEY,
        capture_id uuid REFERENCES ingest.capture_job(id),
        signer_gln char(13) NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    // Master data (EPCClass products, locations) from EPCIS headers; the verify app shows names from it.
    await q.query(`
      CREATE TABLE ingest.master_data (
        vocabulary text NOT NULL,
        id text NOT NULL,
        attributes jsonb NOT NULL,
        source_gln char(13) NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (vocabulary, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['master_data', 'captured_event', 'capture_job']) await q.query(`DROP TABLE ingest.${t}`);
  }
}
