import { describe, expect, test } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import type { Network } from '../../src/math/network.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { FitOptions, FitState } from '../../src/train/fit.js';

function dataset(n: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * 3);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) X[i * 3 + j] = rng.normal();
    Y[i] = X[i * 3] * X[i * 3 + 1] + 0.3 * rng.normal() > 0 ? 1 : 0;
  }
  return { X, Y, n };
}

const bits = (net: Network) => parameterBuffers(net).map((b) => Array.from(b));

describe('checkpoint and resume', () => {
  for (const name of ['sgd', 'momentum', 'adam'] as OptimizerName[]) {
    for (const withVal of [false, true]) {
      test(`${name}${withVal ? ' with validation and patience' : ''}: resuming at epoch 7 of 20 equals an uninterrupted run bit for bit`, () => {
        const train = dataset(120, 1);
        const validation = withVal ? dataset(40, 2) : undefined;
        const base = createNetwork({ inputs: 3, hidden: [5, 3], activation: 'tanh' }, createRng(3));
        const options = (): FitOptions => ({
          epochs: 20, batchSize: 16, optimizer: optimizerConfig(name, name === 'adam' ? 0.01 : 0.1),
          rng: createRng(9), validation, patience: withVal ? 50 : undefined,
        });

        const straight = cloneNetwork(base);
        const full = fit(straight, train, options());

        const first = cloneNetwork(base);
        let saved: { state: FitState; params: number[][] } | undefined;
        fit(first, train, {
          ...options(),
          checkpointEvery: 7,
          onCheckpoint: (state) => {
            if (!saved) saved = { state: JSON.parse(JSON.stringify(state)), params: bits(first) };
          },
          onEpoch: (r) => (r.epoch === 10 ? 'stop' : undefined), // the "crash" after the checkpoint
        });
        expect(saved?.state.epoch).toBe(7);

        const resumed = cloneNetwork(base);
        parameterBuffers(resumed).forEach((b, i) => b.set(saved!.params[i]));
        const rest = fit(resumed, train, { ...options(), resume: saved!.state });

        expect(bits(resumed)).toEqual(bits(straight));
        expect(rest.history).toEqual(full.history);
        expect(rest.history).toHaveLength(20);
      });
    }
  }

  test('shouldStop ends training after the current step', () => {
    const train = dataset(64, 4);
    const net = createNetwork({ inputs: 3, hidden: [2] }, createRng(1));
    let steps = 0;
    const result = fit(net, train, {
      epochs: 5, batchSize: 8, optimizer: optimizerConfig('sgd', 0.1), rng: createRng(2),
      shouldStop: () => ++steps === 3,
    });
    expect(steps).toBe(3);
    expect(result.stoppedByCallback).toBe(true);
    expect(result.history).toHaveLength(1);
  });
});
