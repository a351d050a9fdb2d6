/**
 * Shared by the fast-path tests: bit-level comparison of float arrays, and one training run
 * through the fast kernels beside one through the reference loop with the same seed.
 */
import { expect } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import type { Network } from '../../src/math/network.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import { DivergenceError, fit } from '../../src/train/fit.js';
import type { Dataset, FitOptions } from '../../src/train/fit.js';

/** Object.is on every element, reporting the first index that differs (and its input, if given). */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, inputs?: ArrayLike<number>): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      const at = inputs ? ` at x = ${inputs[i]}` : '';
      throw new Error(`${what}[${i}]${at} differs: got ${actual[i]}, reference ${expected[i]}`);
    }
  }
}

/** `fit` on two copies of `net`: kernels 'fast' and 'reference', the same options and seed. */
export function runBoth(net: Network, data: Dataset, options: Omit<FitOptions, 'rng'>, seed: number) {
  const fastNet = cloneNetwork(net);
  const refNet = cloneNetwork(net);
  const fast = fit(fastNet, data, { ...options, rng: createRng(seed), kernels: 'fast' });
  const ref = fit(refNet, data, { ...options, rng: createRng(seed), kernels: 'reference' });
  return { fastNet, refNet, fast, ref };
}

/** Same weights, epoch losses, optimizer state, best epoch and stop reason, bit for bit. */
export function expectSameTraining(r: ReturnType<typeof runBoth>): void {
  const rp = parameterBuffers(r.refNet);
  parameterBuffers(r.fastNet).forEach((p, b) => expectSameBits(p, rp[b], `parameter buffer ${b}`));
  expectSameBits(r.fast.history.map((h) => h.loss), r.ref.history.map((h) => h.loss), 'epoch loss');
  expect(r.fast.optimizer.getState()).toEqual(r.ref.optimizer.getState());
  expect(r.fast.bestEpoch).toBe(r.ref.bestEpoch);
  expect(r.fast.stoppedByCallback).toBe(r.ref.stoppedByCallback);
}

/**
 * Trains a fresh `makeNet()` with each kernel choice until it diverges: both must throw the same
 * DivergenceError (same epoch) and leave the same restored weights.
 */
export function expectSameDivergence(makeNet: () => Network, data: Dataset, options: Omit<FitOptions, 'rng' | 'kernels'>): void {
  const outcomes = (['fast', 'reference'] as const).map((kernels) => {
    const net = makeNet();
    try {
      fit(net, data, { ...options, rng: createRng(1), kernels });
      return { net, message: 'no error' };
    } catch (e) {
      expect(e).toBeInstanceOf(DivergenceError);
      return { net, message: (e as Error).message };
    }
  });
  expect(outcomes[0].message).toMatch(/diverged at epoch \d+/);
  expect(outcomes[0].message).toBe(outcomes[1].message);
  const restored = parameterBuffers(outcomes[1].net);
  parameterBuffers(outcomes[0].net).forEach((p, b) => expectSameBits(p, restored[b], `restored ${b}`));
}
