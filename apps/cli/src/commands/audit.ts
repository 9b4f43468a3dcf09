import { Client } from 'pg';
import { auditLog } from '@app/ledger-store';
import { CliError } from '../cli-error';
import { writeOutput } from '../io';

/** `audit [--database-url URL] [--no-signatures]`: recompute the log from PostgreSQL; exit 1 on the first inconsistency. */
export async function audit(opts: { databaseUrl: string; signatures: boolean; ledgerKey?: string }): Promise<void> {
  if (opts.signatures && !opts.ledgerKey) throw new CliError('audit: --ledger-key VKEY (or LEDGER_VKEY) is needed to verify checkpoints; --no-signatures skips all signatures', 2);
  // JIT off, as for the apps' sessions (SESSION_OPTIONS in @app/platform, not imported: it would load Nest into every CLI start).
  const client = new Client({ connectionString: opts.databaseUrl, options: '-c jit=off' });
  try {
    await client.connect();
  } catch (e) {
    throw new CliError(`cannot connect to ${redact(opts.databaseUrl)}: ${(e as Error).message}`);
  }
  try {
    // One snapshot for the whole audit, so appends made meanwhile do not look like tampering.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const report = await auditLog(async (sql, params) => (await client.query(sql, params)).rows, { signatures: opts.signatures, ledgerVkey: opts.ledgerKey });
    await writeOutput(undefined, JSON.stringify(report, null, 2));
    if (!report.ok) {
      const f = report.finding!;
      throw new CliError(`audit: inconsistency in ${f.table} ${f.key}${f.block === undefined ? '' : ` (block ${f.block})`}: ${f.problem}`);
    }
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
