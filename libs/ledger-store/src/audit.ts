import type { JwkInput } from '@app/crypto';
import { summarizeEvent } from '@app/epcis';
import { bytesEqual, CompactRange, hashLeaf, type Node } from '@app/merkle';
import { CheckpointError, noteVerifier, openCheckpoint, parseVkey, type Verifier } from '@app/checkpoint';
import { blockHash, BlockRow, GENESIS_PREV_HASH, leafBytes, leafRecordOf, LeafRecord, RECORD_COLUMNS, recordSignatureProblem, RecordRow } from './formats';
import type { Query } from './node-reader';
import { ACCESS_COLUMNS, accessLeafBytes, accessLeafOf, type AccessRow } from './access';
import { epcLinksOf, foldItemStates, partyLinksOf, recallsOf, type ItemState } from './projections';

/** The first inconsistency found: where it is and what is wrong. */
export interface AuditFinding {
  table: 'event_record' | 'access_record' | 'block' | 'tree_node' | 'epc_event' | 'event_party' | 'recall' | 'item_state' | 'checkpoint';
  /** Primary key of the offending row, or of the row that should be there. */
  key: string;
  block?: number;
  problem: string;
}

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

class Inconsistent extends Error {
  constructor(readonly finding: AuditFinding) {
    super(finding.problem);
  }
}

const fail = (finding: AuditFinding): never => {
  throw new Inconsistent(finding);
};

/**
 * Recomputes the log from PostgreSQL alone: every leaf hash from its record's columns, every Merkle
 * node, every block root, frontier and hash chain, every access record, every partner signature, and the
 * projections (per-EPC and per-party indexes, recalled lots, item states; projections.ts).
 * Any changed, deleted or inserted row makes one of these disagree; the first disagreement is reported.
 */
export async function auditLog(query: Query, options: AuditOptions = {}): Promise<AuditReport> {
  const started = process.hrtime.bigint();
  const chunk = options.chunk ?? 5000;
  const counts = { records: 0, accessRecords: 0, blocks: 0, treeNodes: 0, epcLinks: 0, partyLinks: 0, recalls: 0, items: 0, signatures: 0, checkpoints: 0 };
  const items = new Map<string, ItemState>();
  const keys = options.signatures === false ? undefined : await loadKeys(query);
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
    for (let next = 0; next < Number(end); next += chunk) {
      const leaves = await leavesIn(query, next, next + chunk);
      const nodes: Node[] = [];
      const links = new Set<string>();
      const parties = new Set<string>();
      const recalls = new Set<string>();
      for (const leaf of leaves) {
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
            verifySignature(leaf.row, record, keys, blockIndex);
            counts.signatures++;
          }
          const event = { seq, summary: summarizeEvent(leaf.row.event), signerGln: leaf.row.signer_gln };
          for (const l of epcLinksOf(event)) links.add([l.epc, l.seq, l.role].join('\u0000'));
          for (const p of partyLinksOf(event)) parties.add([p.gln, p.seq].join('\u0000'));
          for (const r of recallsOf(event)) recalls.add([r.gtin, r.lot ?? '', r.seq].join('\u0000'));
          foldItemStates(items, event);
          counts.records++;
        } else {
          leafHash = hashLeaf(accessLeafBytes(accessLeafOf(leaf.row)));
          counts.accessRecords++;
        }
        if (!bytesEqual(leafHash, row.leaf_hash)) fail({ table, key: `seq=${seq}`, block: blockIndex, problem: 'leaf hash does not match the record' });
        nodes.push(...range.append(leafHash).filter((n) => n.level > 0));
        if (range.size === Number(block.tree_size)) {
          previous = checkBlock(block, blockIndex, range, previous);
          checkCheckpoint(checkpoints.get(blockIndex), blockIndex, range, ledger);
          counts.checkpoints++;
          blockIndex++;
        }
      }
      if (range.size < Math.min(next + chunk, Number(end)))
        fail({ table: 'event_record', key: `seq=${range.size}`, problem: `record ${range.size} is missing` });
      expectedNodes += nodes.length;
      await checkNodes(query, nodes);
      counts.epcLinks += await checkIndex(query, EPC_INDEX, next, next + chunk, links);
      counts.partyLinks += await checkIndex(query, PARTY_INDEX, next, next + chunk, parties);
      counts.recalls += await checkIndex(query, RECALL_INDEX, next, next + chunk, recalls);
    }
    if (blockIndex !== blocks.length) fail({ table: 'block', key: `height=${blockIndex}`, block: blockIndex, problem: `block ${blockIndex} covers records that do not exist` });
    if (checkpoints.size !== counts.checkpoints) fail({ table: 'checkpoint', key: '*', problem: `${checkpoints.size} checkpoints stored, the log has ${counts.checkpoints}` });
    counts.blocks = blocks.length;
    counts.treeNodes = expectedNodes;
    await checkCounts(query, expectedNodes, counts);
    counts.items = await checkItems(query, items, chunk);
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

/** A projection keyed by log position, rebuilt here from the events to compare with what is stored. */
interface Index {
  table: 'epc_event' | 'event_party' | 'recall';
  columns: string[];
  what: string;
}
const EPC_INDEX: Index = { table: 'epc_event', columns: ['epc', 'seq', 'role'], what: 'EPC' };
const PARTY_INDEX: Index = { table: 'event_party', columns: ['gln', 'seq'], what: 'party' };
const RECALL_INDEX: Index = { table: 'recall', columns: ['gtin', 'lot', 'seq'], what: 'recalled lot' };

async function checkIndex(query: Query, index: Index, from: number, to: number, expected: Set<string>): Promise<number> {
  const rows = (await query(`SELECT ${index.columns.join(', ')} FROM ledger.${index.table} WHERE seq >= $1 AND seq < $2`, [from, to])) as Record<string, string>[];
  const keyOf = (values: string[]) => index.columns.map((c, i) => `${c}=${values[i]}`).join(',');
  for (const r of rows) {
    const values = index.columns.map((c) => String(r[c] ?? '').trim());
    if (!expected.delete(values.join('\u0000'))) fail({ table: index.table, key: keyOf(values), problem: `index entry matches no ${index.what} of its event` });
  }
  const [missing] = expected;
  if (missing) fail({ table: index.table, key: keyOf(missing.split('\u0000')), problem: `index entry for a ${index.what} of the event is missing` });
  return rows.length;
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

/** Every serialized item's commissioning state against the one rebuilt from the log; rows for no item show too. */
async function checkItems(query: Query, items: Map<string, ItemState>, chunk: number): Promise<number> {
  let seen = 0;
  for (let after = ''; ; ) {
    const rows = (await query(
      `SELECT epc, gtin, serial, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry, commissioned_seq, commission_count, last_seq
       FROM ledger.item_state WHERE epc > $1 ORDER BY epc LIMIT $2`,
      [after, chunk],
    )) as { epc: string; gtin: string; serial: string; lot: string | null; expiry: string | null; commissioned_seq: string; commission_count: number; last_seq: string }[];
    if (!rows.length) break;
    for (const r of rows) {
      const item = items.get(r.epc);
      const stored = [r.gtin.trim(), r.serial, r.lot, r.expiry, Number(r.commissioned_seq), r.commission_count, Number(r.last_seq)];
      const rebuilt = item && [item.gtin, item.serial, item.lot, item.expiry, item.commissionedSeq, item.commissionCount, item.lastSeq];
      if (!rebuilt) fail({ table: 'item_state', key: `epc=${r.epc}`, problem: 'item state for an item the log never commissioned' });
      else if (stored.some((v, i) => v !== rebuilt[i])) fail({ table: 'item_state', key: `epc=${r.epc}`, problem: 'item state differs from its commissioning events' });
    }
    seen += rows.length;
    after = rows[rows.length - 1].epc;
  }
  if (seen !== items.size) fail({ table: 'item_state', key: '*', problem: `${seen} item states stored, the log commissions ${items.size} items` });
  return seen;
}

type Leaf = { kind: 'event'; row: RecordRow } | { kind: 'access'; row: AccessRow };

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

function verifySignature(row: RecordRow, record: LeafRecord, keys: Map<string, KeyRow>, block: number): void {
  const where = { table: 'event_record' as const, key: `seq=${row.seq}`, block };
  const key = keys.get(row.kid);
  if (!key || key.gln !== row.signer_gln) return fail({ ...where, problem: `signer key ${row.kid} of ${row.signer_gln} is not in the registry` });
  const at = row.record_time.getTime();
  if (at < key.valid_from.getTime() || (key.valid_until && at >= key.valid_until.getTime()) || (key.revoked_at && at >= key.revoked_at.getTime()))
    fail({ ...where, problem: `key ${row.kid} was not valid at recordTime` });
  const problem = recordSignatureProblem(record, key.public_jwk);
  if (problem) fail({ ...where, problem });
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
