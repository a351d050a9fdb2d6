/**
 * Shared fast-check settings for the fuzz suites: a fixed seed and a bounded number of runs in CI,
 * more with FUZZ_RUNS (e.g. `FUZZ_RUNS=20000 npx vitest run test/fuzz`), another seed with FUZZ_SEED.
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);

/** `base` runs by default; FUZZ_RUNS scales every suite to that many (at least the base). */
export function runs(base: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(env) && env > 0 ? Math.max(base, Math.floor(env)) : base;
}

export function params(base: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: runs(base), endOnFailure: true };
}

/** A test timeout that grows with FUZZ_RUNS: `msPerRun` per run, at least 60 s. */
export function timeout(base: number, msPerRun = 10): number {
  return Math.max(60_000, runs(base) * msPerRun);
}
