import { MigrationInterface, QueryRunner } from 'typeorm';
import { summarizeEvent, type JsonObject } from '@app/epcis';
import { partyLinksOf } from '../projections';

/**
 * Projection ledger.event_party: the GLNs each event names, so a trading partner's queries see only events it took part in.
 * Table ledger.access_record: reads of custody data, leaves of the same log as the events (seq is one leaf index space).
 */
export class ScopingAccess1763781500000 implements MigrationInterface {
  name = 'ScopingAccess1763781500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.event_party (
        gln char(13) NOT NULL,
        seq bigint NOT NULL REFERENCES ledger.event_record(seq),
        PRIMARY KEY (gln, seq)
      )`);
    await q.query(`CREATE INDEX event_party_seq ON ledger.event_party (seq)`);
    for (let after = -1; ; ) {
      const rows = (await q.query('SELECT seq, signer_gln, event FROM ledger.event_record WHERE seq > $1 ORDER BY seq LIMIT 1000', [after])) as {
        seq: string;
        signer_gln: string;
        event: JsonObject;
      }[];
      if (!rows.length) break;
      const links = rows.flatMap((r) => partyLinksOf({ seq: Number(r.seq), summary: summarizeEvent(r.event), signerGln: r.signer_gln }));
      await q.query('INSERT INTO ledger.event_party (gln, seq) SELECT gln, seq FROM jsonb_to_recordset($1::jsonb) AS p(gln text, seq bigint)', [JSON.stringify(links)]);
      after = Number(rows[rows.length - 1].seq);
    }
    await q.query(`
      CREATE TABLE ledger.access_record (
        seq bigint PRIMARY KEY,
        entry_id uuid NOT NULL UNIQUE,
        entry jsonb NOT NULL,
        kafka_topic text NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        leaf_hash bytea NOT NULL,
        block_height bigint NOT NULL REFERENCES ledger.block(height)
      )`);
    await q.query(`CREATE INDEX access_record_actor ON ledger.access_record ((entry->>'actor'), seq)`);
    await q.query(`CREATE INDEX access_record_gtin ON ledger.access_record ((entry->>'gtin'), seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.access_record`);
    await q.query(`DROP TABLE ledger.event_party`);
  }
}
