import type { KafkaMessage } from 'kafkajs';
import { blocksOf } from './event-consumer.service';

const msg = (bytes: number) => ({ value: Buffer.alloc(bytes) }) as KafkaMessage;
const sizes = (blocks: KafkaMessage[][]) => blocks.map((b) => b.map((m) => m.value!.length));

describe('blocksOf', () => {
  it('cuts by event count', () => {
    expect(sizes(blocksOf([1, 1, 1, 1, 1].map(msg), 2, 1000))).toEqual([[1, 1], [1, 1], [1]]);
  });

  it('cuts by bytes, and lets one oversized event make a block of its own', () => {
    expect(sizes(blocksOf([400, 400, 400, 2000, 10].map(msg), 100, 1000))).toEqual([[400, 400], [400], [2000], [10]]);
  });

  it('makes no block of nothing', () => {
    expect(blocksOf([], 10, 10)).toEqual([]);
  });
});
