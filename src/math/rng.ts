/**
 * Seeded pseudo-random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
 * seeded through splitmix32. Every random choice in chainrule (init, shuffle, split, data
 * generation) draws from one of these, so the same seed gives the same bytes. Nothing calls
 * Math.random.
 */
export interface Rng {
  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Standard normal N(0, 1) (Box–Muller; two uniforms per draw, no cached spare). */
  normal(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** The generator's full state, to checkpoint and restore. */
  getState(): number[];
  setState(state: readonly number[]): void;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const mix = splitmix32(seed);
  let a = mix(), b = mix(), c = mix(), d = mix();

  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    // XOR yields a signed int32; >>> 0 keeps every state word unsigned, as getState promises.
    a = (b ^ (b >>> 9)) >>> 0;
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Burn in so that nearby seeds decorrelate.
  for (let i = 0; i < 12; i++) nextU32();

  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    normal() {
      // 1 - u keeps the log argument in (0, 1].
      const u1 = 1 - next();
      const u2 = next();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    getState: () => [a, b, c, d],
    setState(state) {
      if (state.length !== 4) throw new RangeError(`rng state must have 4 words, got ${state.length}`);
      [a, b, c, d] = state.map((x) => x >>> 0) as [number, number, number, number];
    },
  };
}

/** Fisher–Yates shuffle of `index` in place. */
export function shuffleInPlace(index: Uint32Array | number[], rng: Rng): void {
  for (let i = index.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = index[i];
    index[i] = index[j];
    index[j] = t;
  }
}
