import type { EventSummary } from '@app/epcis';

/**
 * What a log record's content alone determines: its summary, its Merkle leaf hash, and whether its signature holds
 * under a key. Log rows never change, so these are computed once per row content and kept by a digest PostgreSQL
 * computes over every column the leaf is built from: a changed row has another digest and is read and checked anew.
 */
export interface RecordFacts {
  summary: EventSummary;
  leafHash: Uint8Array;
  /** The verdict under the one key it was checked with (the key's JWK text); another key needs the record again. */
  signature?: { jwk: string; holds: boolean };
}

/**
 * SQL (over ledger.event_record aliased e) for the digest of a record's content: every column leafRecordOf reads.
 * json_build_array keeps the columns apart, so no two different rows share the text that is hashed.
 */
export const RECORD_DIGEST = `encode(sha256(convert_to(json_build_array(e.seq, e.event_id, e.event, e.context, e.signer_gln, e.kid, e.record_time,
  e.batch_signature, e.kafka_topic, e.kafka_partition, e.kafka_offset)::text, 'UTF8')), 'base64')`;

/**
 * Facts by record digest, least recently used forgotten first. The bound is in EPCs (plus one per record), since a
 * summary's size is mostly its EPC list. 150,000: with 500,000 verify peaked at 718 MB during a million-unit recall
 * report; the shared case and pallet events that scans meet again and again fit either way (a million-unit data set
 * holds about 3 million EPC links, mostly in commissioning events seen once per package).
 */
export class RecordFactsCache {
  private readonly facts = new Map<string, RecordFacts>();
  private weight = 0;

  constructor(private readonly maxWeight = 150_000) {}

  get(digest: string): RecordFacts | undefined {
    const found = this.facts.get(digest);
    if (found) {
      this.facts.delete(digest);
      this.facts.set(digest, found);
    }
    return found;
  }

  set(digest: string, facts: RecordFacts): void {
    const old = this.facts.get(digest);
    if (old) this.weight -= weightOf(old);
    this.facts.delete(digest);
    this.facts.set(digest, facts);
    this.weight += weightOf(facts);
    for (const [key, oldest] of this.facts) {
      if (this.weight <= this.maxWeight) break;
      this.facts.delete(key);
      this.weight -= weightOf(oldest);
    }
  }
}

const weightOf = (f: RecordFacts) => 1 + f.summary.epcs.length;
