import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, HASH_SIZE, bytesEqual, hashChildren, hashLeaf, isHash } from './hashing';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('hashing (RFC 9162 2.1)', () => {
  it('EMPTY_ROOT is SHA-256 of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashLeaf of the empty leaf (RFC 6962 known answer)', () => {
    expect(hex(hashLeaf(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('hashLeaf = SHA-256(0x00 || data) for any length, including beyond the scratch buffer', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 2040, maxLength: 5000 })),
        (d) => hex(hashLeaf(d)) === sha256(Uint8Array.of(0), d),
      ),
      { numRuns: 200 },
    );
  });

  it('hashLeaf accepts views into larger buffers and never keeps references to its input', () => {
    const backing = Uint8Array.from([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    const h = hashLeaf(view);
    expect(hex(h)).toBe(sha256(Uint8Array.of(0, 1, 2, 3)));
    const again = hashLeaf(Uint8Array.of(7));
    expect(hex(h)).toBe(sha256(Uint8Array.of(0, 1, 2, 3))); // the result is not the scratch buffer
    expect(hex(again)).toBe(sha256(Uint8Array.of(0, 7)));
  });

  it('hashChildren = SHA-256(0x01 || left || right), also for non-32-byte inputs', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 })),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (l, r) => {
          expect(hex(hashChildren(l, r))).toBe(sha256(Uint8Array.of(1), l, r));
          expect(hex(hashChildren(r, l))).toBe(sha256(Uint8Array.of(1), r, l));
        },
      ),
    );
  });

  it('leaf and node hashes are domain-separated', () => {
    const l = new Uint8Array(32).fill(1);
    const r = new Uint8Array(32).fill(2);
    const concat = Uint8Array.from([...l, ...r]);
    expect(bytesEqual(hashLeaf(concat), hashChildren(l, r))).toBe(false);
  });

  it('bytesEqual and isHash', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Buffer.from([1, 2]))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
    expect(isHash(new Uint8Array(HASH_SIZE))).toBe(true);
    expect(isHash(new Uint8Array(31))).toBe(false);
    expect(isHash('x'.repeat(32))).toBe(false);
  });
});
