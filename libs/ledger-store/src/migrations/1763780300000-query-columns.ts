import { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns and indexes for the EPCIS query interface (SimpleEventQuery parameters), and the batch signature of a record. */
export class QueryColumns1763780300000 implements MigrationInterface {
  name = 'QueryColumns1763780300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.event_record ADD COLUMN disposition text, ADD COLUMN biz_location text, ADD COLUMN read_point text, ADD COLUMN batch_signature jsonb, ADD COLUMN context jsonb`);
    await q.query(`CREATE INDEX event_record_time ON ledger.event_record (event_time, seq)`);
    await q.query(`CREATE INDEX event_record_biz_step ON ledger.event_record (biz_step, event_time)`);
    await q.query(`CREATE INDEX event_record_disposition ON ledger.event_record (disposition, event_time)`);
    await q.query(`CREATE INDEX event_record_biz_location ON ledger.event_record (biz_location, event_time)`);
    await q.query(`CREATE INDEX event_record_own_event_id ON ledger.event_record ((event->>'eventID'))`);
    await q.query(`CREATE INDEX epc_event_seq ON ledger.epc_event (seq)`);
    await q.query(`CREATE INDEX epc_event_epc_pattern ON ledger.epc_event (epc text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['epc_event_epc_pattern', 'epc_event_seq']) await q.query(`DROP INDEX ledger.${i}`);
    for (const i of ['own_event_id', 'biz_location', 'disposition', 'biz_step', 'time']) await q.query(`DROP INDEX ledger.event_record_${i}`);
    await q.query(`ALTER TABLE ledger.event_record DROP COLUMN disposition, DROP COLUMN biz_location, DROP COLUMN read_point, DROP COLUMN batch_signature, DROP COLUMN context`);
  }
}
