/**
 * `fit` has fast paths (a written-out 2-2-1 epoch, register-blocked dense kernels) that promise the
 * reference loop's results bit for bit; and a checkpoint state that promises resuming gives the
 * same bytes as never stopping. Both promises, checked on random configurations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fit } from '../../src/train/fit.js';
import type { Dataset, FitOptions } from '../../src/train/fit.js';
import { createRng } from '../../src/math/rng.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import type { RefActivation, RefLayer } from '../nn/reference.js';
import { flat, testRandom, toNetwork, toRefLayers } from '../nn/bridge.js';

const ACTS: RefActivation[] = ['sigmoid', 'tanh', 'relu', 'linear', 'leaky_relu', 'softplus'];

const configArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e9 }),
  // Half the cases are the notes' 2-2-1 sigmoid/BCE network, which has its own fast path.
  net221: fc.boolean(),
  inputs: fc.integer({ min: 1, max: 11 }),
  hidden: fc.array(fc.record({ width: fc.integer({ min: 1, max: 12 }), activation: fc.constantFrom(...ACTS) }), { maxLength: 2 }),
  loss: fc.constantFrom<'bce' | 'mse'>('bce', 'mse'),
  outputActivation: fc.constantFrom(...ACTS),
  rows: fc.integer({ min: 1, max: 40 }),
  batch: fc.oneof(fc.constant<'full'>('full'), fc.integer({ min: 1, max: 16 })),
  shuffle: fc.boolean(),
  optimizer: fc.constantFrom<'sgd' | 'momentum' | 'adam'>('sgd', 'momentum', 'adam'),
  l2: fc.constantFrom(0, 0.01),
  weighted: fc.boolean(),
  epochs: fc.integer({ min: 1, max: 4 }),
});
type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function setup(c: Config): { layers: RefLayer[]; lossName: 'bce' | 'mse'; data: Dataset } {
  const rand = testRandom(c.seed);
  const inputs = c.net221 ? 2 : c.inputs;
  const hidden = c.net221 ? [{ width: 2, activation: 'sigmoid' as const }] : c.hidden;
  const lossName = c.net221 ? 'bce' : c.loss;
  const outAct = lossName === 'bce' ? 'sigmoid' : c.outputActivation;
  const widths = [inputs, ...hidden.map((h) => h.width), 1];
  const acts = [...hidden.map((h) => h.activation), outAct];
  const layers: RefLayer[] = acts.map((activation, l) => ({
    activation,
    weights: Array.from({ length: widths[l + 1] }, () => Array.from({ length: widths[l] }, () => 2 * rand() - 1)),
    bias: Array.from({ length: widths[l + 1] }, () => rand() - 0.5),
  }));
  const X = Array.from({ length: c.rows }, () => Array.from({ length: inputs }, () => 4 * rand() - 2));
  const Y = X.map(() => [rand() < 0.5 ? 0 : 1]);
  const data: Dataset = {
    X: flat(X), Y: flat(Y), n: c.rows,
    sampleWeight: c.weighted ? Float64Array.from(X, () => 0.5 + rand()) : undefined,
  };
  return { layers, lossName, data };
}

function options(c: Config, extra: Partial<FitOptions> = {}): FitOptions {
  return {
    epochs: c.epochs, batchSize: c.batch, shuffle: c.shuffle, optimizer: optimizerConfig(c.optimizer, 0.05),
    rng: createRng(c.seed), l2: c.l2, ...extra,
  };
}

describe('fit fast paths equal the reference loop bit for bit', () => {
  it('random nets (half 2-2-1 sigmoid/BCE, else widths 1–12 across the 4×2 kernel blocks), 1–40 rows, batch full or 1–16, shuffle, sgd/momentum/adam, l2, sample weights (fast-check seed 4242, 150 runs)', () => {
    fc.assert(fc.property(configArb, (c) => {
      const { layers, lossName, data } = setup(c);
      const fast = toNetwork(layers, lossName);
      const reference = toNetwork(layers, lossName);
      const a = fit(fast, data, options(c, { kernels: 'fast' }));
      const b = fit(reference, data, options(c, { kernels: 'reference' }));
      expect(toRefLayers(fast)).toEqual(toRefLayers(reference));
      expect(a.history).toEqual(b.history);
      expect(a.optimizer.getState()).toEqual(b.optimizer.getState());
    }), { seed: 4242, numRuns: 150 });
  });
});

describe('fit resumes from its state bit for bit', () => {
  for (const kernels of ['fast', 'reference'] as const) {
    it(`[kernels=${kernels}] 12 epochs straight = 5 epochs, then resume to 12 (adam, batch 4, shuffled, validation + patience 50) on 2-2-1 and 3-5tanh-1`, () => {
      for (const net221 of [true, false]) {
        const c: Config = {
          seed: 17, net221, inputs: 3, hidden: [{ width: 5, activation: 'tanh' }], loss: 'bce', outputActivation: 'sigmoid',
          rows: 30, batch: 4, shuffle: true, optimizer: 'adam', l2: 0.01, weighted: false, epochs: 12,
        };
        const { layers, lossName, data } = setup(c);
        const validation: Dataset = { X: data.X.slice(0, 10 * (net221 ? 2 : 3)), Y: data.Y.slice(0, 10).map((y) => 1 - y), n: 10 };
        const extra = { kernels, validation, patience: 50 };

        const straight = toNetwork(layers, lossName);
        const whole = fit(straight, data, options(c, extra));

        const first = toNetwork(layers, lossName);
        const part = fit(first, data, options({ ...c, epochs: 5 }, extra));
        const state = JSON.parse(JSON.stringify(part.state));
        // A fresh network holding the checkpoint's parameters, and a generator seeded differently.
        const second = toNetwork(toRefLayers(first), lossName);
        const rest = fit(second, data, { ...options(c, extra), rng: createRng(999), resume: state });

        expect(toRefLayers(second)).toEqual(toRefLayers(straight));
        expect(rest.history).toEqual(whole.history);
        expect(rest.bestEpoch).toBe(whole.bestEpoch);
      }
    });
  }
});
