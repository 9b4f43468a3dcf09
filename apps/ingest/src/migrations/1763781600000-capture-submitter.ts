import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who submitted each capture job: only that partner (and regulators) may read it back. */
export class CaptureSubmitter1763781600000 implements MigrationInterface {
  name = 'CaptureSubmitter1763781600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ingest.capture_job ADD COLUMN submitter char(13)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ingest.capture_job DROP COLUMN submitter`);
  }
}
