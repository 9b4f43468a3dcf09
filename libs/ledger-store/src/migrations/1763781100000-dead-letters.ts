import { MigrationInterface, QueryRunner } from 'typeorm';

/** Messages the ledger could not log, with the reason; they also went to the dead-letter topic. */
export class DeadLetters1763781100000 implements MigrationInterface {
  name = 'DeadLetters1763781100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.dead_letter (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        reason text NOT NULL,
        message text,
        UNIQUE (topic, kafka_partition, kafka_offset)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.dead_letter`);
  }
}
