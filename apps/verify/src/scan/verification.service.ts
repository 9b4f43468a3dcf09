import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Gs1Error, parseScan, ScanResult } from '@app/gs1';
import { summarizeEvent } from '@app/epcis';
import { assessCustody, Assessment, CustodyEvent, CustodyStep, PartnerFacts, Recall } from '@app/custody';
import { DbNodeReader, LeafRecord, leafBytes, leafRecordOf, RECORD_COLUMNS, recordSignatureProblem, RecordRow } from '@app/ledger-store';
import { hashLeaf, inclusionProof, verifyInclusion } from '@app/merkle';
import { CheckpointError, noteVerifier, openCheckpoint, parseVkey, type Verifier } from '@app/checkpoint';
import { keyValidityAt, RegistryCache } from '@app/registry';
import { ProblemException } from '@app/platform';

/** What a verification needs to know about a package: its SGTIN and what its label says. */
export type ScannedItem = Pick<ScanResult, 'gtin' | 'lot' | 'expiry'> & { sgtin: string };

export interface Verification<S extends ScannedItem = ScanResult & { sgtin: string }> extends Omit<Assessment, 'path'> {
  scan: S;
  /** The custody path in time order, each step with the log block that holds it. */
  custodyPath: (CustodyStep & { block: { height: number; hash: string } })[];
  /** The signed checkpoint the inclusion proofs were checked against; absent when no ledger key is configured. */
  checkpoint?: { treeSize: number; rootHash: string };
}

interface KeyRow {
  kid: string;
  public_jwk: Record<string, string>;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
}

/**
 * A pharmacist's scan: every event about the package and every case and pallet it travelled in, each
 * signature re-verified, each event proven to be in the log the ledger signed, then the custody rules.
 */
@Injectable()
export class VerificationService implements OnModuleInit {
  private ledger?: Verifier;
  private readonly nodes: DbNodeReader;
  private opened?: { note: string; checkpoint: { size: number; rootHash: Uint8Array } };
  private readonly signatures = new BoundedMap<string, boolean>(200_000);
  private readonly inclusions = new BoundedMap<string, true>(200_000);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryCache,
    private readonly config: ConfigService,
  ) {
    this.nodes = new DbNodeReader((sql, params) => this.db.query(sql, params));
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
    const rows = await this.custodyRecords([scan.sgtin]);
    const keys = await this.keys(rows);
    const checkpoint = await this.checkpoint();
    const events: CustodyEvent[] = await Promise.all(
      rows.map(async (row) => {
        const record = leafRecordOf(row);
        const leafHash = Buffer.from(hashLeaf(leafBytes(record))).toString('hex');
        const key = keys.get(row.kid);
        const at = row.record_time;
        return {
          eventId: row.event_id,
          seq: Number(row.seq),
          summary: summarizeEvent(row.event),
          signer: { gln: row.signer_gln, kid: row.kid },
          recordTime: at.toISOString(),
          signatureValid: !!key && keyValidityAt(keyWindow(key), at).valid && this.signatureHolds(leafHash, record, key),
          keyRevokedBeforeEvent: !!key?.revoked_at && key.revoked_at <= at,
          inclusionVerified: checkpoint && (await this.included(row, leafHash, checkpoint)),
        };
      }),
    );
    const partners = await this.partners(events);
    events.forEach((e) => (e.signer.name = partners.get(e.signer.gln)?.name));
    const assessment = assessCustody({
      item: scan.sgtin,
      label: { lot: scan.lot, expiry: scan.expiry },
      events,
      partners,
      registry: await this.registry.view(),
      recalls: await this.recalls(scan.gtin),
      scanner: opts.scanner,
      today: opts.today ?? new Date().toISOString().slice(0, 10),
    });
    const blocks = await this.blockHashes(rows);
    const heightOf = new Map(rows.map((r) => [r.event_id, Number(r.block_height)]));
    const { path, ...rest } = assessment;
    return {
      scan,
      ...rest,
      custodyPath: path.map((step) => {
        const height = heightOf.get(step.eventId)!;
        return { ...step, block: { height, hash: blocks.get(height)! } };
      }),
      checkpoint: checkpoint && { treeSize: checkpoint.size, rootHash: Buffer.from(checkpoint.rootHash).toString('base64') },
    };
  }

  /** The latest checkpoint, opened with the ledger key from configuration, never from the database. */
  private async checkpoint(): Promise<{ size: number; rootHash: Uint8Array } | undefined> {
    if (!this.ledger) return undefined;
    const [row] = (await this.db.query('SELECT note FROM ledger.checkpoint ORDER BY tree_size DESC LIMIT 1')) as { note: string }[];
    if (!row) return undefined;
    if (this.opened?.note === row.note) return this.opened.checkpoint;
    let checkpoint: { size: number; rootHash: Uint8Array };
    try {
      checkpoint = openCheckpoint(row.note, this.ledger.name, this.ledger).checkpoint;
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      checkpoint = { size: 0, rootHash: new Uint8Array(32) }; // nothing verifies against a forged checkpoint
    }
    this.opened = { note: row.note, checkpoint };
    return checkpoint;
  }

  /**
   * Whether the partner's signature over the record holds. The answer depends only on the leaf bytes (hashed from
   * the row as read now, so a changed row is checked afresh) and the key, so it is remembered: a scan re-verifies
   * only what it has not seen.
   */
  private signatureHolds(leafHash: string, record: LeafRecord, key: KeyRow): boolean {
    const id = `${leafHash}|${key.kid}|${JSON.stringify(key.public_jwk)}`;
    let holds = this.signatures.get(id);
    if (holds === undefined) this.signatures.set(id, (holds = recordSignatureProblem(record, key.public_jwk) === undefined));
    return holds;
  }

  /** A proof that verified once stays verified for the same leaf, position and signed root (only successes are kept). */
  private async included(row: RecordRow, leafHash: string, checkpoint: { size: number; rootHash: Uint8Array }): Promise<boolean> {
    const index = Number(row.seq);
    if (index >= checkpoint.size) return false;
    const id = `${leafHash}|${index}|${checkpoint.size}|${Buffer.from(checkpoint.rootHash).toString('hex')}`;
    if (this.inclusions.has(id)) return true;
    const proof = await inclusionProof(index, checkpoint.size, this.nodes);
    const included = verifyInclusion(Buffer.from(leafHash, 'hex'), index, checkpoint.size, proof, checkpoint.rootHash);
    if (included) this.inclusions.set(id, true);
    return included;
  }

  /** Recall announcements for the GTIN, grouped by the event that made them. */
  private async recalls(gtin: string): Promise<Recall[]> {
    const rows = (await this.db.query(
      'SELECT e.event_id, r.lot FROM ledger.recall r JOIN ledger.event_record e USING (seq) WHERE r.gtin = $1',
      [gtin],
    )) as { event_id: string; lot: string | null }[];
    const byEvent = new Map<string, Recall>();
    for (const r of rows) {
      const recall = byEvent.get(r.event_id) ?? { gtin, lots: [], eventId: r.event_id };
      if (r.lot !== null) recall.lots.push(r.lot);
      byEvent.set(r.event_id, recall);
    }
    return [...byEvent.values()];
  }

  private async blockHashes(rows: RecordRow[]): Promise<Map<number, string>> {
    const heights = [...new Set(rows.map((r) => Number(r.block_height)))];
    const found = (await this.db.query('SELECT height, block_hash FROM ledger.block WHERE height = ANY($1)', [heights])) as { height: string; block_hash: Buffer }[];
    return new Map(found.map((b) => [Number(b.height), b.block_hash.toString('hex')]));
  }

  private async keys(rows: RecordRow[]): Promise<Map<string, KeyRow>> {
    const kids = [...new Set(rows.map((r) => r.kid))];
    const found = (await this.db.query('SELECT kid, public_jwk, valid_from, valid_until, revoked_at FROM ingest.partner_key WHERE kid = ANY($1)', [kids])) as KeyRow[];
    return new Map(found.map((k) => [k.kid, k]));
  }

  private async partners(events: CustodyEvent[]): Promise<Map<string, PartnerFacts>> {
    return this.partnerFacts([...new Set(events.flatMap((e) => [e.signer.gln, ...e.summary.parties.map((p) => p.id)]))].filter((g) => /^\d{13}$/.test(g)));
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

function keyWindow(k: KeyRow) {
  return { validFrom: k.valid_from, validUntil: k.valid_until, revokedAt: null };
}

/** A Map that forgets its oldest entries beyond `max`, so the memory of past checks stays bounded. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}
