/**
 * Resume at the edges of early stopping: a checkpoint written at every epoch, resumed from each
 * one, must end where the uninterrupted run ended — in particular from the checkpoint of the very
 * epoch at which patience ran out (the run stops there; a resume must not train one more epoch).
 */
import { describe, expect, test } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import type { Network } from '../../src/math/network.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { FitOptions, FitState } from '../../src/train/fit.js';

function dataset(n: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 2] = rng.normal();
    X[i * 2 + 1] = rng.normal();
    Y[i] = X[i * 2] + 0.8 * rng.normal() > 0 ? 1 : 0;
  }
  return { X, Y, n };
}
const bits = (net: Network) => parameterBuffers(net).map((b) => Array.from(b));

describe('resume around early stopping', () => {
  test('adam lr 0.3 with patience 2 stops early; resuming from every epoch\'s checkpoint ends identically', () => {
    const train = dataset(60, 1);
    const validation = dataset(30, 2);
    const base = createNetwork({ inputs: 2, hidden: [6], activation: 'tanh' }, createRng(3));
    const options = (): FitOptions => ({
      epochs: 200, batchSize: 8, optimizer: optimizerConfig('adam', 0.3), rng: createRng(4), validation, patience: 2,
    });
    const straight = cloneNetwork(base);
    const full = fit(straight, train, options());
    expect(full.stoppedEarly).toBe(true);
    const stop = full.history.length;

    const saved: { state: FitState; params: number[][] }[] = [];
    const recorder = cloneNetwork(base);
    fit(recorder, train, {
      ...options(), checkpointEvery: 1,
      onCheckpoint: (state) => saved.push({ state: JSON.parse(JSON.stringify(state)), params: bits(recorder) }),
    });
    expect(saved.length).toBeGreaterThan(0);
    for (const { state, params } of saved) {
      const net = cloneNetwork(base);
      parameterBuffers(net).forEach((b, i) => b.set(params[i]));
      const rest = fit(net, train, { ...options(), resume: state });
      expect({ from: state.epoch, epochs: rest.history.length, bestEpoch: rest.bestEpoch }).toEqual({ from: state.epoch, epochs: stop, bestEpoch: full.bestEpoch });
      expect(bits(net)).toEqual(bits(straight));
    }
  });
});
