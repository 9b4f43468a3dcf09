import { createServer, Server } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

type QueryQueue = ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'];

const SYNC = 0x53; // 'S': ends an extended-protocol exchange
const QUERY = 0x51; // 'Q': a simple-protocol query, complete in itself
const TERMINATE = 0x58; // 'X': the client is leaving; PGlite's one session must not end with it

/**
 * PGlite has one session; several `pg` pools share it through pglite-socket's protocol handler. What they may not
 * share is the middle of an exchange or of a transaction: pglite-socket's own queue interleaves single messages, so
 * one connection's Bind could meet another's Parse. This queue runs each connection's messages up to its Sync (or a
 * simple Query) as one unit, and keeps the session with that connection while it is inside a transaction.
 */
export class SessionQueue {
  private readonly pending = new Map<number, Uint8Array[]>();
  private readonly waiting: { id: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private holder?: number;

  constructor(private readonly db: PGlite) {}

  async enqueue(id: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const type = message[0]; // 0 for the untyped startup message
    if (type === TERMINATE) return 0;
    const unit = [...(this.pending.get(id) ?? []), message];
    if (type !== 0 && type !== SYNC && type !== QUERY) return void this.pending.set(id, unit), 0;
    this.pending.delete(id);
    await this.acquire(id);
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(Buffer.concat(unit), {
          onRawData: (data) => {
            bytes += data.length;
            onData(data);
          },
        }),
      );
    } finally {
      this.release(id);
    }
    return bytes;
  }

  clearQueueForHandler(id: number): void {
    this.pending.delete(id);
    for (const w of this.waiting.filter((x) => x.id === id)) {
      this.waiting.splice(this.waiting.indexOf(w), 1);
      w.reject(new Error('connection closed'));
    }
  }

  /** A connection that leaves inside a transaction has it rolled back, and the session passes on. */
  async clearTransactionIfNeeded(id: number): Promise<void> {
    if (this.holder !== id) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.release(id);
  }

  private acquire(id: number): Promise<void> {
    if (this.holder === undefined || this.holder === id) {
      this.holder = id;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ id, resolve, reject }));
  }

  private release(id: number): void {
    if (this.holder !== id || this.db.isInTransaction()) return;
    const next = this.waiting.shift();
    this.holder = next?.id;
    next?.resolve();
  }
}

/** A PostgreSQL server on `host`:`port` (0: any free port) for PGlite; resolves with host:port and a stop function. */
export async function servePglite(db: PGlite, host: string, port: number): Promise<{ address: string; stop(): Promise<void> }> {
  const queue = new SessionQueue(db) as unknown as QueryQueue;
  const handlers = new Set<PGLiteSocketHandler>();
  const server: Server = createServer((socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue: queue, closeOnDetach: true });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const { port: bound } = server.address() as { port: number };
  return {
    address: `${host}:${bound}`,
    stop: async () => {
      for (const h of handlers) await h.detach(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
