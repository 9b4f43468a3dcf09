import type { Response } from 'express';

/** Writes to a response, waiting while the client's buffer is full; fails once the client has gone. */
export async function send(res: Response, text: string): Promise<void> {
  if (res.destroyed) throw new Error('the client closed the connection');
  if (res.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const drained = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', drained);
      reject(new Error('the client closed the connection'));
    };
    res.once('drain', drained).once('close', closed);
  });
}
