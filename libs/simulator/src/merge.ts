/** A source of timed items: none of its items is earlier than `start`. */
export interface TimedSource<T extends { time: number }> {
  start: number;
  items: Iterable<T>;
}

interface Head<T> {
  value: T;
  rest: Iterator<T>;
  /** Opening order: breaks ties so equal times come out in a fixed order. */
  order: number;
}

/**
 * Merges sources into one stream in time order. Sources must come in order of `start`; each is opened only when
 * the stream reaches its start, so a long simulation keeps only the lots in flight (and their iterators) in memory.
 */
export function* mergeByTime<T extends { time: number }>(sources: Iterable<TimedSource<T>>): Generator<T> {
  const heap: Head<T>[] = [];
  const before = (a: Head<T>, b: Head<T>) => a.value.time < b.value.time || (a.value.time === b.value.time && a.order < b.order);
  const push = (head: Head<T>) => {
    let i = heap.push(head) - 1;
    for (let parent = (i - 1) >> 1; i > 0 && before(heap[i], heap[parent]); i = parent, parent = (i - 1) >> 1)
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
  };
  const popTop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        let smallest = i;
        if (l < heap.length && before(heap[l], heap[smallest])) smallest = l;
        if (l + 1 < heap.length && before(heap[l + 1], heap[smallest])) smallest = l + 1;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  };
  const advance = (rest: Iterator<T>, order: number) => {
    const r = rest.next();
    if (!r.done) push({ value: r.value, rest, order });
  };

  const pending = sources[Symbol.iterator]();
  let next = pending.next();
  let opened = 0;
  for (;;) {
    while (!next.done && (!heap.length || next.value.start <= heap[0].value.time)) {
      advance(next.value.items[Symbol.iterator](), opened++);
      next = pending.next();
    }
    if (!heap.length) return;
    const top = popTop();
    yield top.value;
    advance(top.rest, top.order);
  }
}
