import type { PGlite } from '@electric-sql/pglite';
import { SessionQueue } from './pglite-server';

/** A protocol message: its type byte and a body naming it, enough to see which units reach the session. */
const msg = (type: string, body: string) => Buffer.concat([Buffer.from(type), Buffer.from([0, 0, 0, 4 + body.length]), Buffer.from(body)]);
const startup = () => Buffer.from([0, 0, 0, 8, 0, 3, 0, 0]);

/** PGlite's one session, reduced to what the queue relies on: it runs a unit and knows whether a transaction is open. */
function fakeSession() {
  const units: string[] = [];
  let inTransaction = false;
  const db = {
    runExclusive: <T>(fn: () => Promise<T>) => fn(),
    isInTransaction: () => inTransaction,
    exec: async (sql: string) => {
      units.push(`exec ${sql}`);
      if (sql === 'ROLLBACK') inTransaction = false;
    },
    execProtocolRawStream: async (bytes: Uint8Array, { onRawData }: { onRawData: (d: Uint8Array) => void }) => {
      const text = Buffer.from(bytes).toString('latin1').replace(/[^A-Za-z0-9 ]/g, '');
      units.push(text);
      if (/BEGIN/.test(text)) inTransaction = true;
      if (/COMMIT|ROLLBACK/.test(text)) inTransaction = false;
      await new Promise((r) => setImmediate(r));
      onRawData(Buffer.from('Z'));
    },
  };
  return { db: db as unknown as PGlite, units };
}

describe('SessionQueue: several connections on one PGlite session', () => {
  it('runs each connection’s extended-protocol exchange up to its Sync as one unit, never mixed with another’s', async () => {
    const { db, units } = fakeSession();
    const q = new SessionQueue(db);
    const out: Uint8Array[] = [];
    const send = (id: number, m: Buffer) => q.enqueue(id, m, (d) => out.push(d));
    await send(1, msg('P', 'parseA'));
    await send(2, msg('P', 'parseB'));
    await Promise.all([send(2, msg('B', 'bindB')).then(() => send(2, msg('S', 'syncB'))), send(1, msg('B', 'bindA')).then(() => send(1, msg('S', 'syncA')))]);
    expect(units.sort()).toEqual(['P', 'P'].map((_, i) => (i ? 'PparseBBbindBSsyncB' : 'PparseABbindASsyncA')).sort());
    expect(out).toHaveLength(2);
  });

  it('keeps the session with a connection while its transaction is open; the others wait', async () => {
    const { db, units } = fakeSession();
    const q = new SessionQueue(db);
    const none = () => undefined;
    await q.enqueue(1, startup(), none);
    await q.enqueue(1, msg('Q', 'BEGIN'), none);
    const other = q.enqueue(2, msg('Q', 'SELECT other'), none);
    await q.enqueue(1, msg('Q', 'INSERT mine'), none);
    await new Promise((r) => setTimeout(r, 10));
    expect(units).toEqual(['', 'QBEGIN', 'QINSERT mine']);
    await q.enqueue(1, msg('Q', 'COMMIT'), none);
    await other;
    expect(units).toEqual(['', 'QBEGIN', 'QINSERT mine', 'QCOMMIT', 'QSELECT other']);
  });

  it('rolls back the open transaction of a connection that leaves, and never forwards its Terminate', async () => {
    const { db, units } = fakeSession();
    const q = new SessionQueue(db);
    const none = () => undefined;
    await q.enqueue(1, msg('Q', 'BEGIN'), none);
    const waiting = q.enqueue(2, msg('Q', 'SELECT after'), none);
    expect(await q.enqueue(1, msg('X', ''), none)).toBe(0);
    q.clearQueueForHandler(1);
    await q.clearTransactionIfNeeded(1);
    await waiting;
    expect(units).toEqual(['QBEGIN', 'exec ROLLBACK', 'QSELECT after']);
  });
});
