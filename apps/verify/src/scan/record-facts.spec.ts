import type { EventSummary } from '@app/epcis';
import { RecordFacts, RecordFactsCache } from './record-facts';

const facts = (epcs: number): RecordFacts => ({
  summary: { epcs: Array.from({ length: epcs }, (_, i) => ({ epc: `e${i}`, role: 'child' })) } as unknown as EventSummary,
  leafHash: new Uint8Array(32),
});

describe('RecordFactsCache', () => {
  it('forgets the least recently used records once their EPCs exceed the bound', () => {
    const cache = new RecordFactsCache(10);
    cache.set('a', facts(3)); // weight 4
    cache.set('b', facts(3)); // 8
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('c', facts(3)); // 12 > 10: b goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('counts a replaced entry once', () => {
    const cache = new RecordFactsCache(10);
    cache.set('a', facts(4));
    cache.set('a', facts(4));
    cache.set('b', facts(4));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeDefined();
  });
});
