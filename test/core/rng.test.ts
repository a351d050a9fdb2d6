/** The seeded generator: reproducible, resumable, seed-sensitive, and roughly the right distributions. */
import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from '../../src/math/rng.js';

const draws = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('same seed (42) gives the same 1000 uniforms, normals and ints', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 1000; i++) {
      expect(a.next()).toBe(b.next());
      expect(a.normal()).toBe(b.normal());
      expect(a.int(17)).toBe(b.int(17));
    }
  });

  it('seeds 0, 1, 2, 7, 42, 2^31−1, −5 all give different first 16 draws', () => {
    const seeds = [0, 1, 2, 7, 42, 2 ** 31 - 1, -5];
    const seqs = seeds.map((s) => draws(s, 16).join(','));
    expect(new Set(seqs).size).toBe(seeds.length);
  });

  it('getState after 137 draws, setState into another generator: the next 500 draws match', () => {
    const a = createRng(9);
    for (let i = 0; i < 137; i++) a.next();
    const state = a.getState();
    const b = createRng(12345);
    b.setState(JSON.parse(JSON.stringify(state)));
    for (let i = 0; i < 500; i++) expect(b.next()).toBe(a.next());
    // And rewinding a generator to a saved state replays it.
    const c = createRng(3);
    const saved = c.getState();
    const first = [c.next(), c.normal(), c.int(1000)];
    c.setState(saved);
    expect([c.next(), c.normal(), c.int(1000)]).toEqual(first);
  });

  it('getState returns a copy: drawing after it does not change the saved state', () => {
    const a = createRng(4);
    const state = a.getState();
    const copy = [...state];
    a.next();
    expect(state).toEqual(copy);
  });

  it('setState rejects a state of the wrong length, quoting it', () => {
    expect(() => createRng(1).setState([1, 2, 3])).toThrow(/4 words, got 3/);
  });

  it('a non-integer seed is rejected with the value quoted', () => {
    expect(() => createRng(1.5)).toThrow(/1\.5/);
  });

  it('next() is in [0, 1) and its mean and variance over 1e5 draws are ≈ 1/2 and 1/12 (seed 2024)', () => {
    const xs = draws(2024, 100_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal() over 1e5 draws (seed 31): mean ≈ 0 (±0.02), variance ≈ 1 (±0.03), |x| > 1.96 about 5% of the time', () => {
    const rng = createRng(31);
    const xs = Array.from({ length: 100_000 }, () => rng.normal());
    expect(xs.every(Number.isFinite)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    const tail = xs.filter((x) => Math.abs(x) > 1.96).length / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.005);
  });

  it('int(6) over 60000 draws (seed 5) hits every face 0..5 about 10000 times (±600)', () => {
    const rng = createRng(5);
    const counts = new Array(6).fill(0);
    let outside = 0;
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(6);
      if (Number.isInteger(k) && k >= 0 && k < 6) counts[k]++;
      else outside++;
    }
    expect(outside).toBe(0);
    counts.forEach((c) => expect(Math.abs(c - 10_000)).toBeLessThan(600));
  });
});

/**
 * sfc32 as published (PractRand; Doty-Humphrey), seeded with four splitmix32 outputs (murmur3's
 * finaliser on a golden-ratio counter) and 12 draws of burn-in, as rng.ts documents — written
 * with BigInt arithmetic mod 2^32 so that it shares no int32 tricks with the library.
 */
function referenceSfc32(seed: number): () => number {
  const M = 0xffffffffn;
  let s = BigInt(seed >>> 0);
  const mix = () => {
    s = (s + 0x9e3779b9n) & M;
    let z = s;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return z ^ (z >> 16n);
  };
  let a = mix(), b = mix(), c = mix(), d = mix();
  const next = () => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = (((c << 21n) | (c >> 11n)) + t) & M;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return () => Number(next()) / 2 ** 32;
}

describe('createRng is sfc32 as documented', () => {
  it('seeds 0, 1, 42, −5, 2^31−1: the first 2000 uniforms equal an independent sfc32', () => {
    for (const seed of [0, 1, 42, -5, 2 ** 31 - 1]) {
      const ref = referenceSfc32(seed);
      const rng = createRng(seed);
      for (let i = 0; i < 2000; i++) {
        const [x, y] = [rng.next(), ref()];
        if (x !== y) throw new Error(`seed ${seed}, draw ${i}: ${x} vs ${y}`);
      }
    }
  });

  it('getState gives four unsigned 32-bit integers for seeds 0..199, after 0 and after 7 draws', () => {
    for (let seed = 0; seed < 200; seed++) {
      const rng = createRng(seed);
      for (const draws of [0, 7]) {
        for (let i = 0; i < draws; i++) rng.next();
        const state = rng.getState();
        expect(state).toHaveLength(4);
        if (!state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) throw new Error(`seed ${seed}: state ${state}`);
      }
    }
  });
});

describe('shuffleInPlace', () => {
  it('gives a permutation of 0..99, the same one for the same seed, a different one for another seed', () => {
    const shuffled = (seed: number) => {
      const index = Array.from({ length: 100 }, (_, i) => i);
      shuffleInPlace(index, createRng(seed));
      return index;
    };
    const a = shuffled(8);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffled(8)).toEqual(a);
    expect(shuffled(9)).not.toEqual(a);
  });

  it('over 24000 shuffles of 4 items every one of the 24 orders appears about 1000 times (±200): unbiased', () => {
    const rng = createRng(77);
    const counts = new Map<string, number>();
    for (let t = 0; t < 24_000; t++) {
      const index = new Uint32Array([0, 1, 2, 3]);
      shuffleInPlace(index, rng);
      const key = index.join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(200);
  });
});
