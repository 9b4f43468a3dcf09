/**
 * Group commit: calls that arrive while a flush is running are gathered and flushed together, so N concurrent
 * requests cost one Kafka produce or one SQL statement instead of N, with no timer to tune. Calls made in the
 * same turn of the event loop join the same flush; a lone call is flushed at once.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  /** `flush` gets the items in call order and returns one result per item, in the same order. */
  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly limits: { maxItems: number; concurrency: number; weigh?: (item: T) => number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  /** How many queued items the next flush takes: at least one, then as many as fit in `maxItems` (by weight if weighed). */
  private takeable(): number {
    const { maxItems, weigh } = this.limits;
    if (!weigh) return maxItems;
    let n = 0;
    for (let total = 0; n < this.queue.length && (n === 0 || total + weigh(this.queue[n].item) <= maxItems); n++) total += weigh(this.queue[n].item);
    return n;
  }

  private drain(): void {
    while (this.running < this.limits.concurrency && this.queue.length) {
      const batch = this.queue.splice(0, this.takeable());
      this.running++;
      // A flush that throws synchronously rejects its batch like one that rejects.
      Promise.resolve()
        .then(() => this.flush(batch.map((b) => b.item)))
        .then(
          (results) => {
            if (results.length !== batch.length) throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
            batch.forEach((b, i) => b.resolve(results[i]));
          },
        )
        .catch((e: unknown) => batch.forEach((b) => b.reject(e)))
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}
