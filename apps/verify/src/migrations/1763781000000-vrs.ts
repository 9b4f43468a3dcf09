import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every VRS verification request and the answer given, refusals included. */
export class VrsRequest1763781000000 implements MigrationInterface {
  name = 'VrsRequest1763781000000';

  async up(q: QueryRunner): Promise<void> {
    // Request values are kept as sent (text, not typed): a refused request is recorded with what it said.
    await q.query(`
      CREATE TABLE verify.vrs_request (
        id bigserial PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now(),
        req_gln text,
        context text,
        corr_uuid text,
        gtin text,
        serial text,
        lot text,
        expiry text,
        response jsonb NOT NULL,
        status int NOT NULL CHECK (status BETWEEN 100 AND 599)
      )`);
    await q.query(`COMMENT ON COLUMN verify.vrs_request.expiry IS 'AI (17) as requested: YYMMDD, DD may be 00'`);
    await q.query(`COMMENT ON COLUMN verify.vrs_request.status IS 'HTTP status of the answer; response holds its body (verification response or problem details)'`);
    await q.query(`CREATE INDEX vrs_request_requester ON verify.vrs_request (req_gln, received_at)`);
    await q.query(`CREATE INDEX vrs_request_item ON verify.vrs_request (gtin, serial, received_at)`);
    await q.query(`CREATE INDEX vrs_request_corr_uuid ON verify.vrs_request (corr_uuid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE verify.vrs_request`);
  }
}
