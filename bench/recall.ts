import { loadChain, supplyChain } from './dataset';
import { bearer, cpuCost, cpuUse, main, now, options, progress, request, Results, round, type Stack } from './harness';

/**
 * GET /recalls/report for a recalled lot spread over cases and pallets at several lot sizes, each lot in the same
 * stack: by default 10,000 units and the target's million, measured directly; with smaller sizes only, a
 * least-squares line through the timings extrapolates to the million. The report verifies the lot in chunks of units,
 * each distinct event once, and streams its answer (apps/verify/src/investigations/recall-report.service.ts).
 */
const { quick, profile, values: o } = options(
  { sizes: [10_000, 1_000_000], unitsPerCase: 50, casesPerPallet: 20, target: 1_000_000 },
  { sizes: [150, 450], unitsPerCase: 50, casesPerPallet: 20, target: 1_000_000 },
);

interface Report {
  units: unknown[];
  byHolder: unknown[];
  dispensed: number;
}

async function timeReport(stack: Stack, gtin: string, lot: string, expected: number) {
  const [cpuBefore, commitsBefore] = [stack.cpu(), await stack.pgCommits()];
  const started = now();
  const res = await request('GET', `${stack.url.verify}/recalls/report?gtin=${gtin}&lot=${encodeURIComponent(lot)}`, undefined, bearer(stack.regulatorToken));
  const seconds = (now() - started) / 1000;
  const cpuAfter = stack.cpu();
  if (res.status !== 200) throw new Error(`recall report: ${res.status} ${res.text.slice(0, 300)}`);
  const report = JSON.parse(res.text) as Report;
  if (report.units.length !== expected) throw new Error(`recall report lists ${report.units.length} units, the lot has ${expected}`);
  return {
    units: expected,
    seconds: round(seconds, 2),
    unitsPerSecond: round(expected / seconds),
    holders: report.byHolder.length,
    responseMb: round(Buffer.byteLength(res.text) / 2 ** 20, 1),
    postgresTransactionsPerUnit: round(((await stack.pgCommits()) - commitsBefore) / expected, 1),
    cpuMsPerUnit: cpuCost(cpuBefore, cpuAfter, expected),
    cpu: cpuUse(cpuBefore, cpuAfter),
  };
}

/** Least squares t = a + b·n. */
function fit(points: { units: number; seconds: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.units, 0) / n;
  const my = points.reduce((s, p) => s + p.seconds, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.units - mx) ** 2, 0);
  const b = sxx ? points.reduce((s, p) => s + (p.units - mx) * (p.seconds - my), 0) / sxx : my / mx;
  return { a: my - b * mx, b };
}

main('recall', async (stack) => {
  const results = new Results('recall', { quick, ...o });
  const lots: { size: number; gtin: string; lot: string; measured: boolean }[] = [];
  const glns = new Set<string>();
  // The profiled pass runs on a lot of its own, a fifth of the smallest: the report is slow.
  const profiled = Math.max(100, Math.round(Math.min(...o.sizes) / 5));
  for (const [i, size] of (profile ? [...o.sizes, profiled] : o.sizes).entries()) {
    const measured = i < o.sizes.length;
    // One simulated manufacturer per size (its own seed): one lot, recalled, packed in cases and pallets.
    const sim = supplyChain({ units: size, lots: 1, unitsPerCase: o.unitsPerCase, casesPerPallet: o.casesPerPallet, seed: `bench-recall-${i}-${size}`, recall: true });
    if (sim.partners.some((p) => glns.has(p.gln))) throw new Error(`the simulated partners of the ${size}-unit lot clash with another lot's; choose other sizes`);
    sim.partners.forEach((p) => glns.add(p.gln));
    progress(`loading a recalled lot of ${size.toLocaleString('en-US')} units`);
    const load = await loadChain(stack, sim);
    if (measured) results.figures[`load${size}`] = load;
    lots.push({ size, gtin: sim.lots[0].product.gtin, lot: sim.lots[0].number, measured });
  }

  const reports = [];
  for (const l of lots.filter((x) => x.measured)) {
    progress(`recall report of the ${l.size.toLocaleString('en-US')}-unit lot`);
    const r = await timeReport(stack, l.gtin, l.lot, l.size);
    progress(`${r.seconds} s (${r.unitsPerSecond} units/s)`);
    reports.push(r);
    results.cpu[`report${l.size}`] = r.cpu;
  }
  results.figures.reports = reports;
  results.memoryOf(stack);

  const { a, b } = fit(reports);
  const predicted = a + b * o.target;
  results.figures.extrapolation = {
    model: 'seconds = a + b × units, least squares over the measured lots',
    a: round(a, 3),
    msPerUnit: round(b * 1000, 3),
    units: o.target,
    predictedSeconds: round(predicted, 1),
    predictedResponseMb: round((reports[reports.length - 1].responseMb / reports[reports.length - 1].units) * o.target),
  };
  const measured = reports.find((r) => r.units >= o.target);
  results.target(
    `recall report of a ${o.target.toLocaleString('en-US')}-unit lot${measured ? '' : ' (extrapolated)'}`,
    measured?.seconds ?? predicted,
    '<=',
    3,
    's',
    measured ? undefined : `extrapolated from lots of ${o.sizes.join(' and ')} units`,
  );

  if (profile) {
    const l = lots[lots.length - 1];
    progress(`profiled pass (not counted above): the report of a lot of ${l.size.toLocaleString('en-US')} units, verify under the CPU profiler`);
    results.profiles[`report${l.size}`] = (await stack.profile(`recall-${l.size}`, ['verify'], () => timeReport(stack, l.gtin, l.lot, l.size))).profiles;
  }
  await results.write(stack, stack.db);
});
