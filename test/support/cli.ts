import { main } from '../../apps/cli/src/main';

/** Runs the dscsa CLI in-process and returns what it wrote to standard output. */
export async function runCli(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    await main(argv);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}
