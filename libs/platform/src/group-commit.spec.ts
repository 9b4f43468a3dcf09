import { GroupCommit } from './group-commit';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('GroupCommit', () => {
  it('flushes calls of the same turn together and those arriving during a flush as the next batch', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const group = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
        return items.map((i) => i * 10);
      },
      { maxItems: 100, concurrency: 1 },
    );
    const first = [1, 2, 3].map((i) => group.submit(i));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((i) => group.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2, 3]]); // the second batch waits for the first flush
    gate.resolve();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('splits at maxItems and runs up to `concurrency` flushes at once', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items;
      },
      { maxItems: 4, concurrency: 2 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => group.submit(i)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
    expect(peak).toBe(2);
  });

  it('weighs items against maxItems when told how, always taking at least one', async () => {
    const sizes: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => (sizes.push(items), items),
      { maxItems: 10, concurrency: 1, weigh: (n) => n },
    );
    await Promise.all([4, 5, 2, 12, 3].map((n) => group.submit(n)));
    expect(sizes).toEqual([[4, 5], [2], [12], [3]]);
  });

  it('rejects every call of a failed flush, and later calls still flush', async () => {
    let fail = true;
    const group = new GroupCommit<string, string>(
      (items) => (fail ? Promise.reject(new Error('broker down')) : Promise.resolve(items)),
      { maxItems: 10, concurrency: 1 },
    );
    const failed = await Promise.allSettled([group.submit('a'), group.submit('b')]);
    expect(failed.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['broker down', 'broker down']);
    fail = false;
    await expect(group.submit('c')).resolves.toBe('c');
  });

  it('rejects the batch when a flush throws synchronously or returns the wrong number of results', async () => {
    const throwing = new GroupCommit<number, number>(() => {
      throw new Error('bad statement');
    }, { maxItems: 10, concurrency: 1 });
    await expect(throwing.submit(1)).rejects.toThrow('bad statement');
    const short = new GroupCommit<number, number>(async () => [], { maxItems: 10, concurrency: 1 });
    await expect(short.submit(1)).rejects.toThrow('flush returned 0 results for 1 items');
  });
});
