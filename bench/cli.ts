import { main } from '../apps/cli/src/main';

/** bin/dscsa.js for the benchmarks' own build: the `dscsa` command as users run it. */
main(process.argv.slice(2)).catch((e: Error & { exitCode?: number }) => {
  process.stderr.write(`dscsa: ${e.message}\n`);
  process.exitCode = e.exitCode ?? 1;
});
