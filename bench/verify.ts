import { loadChain, scanCodeOf, supplyChain } from './dataset';
import { bearer, cpuCost, cpuUse, lanes, latencyStats, main, now, options, progress, request, Results, round, type Stack } from './harness';

/**
 * POST /scan at 1, 16 and 64 concurrent clients over a supply chain of a million units, each unit's custody path
 * nine events through its case and pallet (libs/simulator via dataset.ts), scanned with a regulator's credential so
 * that the whole path comes back. Every scan re-verifies each event's partner signature and inclusion proof.
 */
const { quick, profile, values: o } = options(
  { units: 1_000_000, lots: 4, unitsPerCase: 50, casesPerPallet: 20, clients: [1, 16, 64], seconds: 20, codes: 5000 },
  { units: 10_000, lots: 2, unitsPerCase: 50, casesPerPallet: 20, clients: [1, 16, 64], seconds: 3, codes: 1000 },
);

interface Scan {
  verdict: string;
  custodyPath: unknown[];
}

/** Scans random units from `codes` on `clients` connections for `seconds`. */
async function scanLoad(stack: Stack, codes: string[], clients: number, seconds: number) {
  const latencies: number[] = [];
  const verdicts: Record<string, number> = {};
  const hops: number[] = [];
  let failures = 0;
  const [cpuBefore, commitsBefore] = [stack.cpu(), await stack.pgCommits()];
  const started = now();
  const wall = await lanes(clients, async () => {
    if (now() - started > seconds * 1000) return false;
    const code = codes[Math.floor(Math.random() * codes.length)];
    const t0 = now();
    const res = await request('POST', `${stack.url.verify}/scan`, { code }, bearer(stack.regulatorToken));
    latencies.push(now() - t0);
    if (res.status !== 200) {
      if (failures++ === 0) progress(`scan failed: ${res.status} ${res.text.slice(0, 300)}`);
      return true;
    }
    const scan = JSON.parse(res.text) as Scan;
    verdicts[scan.verdict] = (verdicts[scan.verdict] ?? 0) + 1;
    hops.push(scan.custodyPath.length);
    return true;
  });
  const cpuAfter = stack.cpu();
  hops.sort((a, b) => a - b);
  return {
    clients,
    scans: latencies.length,
    failures,
    seconds: round(wall, 1),
    scansPerSecond: round(latencies.length / wall),
    latencyMs: latencyStats(latencies),
    verdicts,
    custodyPathSteps: { min: hops[0], median: hops[hops.length >> 1], max: hops[hops.length - 1] },
    postgresTransactionsPerScan: round(((await stack.pgCommits()) - commitsBefore) / latencies.length, 1),
    cpuMsPerScan: cpuCost(cpuBefore, cpuAfter, latencies.length),
    cpu: cpuUse(cpuBefore, cpuAfter),
  };
}

main('verify', async (stack) => {
  const results = new Results('verify', { quick, ...o });
  const sim = supplyChain({ units: o.units, lots: o.lots, unitsPerCase: o.unitsPerCase, casesPerPallet: o.casesPerPallet, seed: 'bench-verify' });
  const unitsPerLot = sim.options.unitsPerLot;
  progress(`loading ${(unitsPerLot * o.lots).toLocaleString('en-US')} units in ${o.lots} lots (cases of ${o.unitsPerCase}, pallets of ${o.casesPerPallet} cases)`);
  const load = await loadChain(stack, sim);
  const { rows: [size] } = await stack.db.query('SELECT (SELECT count(*) FROM ledger.epc_event) AS links, pg_database_size(current_database()) AS bytes');
  const dataSet = { units: unitsPerLot * o.lots, ...load, epcIndexRows: Number(size.links), databaseMb: round(Number(size.bytes) / 2 ** 20) };
  results.figures.dataSet = dataSet;
  const codes = Array.from({ length: o.codes }, () => scanCodeOf(sim, sim.lots[Math.floor(Math.random() * o.lots)], Math.floor(Math.random() * unitsPerLot)));

  progress('warming up');
  await scanLoad(stack, codes, 16, quick ? 1 : 3);
  const levels: Record<string, Awaited<ReturnType<typeof scanLoad>>> = {};
  for (const clients of o.clients) {
    progress(`${clients} concurrent clients for ${o.seconds} s`);
    const level = await scanLoad(stack, codes, clients, o.seconds);
    levels[`clients${clients}`] = level;
    results.cpu[`clients${clients}`] = level.cpu;
    progress(`${level.scansPerSecond} scans/s, p50 ${level.latencyMs.p50} ms, p99 ${level.latencyMs.p99} ms`);
  }
  results.figures.scans = levels;
  results.memoryOf(stack);

  const at64 = levels[`clients${Math.max(...o.clients)}`];
  const best = Object.values(levels).reduce((a, b) => (b.scansPerSecond > a.scansPerSecond ? b : a));
  results.target(`scan p99 at ${at64.clients} clients`, at64.latencyMs.p99, '<=', 20, 'ms');
  results.target(`scans/s (best: ${best.clients} clients)`, best.scansPerSecond, '>=', 2000, 'scans/s');
  results.target('units in the data set', dataSet.units, '>=', 1_000_000, 'units');
  const notVerified = Object.values(levels).reduce((n, l) => n + l.failures + l.scans - (l.verdicts.VERIFIED ?? 0), 0);
  if (notVerified) results.notes.push(`${notVerified} scans were not VERIFIED (every unit of the data set should be)`);

  if (profile) {
    progress('profiled pass (not counted above): verify and ledger under the CPU profiler at 64 clients');
    results.profiles.clients64 = (await stack.profile('verify-clients64', ['verify', 'ledger'], () => scanLoad(stack, codes, 64, quick ? 3 : 10))).profiles;
  }
  await results.write(stack, stack.db);
});
