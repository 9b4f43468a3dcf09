import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';

/**
 * A signing key from configuration, or on a developer machine one made once and kept in `file`, so
 * restarts sign with the same key. Production must configure it: a key made on the fly would be lost.
 */
export async function configuredOrDevSecret(opts: { value?: string; file: string; production: boolean; name: string; create: () => string }): Promise<string> {
  if (opts.value) return opts.value.trim();
  const existing = await readFile(opts.file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (existing) return existing.trim();
  if (opts.production) throw new Error(`${opts.name} (or its file ${opts.file}) is required in production`);
  await mkdir(dirname(opts.file), { recursive: true });
  // wx: when two processes start at once, the first key written wins and both use it
  await writeFile(opts.file, `${opts.create()}\n`, { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) =>
    e.code === 'EEXIST' ? undefined : Promise.reject(e),
  );
  new Logger(opts.name).warn(`created a development key in ${opts.file}`);
  return (await readFile(opts.file, 'utf8')).trim();
}
