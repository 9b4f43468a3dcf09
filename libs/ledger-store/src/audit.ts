import type { JwkInput } from '@app/crypto';
import { summarizeEvent } from '@app/epcis';
import { bytesEqual, CompactRange, hashLeaf, type Node } from '@app/merkle';
import { CheckpointError, noteVerifier, openCheckpoint, parseVkey, type Verifier } from '@app/checkpoint';
import { blockHash, BlockRow, GENESIS_PREV_HASH, leafBytes, leafRecordOf, LeafRecord, RECORD_COLUMNS, recordSignatureProblem, RecordRow } from './formats';
import type { Query } from './node-reader';

/** The first inconsistency found: where it is and what is wrong. */
export interface AuditFinding {
  table: 'event_record' | 'block' | 'tree_node' | 'epc_event' | 'checkpoint';
  /** Primary key of the offending row, or of the row that should be there. */
  key: string;
  block?: number;
  problem: string;
}

export interface AuditReport {
  ok: boolean;
  finding?: AuditFinding;
  counts: { records: number; blocks: number; treeNodes: number; epcLinks: number; signatures: number; checkpoints: number };
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
 * node, every block root, frontier and hash chain, the per-EPC index, and every partner signature.
 * Any changed, deleted or inserted row makes one of these disagree; the first disagreement is reported.
 */
export async function auditLog(query: Query, options: AuditOptions = {}): Promise<AuditReport> {
  const started = process.hrtime.bigint();
  const chunk = options.chunk ?? 5000;
  const counts = { records: 0, blocks: 0, treeNodes: 0, epcLinks: 0, signatures: 0, checkpoints: 0 };
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
    for (let next = 0; ; ) {
      const rows = (await query(`SELECT ${RECORD_COLUMNS} FROM ledger.event_record WHERE seq >= $1 ORDER BY seq LIMIT $2`, [next, chunk])) as RecordRow[];
      if (!rows.length) break;
      const nodes: Node[] = [];
      const links = new Set<string>();
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== range.size) fail({ table: 'event_record', key: `seq=${range.size}`, problem: `record ${range.size} is missing (next is ${seq})` });
        const block = blocks[blockIndex];
        if (!block || Number(row.block_height) !== blockIndex)
          fail({ table: 'event_record', key: `seq=${seq}`, block: blockIndex, problem: `record says block ${row.block_height}, its position says ${blockIndex}` });
        const record = leafRecordOf(row);
        const leafHash = hashLeaf(leafBytes(record));
        if (!bytesEqual(leafHash, row.leaf_hash)) fail({ table: 'event_record', key: `seq=${seq}`, block: blockIndex, problem: 'leaf hash does not match the record' });
        if (keys) {
          verifySignature(row, record, keys, blockIndex);
          counts.signatures++;
        }
        for (const { epc, role } of summarizeEvent(row.event).epcs) links.add(`${epc}\u0000${seq}\u0000${role}`);
        nodes.push(...range.append(leafHash).filter((n) => n.level > 0));
        counts.records++;
        if (range.size === Number(block.tree_size)) {
          previous = checkBlock(block, blockIndex, range, previous);
          checkCheckpoint(checkpoints.get(blockIndex), blockIndex, range, ledger);
          counts.checkpoints++;
          blockIndex++;
        }
      }
      expectedNodes += nodes.length;
      await checkNodes(query, nodes);
      counts.epcLinks += await checkLinks(query, Number(rows[0].seq), range.size, links);
      next = range.size;
    }
    if (blockIndex !== blocks.length) fail({ table: 'block', key: `height=${blockIndex}`, block: blockIndex, problem: `block ${blockIndex} covers records that do not exist` });
    if (checkpoints.size !== counts.checkpoints) fail({ table: 'checkpoint', key: '*', problem: `${checkpoints.size} checkpoints stored, the log has ${counts.checkpoints}` });
    counts.blocks = blocks.length;
    counts.treeNodes = expectedNodes;
    await checkCounts(query, expectedNodes, counts.epcLinks);
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

async function checkLinks(query: Query, from: number, to: number, expected: Set<string>): Promise<number> {
  const rows = (await query('SELECT epc, seq, role FROM ledger.epc_event WHERE seq >= $1 AND seq < $2', [from, to])) as { epc: string; seq: string; role: string }[];
  for (const r of rows) {
    const key = `${r.epc}\u0000${r.seq}\u0000${r.role}`;
    if (!expected.delete(key)) fail({ table: 'epc_event', key: `epc=${r.epc},seq=${r.seq},role=${r.role}`, problem: 'index entry matches no EPC of its event' });
  }
  const [missing] = expected;
  if (missing) {
    const [epc, seq, role] = missing.split('\u0000');
    fail({ table: 'epc_event', key: `epc=${epc},seq=${seq},role=${role}`, problem: 'index entry for an EPC of the event is missing' });
  }
  return rows.length;
}

/** Rows beyond the log (inserted nodes or index entries past its end) show up only in the totals. */
async function checkCounts(query: Query, treeNodes: number, epcLinks: number): Promise<void> {
  const [{ nodes, links }] = (await query(
    '(SELECT (SELECT count(*) FROM ledger.tree_node) AS nodes, (SELECT count(*) FROM ledger.epc_event) AS links)',
    [],
  )) as { nodes: string; links: string }[];
  if (Number(nodes) !== treeNodes) fail({ table: 'tree_node', key: '*', problem: `${nodes} Merkle nodes stored, the log has ${treeNodes}` });
  if (Number(links) !== epcLinks) fail({ table: 'epc_event', key: '*', problem: `${links} EPC index entries stored, the log has ${epcLinks}` });
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
