import { readFile, writeFile } from 'node:fs/promises';
import { CliError } from './cli-error';

/** Reads a file, or standard input when the name is '-'. */
export async function readInputBytes(file: string): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function readInput(file: string): Promise<string> {
  return (await readInputBytes(file)).toString('utf8');
}

export async function readJson(file: string): Promise<unknown> {
  const text = await readInput(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file === '-' ? 'standard input' : file} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function writeOutput(file: string | undefined, text: string, mode?: number): Promise<void> {
  if (!file || file === '-') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  else await writeFile(file, text.endsWith('\n') ? text : `${text}\n`, { mode, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(e.code === 'EEXIST' ? `${file} already exists; not overwriting it` : `cannot write ${file}: ${e.message}`);
  });
}

/** Calls a platform API; problem+json answers become one readable line. */
export async function callApi(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new CliError(`cannot reach ${url}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  if (!res.ok) {
    const p = json as { title?: string; detail?: string } | undefined;
    throw new CliError(`${method} ${url} failed: ${res.status} ${p?.title ?? ''}${p?.detail ? `: ${p.detail}` : ''}`.trim());
  }
  return json;
}
