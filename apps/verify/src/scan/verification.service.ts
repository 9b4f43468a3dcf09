import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Gs1Error, parseScan, ScanResult } from '@app/gs1';
import { summarizeEvent } from '@app/epcis';
import { assessCustody, Assessment, CustodyEvent, CustodyStep, PartnerFacts, Recall } from '@app/custody';
import { batchSignaturesOnce, DbNodeReader, leafBytes, leafRecordOf, RECORD_COLUMNS, recordSignatureProblem, RecordRow } from '@app/ledger-store';
import { hashLeaf, InclusionMemory, type TrustedHead } from '@app/merkle';
import { CheckpointError, noteVerifier, openCheckpoint, parseVkey, type Verifier } from '@app/checkpoint';
import { keyValidityAt, RegistryCache } from '@app/registry';
import { preparedQuery, ProblemException } from '@app/platform';
import { RECORD_DIGEST, RecordFacts, RecordFactsCache } from './record-facts';

/** What a verification needs to know about a package: its SGTIN and what its label says. */
export type ScannedItem = Pick<ScanResult, 'gtin' | 'lot' | 'expiry'> & { sgtin: string };

export interface Verification<S extends ScannedItem = ScanResult & { sgtin: string }> extends Omit<Assessment, 'path'> {
  scan: S;
  /** The custody path in time order, each step with the log block that holds it. */
  custodyPath: (CustodyStep & { block: { height: number; hash: string } })[];
  /** The signed checkpoint the inclusion proofs were checked against; absent when no ledger key is configured. */
  checkpoint?: { treeSize: number; rootHash: string };
}

/**
 * A custody record as verifications read it: position, signer, block and the signer's key, with a digest of its
 * content in place of the event body (the body is read only for records whose facts are not known yet). `epcs` and
 * `roles` are those of the packages and their containers the record names (ledger.epc_event). The first row also carries the latest checkpoint, the recalls of
 * the packages' GTINs and the parties of the records; with no record at all there is one row with only those.
 */
interface CustodyRow {
  checkpoint: string | null;
  recalls: { gtin: string; lot: string | null; eventId: string }[];
  /** The parties ledger.event_party links to the records, with their registry facts when registered. */
  parties: { gln: string; facts: PartnerFacts | null }[];
  epcs: string[] | null;
  roles: string[] | null;
  seq: string;
  event_id: string;
  signer_gln: string;
  kid: string;
  record_time: Date;
  block_height: string;
  block_hash: Buffer;
  digest: string;
  key_jwk: string | null;
  key_valid_from: Date | null;
  key_valid_until: Date | null;
  key_revoked_at: Date | null;
}

/**
 * One statement: every record naming a package or a case or pallet it was ever packed into, with what checks them. The
 * containers are found over distinct EPCs (a case shared by 50 packages is looked up once), and each record comes with
 * the EPCs of the set it names and their roles, from which each package's own records are assembled.
 */
const CUSTODY_SQL = `
  WITH RECURSIVE up(epc) AS (
      SELECT unnest($1::text[])
    UNION
      -- a LATERAL that OFFSET 0 keeps from being flattened: index lookups per EPC. As a plain join, a set of a thousand
      -- packages got hash joins over every child row of epc_event at each level (550 ms instead of 50, EXPLAIN ANALYZE)
      SELECT p.epc FROM up k, LATERAL (
        SELECT p.epc FROM ledger.epc_event c JOIN ledger.epc_event p ON p.seq = c.seq AND p.role = 'parent'
        WHERE c.epc = k.epc AND c.role = 'child' OFFSET 0) p),
  -- as an array, so that the planner reads the index for each EPC: joined to the recursion, which it guesses at 17 rows
  -- per package, it hashed all of epc_event for a set of a thousand (1.9 s instead of 34 ms, EXPLAIN ANALYZE)
  links AS (SELECT x.seq, array_agg(x.epc) AS epcs, array_agg(x.role) AS roles FROM ledger.epc_event x WHERE x.epc = ANY(ARRAY(SELECT epc FROM up)) GROUP BY x.seq),
  parties AS (SELECT DISTINCT p.gln FROM ledger.event_party p WHERE p.seq = ANY(ARRAY(SELECT seq FROM links))),
  head AS (SELECT
      (SELECT note FROM ledger.checkpoint ORDER BY tree_size DESC LIMIT 1) AS checkpoint,
      (SELECT coalesce(json_agg(json_build_object('gtin', r.gtin, 'lot', r.lot, 'eventId', e.event_id)), '[]')
         FROM ledger.recall r JOIN ledger.event_record e USING (seq) WHERE r.gtin = ANY($2)) AS recalls,
      (SELECT coalesce(json_agg(json_build_object('gln', trim(g.gln), 'facts', CASE WHEN p.gln IS NOT NULL THEN json_build_object(
          'gln', trim(p.gln), 'name', p.name, 'roles', p.roles, 'licences', (SELECT coalesce(json_agg(json_build_object(
            'kind', l.kind, 'validFrom', l.valid_from, 'validUntil', l.valid_until)), '[]') FROM ingest.partner_licence l WHERE l.gln = p.gln)) END)), '[]')
         FROM parties g LEFT JOIN ingest.partner p ON p.gln = g.gln) AS parties)
  -- what is read once per statement goes out with the first row only
  SELECT CASE WHEN r.n IS NULL OR r.n = 1 THEN head.checkpoint END AS checkpoint, CASE WHEN r.n IS NULL OR r.n = 1 THEN head.recalls END AS recalls,
    CASE WHEN r.n IS NULL OR r.n = 1 THEN head.parties END AS parties, r.*
  FROM head LEFT JOIN (
    SELECT row_number() OVER (ORDER BY e.seq) AS n, l.epcs, l.roles, e.seq, e.event_id, e.signer_gln, e.kid, e.record_time, e.block_height, b.block_hash,
      ${RECORD_DIGEST} AS digest, k.public_jwk::text AS key_jwk, k.valid_from AS key_valid_from, k.valid_until AS key_valid_until,
      k.revoked_at AS key_revoked_at
    FROM links l
    -- arrays make the planner read the few records (and parties below) by index, whatever it guesses the recursion returns
    JOIN ledger.event_record e ON e.seq = l.seq AND e.seq = ANY(ARRAY(SELECT seq FROM links))
    JOIN ledger.block b ON b.height = e.block_height
    LEFT JOIN ingest.partner_key k ON k.kid = e.kid) r ON true
  ORDER BY r.seq`;

/**
 * Scans, VRS and the investigations verify packages here: every event about a package and every case and pallet it
 * travelled in, each signature re-verified, each event proven to be in the log the ledger signed, then the custody
 * rules. Many packages are verified together with set-based reads, each distinct event checked once.
 */
@Injectable()
export class VerificationService implements OnModuleInit {
  private ledger?: Verifier;
  private readonly nodes: DbNodeReader;
  private opened?: { note: string; checkpoint?: { size: number; rootHash: Uint8Array } };
  private readonly facts = new RecordFactsCache();
  /** A batch-signed document is one Ed25519 check however many of its events a scan or report meets. */
  private readonly checkBatch = batchSignaturesOnce();
  private readonly inclusions: InclusionMemory;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryCache,
    private readonly config: ConfigService,
  ) {
    this.nodes = new DbNodeReader((sql, params) => this.db.query(sql, params));
    this.inclusions = new InclusionMemory(this.nodes);
  }

  onModuleInit(): void {
    const vkey = this.config.get<string>('LEDGER_VKEY');
    this.ledger = vkey ? noteVerifier(parseVkey(vkey)) : undefined;
  }

  parse(code: string): ScanResult & { sgtin: string } {
    let scan: ScanResult;
    try {
      scan = parseScan(code);
    } catch (e) {
      if (e instanceof Gs1Error) throw new ProblemException(400, 'invalid-scan', e.message, { code: e.code, field: e.field });
      throw e;
    }
    if (!scan.sgtin) throw new ProblemException(400, 'invalid-scan', 'the scan has no serial number (AI 21): only serialized packages can be verified');
    return scan as ScanResult & { sgtin: string };
  }

  /** Every logged event naming one of `epcs` or a case or pallet any of them was ever packed into, in log order. */
  async custodyRecords(epcs: string[], limit = 100_000): Promise<RecordRow[]> {
    return (await this.db.query(
      `WITH RECURSIVE containers(epc) AS (
         SELECT unnest($1::text[])
         UNION
         SELECT p.epc FROM containers k
         JOIN ledger.epc_event c ON c.epc = k.epc AND c.role = 'child'
         JOIN ledger.epc_event p ON p.seq = c.seq AND p.role = 'parent')
       SELECT ${RECORD_COLUMNS} FROM ledger.event_record
       WHERE seq IN (SELECT x.seq FROM containers k JOIN ledger.epc_event x ON x.epc = k.epc)
       ORDER BY seq LIMIT $2`,
      [epcs, limit],
    )) as RecordRow[];
  }

  async verify<S extends ScannedItem>(scan: S, opts: { scanner?: string; today?: string } = {}): Promise<Verification<S>> {
    return (await this.verifyAll([scan], opts))[0];
  }

  /**
   * Verifies each package as `verify` does, with a few statements for all of them: their records in one, the bodies
   * of records not seen before in another, the proofs of records not yet proven in one more, and their partners.
   * Callers bound the memory by passing packages in chunks; `map` turns each verification into what the caller keeps
   * as soon as it is made, so that the custody paths die young instead of filling the old generation of the heap.
   */
  async verifyAll<S extends ScannedItem, R = Verification<S>>(
    items: readonly S[],
    opts: { scanner?: string; today?: string } = {},
    map: (v: Verification<S>) => R = (v) => v as unknown as R,
  ): Promise<R[]> {
    const rows = await preparedQuery<CustodyRow>(this.db, 'custody', CUSTODY_SQL, [items.map((i) => i.sgtin), [...new Set(items.map((i) => i.gtin))]]);
    const records = rows.filter((r) => r.seq !== null);
    const { events, checkpoint } = await this.check(records, rows[0].checkpoint);
    const partners = await this.partnersOf(events, rows[0].parties);
    events.forEach((e) => (e.signer.name = partners.get(e.signer.gln)?.name));
    const registry = await this.registry.view();
    const recalls = recallsOf(rows[0].recalls);
    const today = opts.today ?? new Date().toISOString().slice(0, 10);
    const reached = reachedEvents(items, records, events);
    const blocks = new Map(records.map((r) => [r.event_id, { height: Number(r.block_height), hash: r.block_hash.toString('hex') }]));
    const answeredCheckpoint = checkpoint && { treeSize: checkpoint.size, rootHash: Buffer.from(checkpoint.rootHash).toString('base64') };
    return items.map((scan, unit) => {
      const { path, ...rest } = assessCustody({
        item: scan.sgtin,
        label: { lot: scan.lot, expiry: scan.expiry },
        events: reached[unit],
        partners,
        registry,
        recalls: recalls.filter((r) => r.gtin === scan.gtin),
        scanner: opts.scanner,
        today,
      });
      // Steps are fresh objects for each package, so each takes its block in place.
      return map({ scan, ...rest, custodyPath: path.map((step) => Object.assign(step, { block: blocks.get(step.eventId)! })), checkpoint: answeredCheckpoint });
    });
  }

  /** Each record as a custody event: signature and inclusion checked, from remembered facts where the record is known. */
  private async check(records: CustodyRow[], note: string | null): Promise<{ events: CustodyEvent[]; checkpoint?: { size: number; rootHash: Uint8Array } }> {
    const facts = await this.factsOf(records);
    const checkpoint = await this.checkpoint(note);
    const included = checkpoint && (await this.included(records, facts, checkpoint));
    const events = records.map((r, i): CustodyEvent => {
      const at = r.record_time;
      const key = r.key_jwk === null ? undefined : { validFrom: r.key_valid_from!, validUntil: r.key_valid_until, revokedAt: null };
      return {
        eventId: r.event_id,
        seq: Number(r.seq),
        summary: facts[i].summary,
        signer: { gln: r.signer_gln, kid: r.kid },
        recordTime: at.toISOString(),
        signatureValid: !!key && keyValidityAt(key, at).valid && facts[i].signature?.holds === true,
        keyRevokedBeforeEvent: !!r.key_revoked_at && r.key_revoked_at <= at,
        inclusionVerified: included?.[i],
      };
    });
    return { events, checkpoint };
  }

  /**
   * Facts of each record: remembered by digest, else computed from the record read again in full (one statement for all
   * of them). A record is also read again when its signer's key is not the one its signature was checked with.
   */
  private async factsOf(records: CustodyRow[]): Promise<RecordFacts[]> {
    const known = records.map((r) => {
      const f = this.facts.get(r.digest);
      return f && (r.key_jwk === null || f.signature?.jwk === r.key_jwk) ? f : undefined;
    });
    const missing = records.filter((_, i) => !known[i]);
    if (!missing.length) return known as RecordFacts[];
    const keys = new Map(missing.map((r) => [r.seq, r.key_jwk]));
    const bodies = (await this.db.query(`SELECT ${RECORD_COLUMNS}, ${RECORD_DIGEST} AS digest FROM ledger.event_record e WHERE e.seq = ANY($1)`, [
      missing.map((r) => r.seq),
    ])) as (RecordRow & { digest: string })[];
    const computed = new Map(
      bodies.map((row) => {
        const record = leafRecordOf(row);
        const jwk = keys.get(row.seq) ?? null;
        const facts: RecordFacts = {
          summary: summarizeEvent(row.event),
          leafHash: hashLeaf(leafBytes(record)),
          signature: jwk === null ? undefined : { jwk, holds: recordSignatureProblem(record, JSON.parse(jwk), this.checkBatch) === undefined },
        };
        this.facts.set(row.digest, facts);
        return [row.seq, facts];
      }),
    );
    return records.map((r, i) => known[i] ?? computed.get(r.seq)!);
  }

  /**
   * The latest checkpoint, opened with the ledger key from configuration (never from the database), as the inclusion
   * memory trusts it: the newest authenticated head it has followed by consistency proofs. A checkpoint that does not
   * open makes nothing verify, and the memory starts over.
   */
  private async checkpoint(note: string | null): Promise<{ size: number; rootHash: Uint8Array } | TrustedHead | undefined> {
    if (!this.ledger || note === null) return undefined;
    if (this.opened?.note !== note) {
      let checkpoint: { size: number; rootHash: Uint8Array } | undefined;
      try {
        checkpoint = openCheckpoint(note, this.ledger.name, this.ledger).checkpoint;
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw e;
      }
      this.opened = { note, checkpoint };
    }
    if (!this.opened.checkpoint) {
      this.inclusions.forget();
      return { size: 0, rootHash: new Uint8Array(32) }; // nothing verifies against a forged checkpoint
    }
    return this.inclusions.advance(this.opened.checkpoint);
  }

  private async included(records: CustodyRow[], facts: RecordFacts[], head: { size: number; rootHash: Uint8Array } | TrustedHead): Promise<boolean[]> {
    if (!('lineage' in head)) return records.map(() => false);
    return this.inclusions.included(
      head,
      records.map((r, i) => ({ index: Number(r.seq), hash: facts[i].leafHash })),
    );
  }

  /**
   * Facts of the signers and parties the events name, from those the custody statement read through ledger.event_party;
   * the registry is asked again only for a GLN that projection does not link (it is rebuilt from the events, not trusted).
   */
  private async partnersOf(events: CustodyEvent[], linked: CustodyRow['parties']): Promise<Map<string, PartnerFacts>> {
    const named = [...new Set(events.flatMap((e) => [e.signer.gln, ...e.summary.parties.map((p) => p.id)]))].filter((g) => /^\d{13}$/.test(g));
    const known = new Map(linked.map((p) => [p.gln, p.facts]));
    const partners = new Map(named.flatMap((gln) => (known.get(gln) ? [[gln, known.get(gln)!] as const] : [])));
    const unlinked = named.filter((gln) => !known.has(gln));
    if (unlinked.length) for (const [gln, facts] of await this.partnerFacts(unlinked)) partners.set(gln, facts);
    return partners;
  }

  /** Names, roles and licences of registered partners, by GLN. */
  async partnerFacts(glns: string[]): Promise<Map<string, PartnerFacts>> {
    const rows = (await this.db.query(
      `SELECT p.gln, p.name, p.roles, coalesce(json_agg(json_build_object('kind', l.kind, 'validFrom', l.valid_from, 'validUntil', l.valid_until))
         FILTER (WHERE l.kind IS NOT NULL), '[]') AS licences
       FROM ingest.partner p LEFT JOIN ingest.partner_licence l USING (gln) WHERE p.gln = ANY($1) GROUP BY p.gln, p.name, p.roles`,
      [glns],
    )) as PartnerFacts[];
    return new Map(rows.map((p) => [p.gln.trim(), { ...p, gln: p.gln.trim() }]));
  }
}

/**
 * Each package's events: those naming it or a container it was ever packed into, at any depth (the containers of an
 * EPC are the parents of the records that name it as a child), as the custody statement's recursion found them.
 */
function reachedEvents(items: readonly ScannedItem[], records: CustodyRow[], events: CustodyEvent[]): CustodyEvent[][] {
  const parents = new Map<string, string[]>();
  const naming = new Map<string, CustodyEvent[]>();
  const add = <T>(map: Map<string, T[]>, epc: string, values: T[]) => (map.get(epc) ?? map.set(epc, []).get(epc)!).push(...values);
  records.forEach((r, i) => {
    const parentsHere = r.epcs!.filter((_, k) => r.roles![k] === 'parent');
    r.epcs!.forEach((epc, k) => {
      add(naming, epc, [events[i]]);
      if (r.roles![k] === 'child') add(parents, epc, parentsHere);
    });
  });
  return items.map(({ sgtin }) => {
    const containers = new Set([sgtin]);
    for (const epc of containers) for (const parent of parents.get(epc) ?? []) containers.add(parent);
    return [...new Set([...containers].flatMap((epc) => naming.get(epc) ?? []))];
  });
}

/** Recall announcements grouped by the event that made them (one per GTIN it names). */
function recallsOf(rows: CustodyRow['recalls']): Recall[] {
  const byEvent = new Map<string, Recall>();
  for (const r of rows) {
    const id = `${r.eventId}|${r.gtin}`;
    const recall = byEvent.get(id) ?? { gtin: r.gtin, lots: [], eventId: r.eventId };
    if (r.lot !== null) recall.lots.push(r.lot);
    byEvent.set(id, recall);
  }
  return [...byEvent.values()];
}
