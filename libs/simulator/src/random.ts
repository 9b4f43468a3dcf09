import { sha256 } from '@app/crypto';

// Bound once: these run per unit, and in a sandboxed context (jest's vm) every global lookup is slow.
const { imul, floor } = Math;

/**
 * xoshiro128** (Blackman and Vigna), seeded from SHA-256 of labels: a simulation asks for an independent
 * stream per purpose (`Prng.from(seed, 'lot', 17)`), so what one lot draws never shifts another.
 */
export class Prng {
  private constructor(private readonly s: Int32Array) {}

  static from(...labels: (string | number)[]): Prng {
    const h = sha256(labels.join('/'));
    const view = new DataView(h.buffer, h.byteOffset, 16);
    return new Prng(Int32Array.from({ length: 4 }, (_, i) => view.getInt32(i * 4, true)));
  }

  /** The next 32 random bits, as an unsigned integer. */
  next(): number {
    const s = this.s;
    const result = imul(rotl(imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return floor(this.float() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * Stateless noise in [0, 1) for (key, ...indices): jitter that any generator can recompute for any index, so an
 * event scheduled relative to another (a diversion after a dispensing) needs no shared state. murmur3's finalizer.
 */
export function noise(key: number, ...indices: number[]): number {
  let h = key | 0;
  for (const x of indices) {
    h = imul(h ^ x, 0x9e3779b1);
    h ^= h >>> 16;
    h = imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 2 ** 32;
}
