import type { AuditReport } from '@app/ledger-store';
import { loadChain, supplyChain } from './dataset';
import { cpuUse, main, options, progress, Results, round, runCommand, type Stack } from './harness';

/**
 * `dscsa audit` (libs/ledger-store/src/audit.ts) over the whole log of the million-unit supply chain the verify
 * benchmark scans, run as users run it, in its own process: with every partner signature and checkpoint verified,
 * and with --no-signatures.
 */
const { quick, profile, values: o } = options(
  { units: 1_000_000, lots: 4, unitsPerCase: 50, casesPerPallet: 20 },
  { units: 10_000, lots: 2, unitsPerCase: 50, casesPerPallet: 20 },
);

async function audit(stack: Stack, signatures: boolean, profiled?: string) {
  const before = stack.cpu();
  const run = await runCommand('cli.js', ['audit', '--database-url', stack.databaseUrl, '--ledger-key', stack.ledgerVkey, ...(signatures ? [] : ['--no-signatures'])], { profile: profiled });
  if (run.code !== 0) throw new Error(`dscsa audit exited with ${run.code}: ${run.stderr.slice(-1000)}`);
  const report = JSON.parse(run.stdout) as AuditReport;
  const leaves = report.counts.records + report.counts.accessRecords;
  const cpu = cpuUse(before, stack.cpu());
  const own = round(run.cpuSeconds / run.seconds, 2); // the command's own process, which the snapshots cannot see
  return {
    figures: {
      ...report.counts,
      auditSeconds: round(report.seconds, 2),
      commandSeconds: run.seconds,
      leavesPerSecond: round(leaves / report.seconds),
      epcLinksPerSecond: round(report.counts.epcLinks / report.seconds),
      peakRssMb: run.peakRssMb,
      cpuSeconds: run.cpuSeconds,
    },
    cpu: { ...cpu, dscsaAudit: own, other: round(Math.max(0, cpu.other - own), 2) },
    profile: run.profile,
  };
}

main('audit', async (stack) => {
  const results = new Results('audit', { quick, ...o });
  const sim = supplyChain({ units: o.units, lots: o.lots, unitsPerCase: o.unitsPerCase, casesPerPallet: o.casesPerPallet, seed: 'bench-verify' });
  progress(`loading ${o.units.toLocaleString('en-US')} units`);
  results.figures.dataSet = { units: sim.options.unitsPerLot * o.lots, ...(await loadChain(stack, sim)) };
  results.memoryOf(stack);

  for (const signatures of [true, false]) {
    const phase = signatures ? 'withSignatures' : 'withoutSignatures';
    progress(`dscsa audit ${signatures ? '' : '--no-signatures'}`);
    const { figures, cpu } = await audit(stack, signatures);
    progress(`${figures.leavesPerSecond} leaves/s`);
    results.figures[phase] = figures;
    results.cpu[phase] = cpu;
    results.memory[`audit ${phase}`] = figures.peakRssMb;
    results.target(`audit leaves/s, ${signatures ? 'signatures verified' : 'without signatures'}`, figures.leavesPerSecond, '>=', 200_000, 'leaves/s');
    results.target(`peak RSS of dscsa audit, ${signatures ? 'signatures verified' : 'without signatures'}`, figures.peakRssMb, '<=', 512, 'MB');
  }

  if (profile) {
    progress('profiled pass (not counted above): dscsa audit with signatures under --cpu-prof');
    const { profile: p } = await audit(stack, true, 'audit-signatures');
    if (p) results.profiles.withSignatures = { 'dscsa audit': p };
  }
  await results.write(stack, stack.db);
});
