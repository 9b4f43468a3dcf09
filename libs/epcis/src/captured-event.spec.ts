import { containsNul, decodeCapturedEvent, encodeCapturedEvent, type CapturedEvent } from './captured-event';

const captured: CapturedEvent = {
  v: 1,
  eventId: 'ni:///sha-256;00?ver=CBV2.0',
  event: { type: 'ObjectEvent' },
  signer: { gln: '0614141000005', kid: '0614141000005/k' },
  recordTime: '2026-11-22T00:00:00.000Z',
};

describe('captured events on Kafka', () => {
  it('round-trips', () => {
    expect(decodeCapturedEvent(encodeCapturedEvent(captured))).toEqual(captured);
  });

  it('refuses what is not a v1 captured event, or what the log could not store', () => {
    expect(() => decodeCapturedEvent(null)).toThrow(/empty/);
    expect(() => decodeCapturedEvent(Buffer.from('{"v":2}'))).toThrow(/v1/);
    expect(() => decodeCapturedEvent(encodeCapturedEvent({ ...captured, event: { note: 'a\u0000b' } }))).toThrow(/U\+0000/);
  });

  it('finds U+0000 in values and member names at any depth, and only there', () => {
    expect(containsNul({ a: [{ b: 'x\u0000y' }] })).toBe(true);
    expect(containsNul({ 'k\u0000': 1 })).toBe(true);
    expect(containsNul({ a: ['\\u0000 as text', 0, null, true] })).toBe(false);
  });
});
