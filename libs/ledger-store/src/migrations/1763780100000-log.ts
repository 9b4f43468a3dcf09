import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The verifiable log (event_record, block, tree_node) is append-only: rows are written once and never
 * updated. item_state and epc_event are projections, rebuilt from the log if ever in doubt.
 */
export class Log1763780100000 implements MigrationInterface {
  name = 'Log1763780100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.block (
        height bigint PRIMARY KEY CHECK (height >= 0),
        first_seq bigint NOT NULL,
        leaf_count integer NOT NULL CHECK (leaf_count > 0),
        tree_size bigint NOT NULL,
        root_hash bytea NOT NULL,
        prev_hash bytea NOT NULL,
        block_hash bytea NOT NULL UNIQUE,
        frontier bytea[] NOT NULL,
        created_at timestamptz NOT NULL,
        CHECK (tree_size = first_seq + leaf_count)
      )`);
    await q.query(`
      CREATE TABLE ledger.event_record (
        seq bigint PRIMARY KEY CHECK (seq >= 0),
        event_id text NOT NULL UNIQUE,
        event jsonb NOT NULL,
        event_type text NOT NULL,
        event_time timestamptz NOT NULL,
        biz_step text,
        signer_gln char(13) NOT NULL,
        kid text NOT NULL,
        record_time timestamptz NOT NULL,
        kafka_topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        leaf_hash bytea NOT NULL,
        block_height bigint NOT NULL REFERENCES ledger.block(height)
      )`);
    await q.query(`
      CREATE TABLE ledger.tree_node (
        level smallint NOT NULL CHECK (level > 0),
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, idx)
      )`);
    await q.query(`
      CREATE TABLE ledger.consumer_offset (
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        next_offset bigint NOT NULL,
        block_height bigint NOT NULL,
        PRIMARY KEY (topic, kafka_partition)
      )`);
    await q.query(`
      CREATE TABLE ledger.epc_event (
        epc text NOT NULL,
        seq bigint NOT NULL REFERENCES ledger.event_record(seq),
        role text NOT NULL,
        PRIMARY KEY (epc, seq, role)
      )`);
    await q.query(`
      CREATE TABLE ledger.item_state (
        epc text PRIMARY KEY,
        gtin char(14) NOT NULL,
        serial text NOT NULL,
        lot text,
        expiry date,
        commissioned_seq bigint NOT NULL REFERENCES ledger.event_record(seq),
        commission_count integer NOT NULL,
        last_seq bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX item_state_gtin_lot ON ledger.item_state (gtin, lot)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['item_state', 'epc_event', 'consumer_offset', 'tree_node', 'event_record', 'block']) await q.query(`DROP TABLE ledger.${t}`);
  }
}
