import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { startEmbedded } from './embedded';

/** `npm start` without KAFKA_BROKERS and DATABASE_URL: everything in this process (see embedded.ts). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false }, data: { type: 'string' } }, strict: true });
  process.env.LOG_LEVEL ??= 'warn'; // three apps' start-up chatter in one terminal hides the one line that matters
  const dataDir = values.data ?? process.env.EMBEDDED_DATA_DIR ?? '.data/embedded';
  const { urls } = await startEmbedded({ dataDir, demo: values.demo! });
  console.log(
    [
      `DSCSA trace is running in one process (data in ${dataDir}):`,
      `  console  ${urls.console}`,
      `  ingest   ${urls.ingest}/docs`,
      `  ledger   ${urls.ledger}/checkpoint`,
      `  verify   ${urls.verify}/docs`,
    ].join('\n'),
  );
}

main().catch((e: Error) => {
  new Logger('embedded').fatal(`failed to start: ${e.message}`);
  process.exit(1);
});
