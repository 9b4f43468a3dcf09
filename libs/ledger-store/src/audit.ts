import { setImmediate } from 'node:timers/promises';
import type { JwkInput } from '@app/crypto';
import { summarizeEvent } from '@app/epcis';
import { bytesEqual, CompactRange, hashLeaf, type Node } from '@app/merkle';
import { CheckpointError, noteVerifier, openCheckpoint, parseVkey, type Verifier } from '@app/checkpoint';
import { blockHash, BlockRow, type DetachedCheck, GENESIS_PREV_HASH, leafBytes, leafRecordOf, LeafRecord, RECORD_COLUMNS, recordSignatureProblem, RecordRow } from './formats';
import type { Query } from './node-reader';
import { ACCESS_COLUMNS, accessLeafBytes, accessLeafOf, type AccessRow } from './access';
import { epcLinksOf, foldItemStates, partyLinksOf, QUERY_COLUMN_TYPES, queryColumnsOf, recallsOf, type ItemState, type LoggedEvent } from './projections';
import { ItemStateCheck } from './audit/items';
import { batchSignaturesOnce } from './batch-signatures';
import { fail, Inconsistent, type AuditFinding } from './audit/finding';
import { EPC_INDEX, PARTY_INDEX, RebuiltIndex, RECALL_INDEX } from './audit/indexes';

export type { AuditFinding } from './audit/finding';

export interface AuditReport {
  ok: boolean;
  finding?: AuditFinding;
  counts: {
    records: number;
    accessRecords: number;
    blocks: number;
    treeNodes: number;
    epcLinks: number;
    partyLinks: number;
    recalls: number;
    items: number;
    signatures: number;
    checkpoints: number;
  };
  seconds: number;
}

export interface AuditOptions {
  /** Verify every partner signature (the slow part); on by default. */
  signatures?: boolean;
  /** The ledger's checkpoint verifier key (C2SP vkey); without it checkpoints are checked for content only. */
  ledgerVkey?: string;
  /**
   * Log positions read and checked at a time. Everything the audit holds is proportional to one chunk (two, with the
   * next one read meanwhile); small chunks also keep their rows from outliving V8's young generation.
   */
  chunk?: number;
}


interface KeyRow {
  kid: string;
  gln: string;
  public_jwk: JwkInput;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
}

/** Leaves checked between two turns of the event loop, in which the connection can send a queued statement. */
const YIELD_EVERY = 64;

/**
 * Recomputes the log from PostgreSQL alone: every leaf hash from its record's columns, every Merkle
 * node, every block root, frontier and hash chain, every access record, every partner signature, and the
 * projections (per-EPC and per-party indexes, recalled lots, item states; projections.ts).
 * Any changed, deleted or inserted row makes one of these disagree; the first disagreement is reported.
 * It reads and holds one chunk of the log at a time (and the next, read meanwhile): item states included (audit/items.ts).
 */
export async function auditLog(connection: Query, options: AuditOptions = {}): Promise<AuditReport> {
  const query = oneAtATime(connection);
  const started = process.hrtime.bigint();
  const chunk = options.chunk ?? 1000;
  const counts = { records: 0, accessRecords: 0, blocks: 0, treeNodes: 0, epcLinks: 0, partyLinks: 0, recalls: 0, items: 0, signatures: 0, checkpoints: 0 };
  const items = new ItemStateCheck();
  const keys = options.signatures === false ? undefined : await loadKeys(query);
  const checkBatch = batchSignaturesOnce();
  const ledger = options.ledgerVkey ? noteVerifier(parseVkey(options.ledgerVkey)) : undefined;
  try {
    const blocks = (await query('SELECT * FROM ledger.block ORDER BY height', [])) as BlockRow[];
    const checkpoints = new Map(
      ((await query('SELECT tree_size, block_height, root_hash, note FROM ledger.checkpoint', [])) as CheckpointRow[]).map((c) => [Number(c.block_height), c]),
    );
    const range = CompactRange.empty();
    let previous: Buffer = GENESIS_PREV_HASH;
    let blockIndex = 0;
    let expectedNodes = 0;
    const [{ end }] = (await query(
      'SELECT greatest((SELECT max(seq) FROM ledger.event_record), (SELECT max(seq) FROM ledger.access_record), -1) + 1 AS end',
      [],
    )) as { end: string }[];
    // Each chunk's projections are compared in PostgreSQL while the next chunk's leaves are checked here.
    let comparing: Promise<void> = Promise.resolve();
    for await (const { next, leaves } of chunksOf(query, Number(end), chunk)) {
      const rebuilt = new RebuiltChunk(next, next + chunk);
      try {
        for (const [i, leaf] of leaves.entries()) {
          if (i % YIELD_EVERY === 0) await setImmediate(); // the connection sends the statements queued meanwhile
          const row = leaf.row;
          const seq = Number(row.seq);
          const table = leaf.kind === 'event' ? ('event_record' as const) : ('access_record' as const);
          if (seq !== range.size) fail({ table: 'event_record', key: `seq=${range.size}`, problem: `record ${range.size} is missing (next is ${seq})` });
          const block = blocks[blockIndex];
          if (!block || Number(row.block_height) !== blockIndex)
            fail({ table, key: `seq=${seq}`, block: blockIndex, problem: `record says block ${row.block_height}, its position says ${blockIndex}` });
          let leafHash: Uint8Array;
          if (leaf.kind === 'event') {
            const record = leafRecordOf(leaf.row);
            leafHash = hashLeaf(leafBytes(record));
            if (keys) {
              verifySignature(leaf.row, record, keys, checkBatch, blockIndex);
              counts.signatures++;
            }
            rebuilt.add({ seq, summary: summarizeEvent(leaf.row.event), signerGln: leaf.row.signer_gln });
            counts.records++;
          } else {
            leafHash = hashLeaf(accessLeafBytes(accessLeafOf(leaf.row)));
            counts.accessRecords++;
          }
          if (!bytesEqual(leafHash, row.leaf_hash)) fail({ table, key: `seq=${seq}`, block: blockIndex, problem: 'leaf hash does not match the record' });
          for (const n of range.append(leafHash)) if (n.level > 0) rebuilt.nodes.push(n);
          if (range.size === Number(block.tree_size)) {
            previous = checkBlock(block, blockIndex, range, previous);
            checkCheckpoint(checkpoints.get(blockIndex), blockIndex, range, ledger);
            counts.checkpoints++;
            blockIndex++;
          }
        }
        if (range.size < Math.min(next + chunk, Number(end)))
          fail({ table: 'event_record', key: `seq=${range.size}`, problem: `record ${range.size} is missing` });
      } finally {
        await comparing; // a finding in the chunk before comes first
      }
      expectedNodes += rebuilt.nodes.length;
      comparing = rebuilt.check(query, items, counts);
      comparing.catch(() => undefined); // awaited with the next chunk
    }
    await comparing;
    if (blockIndex !== blocks.length) fail({ table: 'block', key: `height=${blockIndex}`, block: blockIndex, problem: `block ${blockIndex} covers records that do not exist` });
    if (checkpoints.size !== counts.checkpoints) fail({ table: 'checkpoint', key: '*', problem: `${checkpoints.size} checkpoints stored, the log has ${counts.checkpoints}` });
    counts.blocks = blocks.length;
    counts.treeNodes = expectedNodes;
    await checkCounts(query, expectedNodes, counts);
    counts.items = await items.finish(query);
    return { ok: true, counts, seconds: elapsed(started) };
  } catch (e) {
    if (e instanceof Inconsistent) return { ok: false, finding: e.finding, counts, seconds: elapsed(started) };
    throw e;
  }
}

function checkBlock(block: BlockRow, height: number, range: CompactRange, previous: Buffer): Buffer {
  const key = `height=${height}`;
  const where = { table: 'block' as const, key, block: height };
  if (Number(block.height) !== height) fail({ ...where, problem: `block heights jump to ${block.height}` });
  if (Number(block.first_seq) + block.leaf_count !== range.size) fail({ ...where, problem: 'first_seq and leaf_count do not add up to the tree size' });
  if (!bytesEqual(block.root_hash, range.root())) fail({ ...where, problem: 'root hash differs from the tree of its records' });
  if (block.frontier.length !== range.hashes.length || block.frontier.some((h, i) => !bytesEqual(h, range.hashes[i])))
    fail({ ...where, problem: 'frontier differs from the tree of its records' });
  if (!bytesEqual(block.prev_hash, previous)) fail({ ...where, problem: 'previous-block hash breaks the chain' });
  const header = {
    height,
    firstSeq: Number(block.first_seq),
    leafCount: block.leaf_count,
    treeSize: Number(block.tree_size),
    rootHash: block.root_hash,
    prevHash: block.prev_hash,
    createdAt: block.created_at.toISOString(),
  };
  const hash = blockHash(header);
  if (!bytesEqual(hash, block.block_hash)) fail({ ...where, problem: 'block hash does not match its header' });
  return hash;
}

interface CheckpointRow {
  tree_size: string;
  block_height: string;
  root_hash: Buffer;
  note: string;
}

/** Each block ends with a checkpoint: the whole tree's size and root, signed by the ledger. */
function checkCheckpoint(row: CheckpointRow | undefined, height: number, range: CompactRange, ledger: Verifier | undefined): void {
  const where = { table: 'checkpoint' as const, key: `tree_size=${range.size}`, block: height };
  if (!row) return fail({ ...where, problem: `block ${height} has no checkpoint` });
  if (Number(row.tree_size) !== range.size || !bytesEqual(row.root_hash, range.root())) fail({ ...where, problem: 'checkpoint row differs from the tree' });
  if (!ledger) return;
  try {
    const { checkpoint } = openCheckpoint(row.note, ledger.name, ledger);
    if (checkpoint.size !== range.size || !bytesEqual(checkpoint.rootHash, range.root())) fail({ ...where, problem: 'signed checkpoint differs from the tree' });
  } catch (e) {
    if (e instanceof CheckpointError) fail({ ...where, problem: `checkpoint note does not verify: ${e.message}` });
    throw e;
  }
}

/** What one chunk of the log should have stored beside it, rebuilt from its leaves and events. */
class RebuiltChunk {
  readonly nodes: Node[] = [];
  private readonly links = new RebuiltIndex(EPC_INDEX);
  private readonly parties = new RebuiltIndex(PARTY_INDEX);
  private readonly recalls = new RebuiltIndex(RECALL_INDEX);
  private readonly commissioned = new Map<string, ItemState>();
  private readonly queryColumns: ReturnType<typeof queryColumnsOf>[] = [];

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  add(event: LoggedEvent): void {
    this.links.add(event.seq, epcLinksOf(event).map((l) => [l.epc, l.role]));
    this.parties.add(event.seq, partyLinksOf(event).map((p) => [p.gln]));
    this.recalls.add(event.seq, recallsOf(event).map((r) => [r.gtin, r.lot]));
    foldItemStates(this.commissioned, event);
    this.queryColumns.push(queryColumnsOf(event));
  }

  async check(query: Query, items: ItemStateCheck, counts: AuditReport['counts']): Promise<void> {
    await checkNodes(query, this.nodes);
    await checkQueryColumns(query, this.queryColumns);
    counts.epcLinks += await this.links.check(query, this.from, this.to);
    counts.partyLinks += await this.parties.check(query, this.from, this.to);
    counts.recalls += await this.recalls.check(query, this.from, this.to);
    await items.checkChunk(query, this.commissioned);
  }
}

async function checkNodes(query: Query, nodes: Node[]): Promise<void> {
  if (!nodes.length) return;
  const rows = (await query('SELECT n.level, n.idx, n.hash FROM ledger.tree_node n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) USING (level, idx)', [
    nodes.map((n) => n.level),
    nodes.map((n) => n.index),
  ])) as { level: number; idx: string; hash: Buffer }[];
  const stored = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
  for (const n of nodes) {
    const hash = stored.get(`${n.level}/${n.index}`);
    if (!hash) fail({ table: 'tree_node', key: `level=${n.level},idx=${n.index}`, problem: 'Merkle node is missing' });
    else if (!bytesEqual(hash, n.hash)) fail({ table: 'tree_node', key: `level=${n.level},idx=${n.index}`, problem: 'Merkle node hash differs from its subtree' });
  }
}

/**
 * The query columns beside each record must be what its event says. They are not part of the leaf, so a changed
 * biz_step or event_time would otherwise change query answers unseen. Compared in PostgreSQL, cast as the writer cast them.
 */
async function checkQueryColumns(query: Query, expected: ReturnType<typeof queryColumnsOf>[]): Promise<void> {
  if (!expected.length) return;
  const columns = ['event_type', 'event_time', 'biz_step', 'disposition', 'biz_location', 'read_point'];
  const [differs] = (await query(
    `SELECT x.seq FROM jsonb_to_recordset($1::jsonb) AS x(${QUERY_COLUMN_TYPES}) JOIN ledger.event_record r USING (seq)
     WHERE (${columns.map((c) => `r.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `x.${c}`).join(', ')}) ORDER BY x.seq LIMIT 1`,
    [JSON.stringify(expected)],
  )) as { seq: string }[];
  if (differs) fail({ table: 'event_record', key: `seq=${differs.seq}`, problem: `query columns (${columns.join(', ')}) differ from the event` });
}

/** Rows beyond the log (inserted nodes or index entries past its end) show up only in the totals. */
async function checkCounts(query: Query, treeNodes: number, counts: AuditReport['counts']): Promise<void> {
  const [stored] = (await query(
    `SELECT (SELECT count(*) FROM ledger.tree_node) AS nodes, (SELECT count(*) FROM ledger.epc_event) AS epcs,
       (SELECT count(*) FROM ledger.event_party) AS parties, (SELECT count(*) FROM ledger.recall) AS recalls`,
    [],
  )) as { nodes: string; epcs: string; parties: string; recalls: string }[];
  if (Number(stored.nodes) !== treeNodes) fail({ table: 'tree_node', key: '*', problem: `${stored.nodes} Merkle nodes stored, the log has ${treeNodes}` });
  if (Number(stored.epcs) !== counts.epcLinks) fail({ table: 'epc_event', key: '*', problem: `${stored.epcs} EPC index entries stored, the log has ${counts.epcLinks}` });
  if (Number(stored.parties) !== counts.partyLinks) fail({ table: 'event_party', key: '*', problem: `${stored.parties} party index entries stored, the log has ${counts.partyLinks}` });
  if (Number(stored.recalls) !== counts.recalls) fail({ table: 'recall', key: '*', problem: `${stored.recalls} recalled lots stored, the log has ${counts.recalls}` });
}

/** Statements one at a time in call order, as one connection runs them: a read ahead waits for the statement under way. */
function oneAtATime(query: Query): Query {
  let last: Promise<unknown> = Promise.resolve();
  return (sql, params) => {
    const result = last.then(() => query(sql, params));
    last = result.catch(() => undefined);
    return result;
  };
}

type Leaf = { kind: 'event'; row: RecordRow } | { kind: 'access'; row: AccessRow };

/** The log's leaves in chunks of `size` positions, each read while the one before is checked. */
async function* chunksOf(query: Query, end: number, size: number): AsyncGenerator<{ next: number; leaves: Leaf[] }> {
  let reading = leavesIn(query, 0, size);
  for (let next = 0; next < end; next += size) {
    const current = reading;
    if (next + size < end) {
      reading = leavesIn(query, next + size, next + 2 * size);
      reading.catch(() => undefined); // a read still under way when the audit stops at a finding fails unheard
    }
    yield { next, leaves: await current };
  }
}

/** The leaves at log positions [from, to), events and access entries merged in position order. */
async function leavesIn(query: Query, from: number, to: number): Promise<Leaf[]> {
  const [events, accesses] = await Promise.all([
    query(`SELECT ${RECORD_COLUMNS} FROM ledger.event_record WHERE seq >= $1 AND seq < $2 ORDER BY seq`, [from, to]) as Promise<RecordRow[]>,
    query(`SELECT ${ACCESS_COLUMNS} FROM ledger.access_record WHERE seq >= $1 AND seq < $2 ORDER BY seq`, [from, to]) as Promise<AccessRow[]>,
  ]);
  const leaves: Leaf[] = [...events.map((row) => ({ kind: 'event' as const, row })), ...accesses.map((row) => ({ kind: 'access' as const, row }))];
  return leaves.sort((a, b) => Number(a.row.seq) - Number(b.row.seq));
}

async function loadKeys(query: Query): Promise<Map<string, KeyRow>> {
  const rows = (await query('SELECT kid, gln, public_jwk, valid_from, valid_until, revoked_at FROM ingest.partner_key', [])) as KeyRow[];
  return new Map(rows.map((k) => [k.kid, k]));
}

function verifySignature(row: RecordRow, record: LeafRecord, keys: Map<string, KeyRow>, checkBatch: DetachedCheck, block: number): void {
  const where = { table: 'event_record' as const, key: `seq=${row.seq}`, block };
  const key = keys.get(row.kid);
  if (!key || key.gln !== row.signer_gln) return fail({ ...where, problem: `signer key ${row.kid} of ${row.signer_gln} is not in the registry` });
  const at = row.record_time.getTime();
  if (at < key.valid_from.getTime() || (key.valid_until && at >= key.valid_until.getTime()) || (key.revoked_at && at >= key.revoked_at.getTime()))
    fail({ ...where, problem: `key ${row.kid} was not valid at recordTime` });
  const problem = recordSignatureProblem(record, key.public_jwk, checkBatch);
  if (problem) fail({ ...where, problem });
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
