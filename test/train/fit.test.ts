/**
 * The training loop against plainly written gradient descent: Net 2's full-batch trajectory,
 * mini-batches in order, L2 and sample weights against finite differences of the penalised /
 * weighted loss, early stopping that keeps the best weights, the divergence guard, the callback.
 */
import { describe, expect, it } from 'vitest';
import { fit, DivergenceError } from '../../src/train/fit.js';
import type { Dataset, FitOptions } from '../../src/train/fit.js';
import type { Network } from '../../src/math/network.js';
import { createRng } from '../../src/math/rng.js';
import { parameterBuffers } from '../../src/math/network.js';
import type { RefLayer } from '../nn/reference.js';
import { centralDifference, closeMixed, paramRefs, refLoss } from '../nn/reference.js';
import { flat, testRandom, toNetwork, toRefLayers } from '../nn/bridge.js';
import { P0, ROWS, expectParamsClose, namedParams, net2Layers, plainStep } from '../fixtures/net2.js';

function dataset(rows: number[][]): Dataset {
  return { X: flat(rows.map((r) => [r[0], r[1]])), Y: flat(rows.map((r) => [r[2]])), n: rows.length };
}

for (const kernels of ['fast', 'reference'] as const) {
  const fitK = (net: Network, data: Dataset, options: FitOptions) => fit(net, data, { ...options, kernels });

  describe(`[kernels=${kernels}] fit: full-batch gradient descent of Net 2 equals the plain scalar loop`, () => {
    for (const eta of [0.5, 2]) {
      it(`100 steps, sgd η=${eta}, 12 rows, batchSize 'full': every weight and every epoch loss to 1e-12`, () => {
        const net = toNetwork(net2Layers(P0), 'bce');
        const result = fitK(net, dataset(ROWS), {
          epochs: 100, batchSize: 'full', optimizer: { name: 'sgd', lr: eta }, rng: createRng(1),
        });
        const plain = { ...P0 };
        const losses = Array.from({ length: 100 }, () => plainStep(plain, ROWS, eta));
        expectParamsClose(namedParams(toRefLayers(net)), plain, 1e-12);
        expect(result.history).toHaveLength(100);
        result.history.forEach((rec, i) => {
          expect(rec.epoch).toBe(i + 1);
          if (!closeMixed(rec.loss, losses[i], 1e-12)) throw new Error(`epoch ${i + 1} loss ${rec.loss} vs ${losses[i]}`);
        });
        // It learned something: the loss fell.
        expect(losses[99]).toBeLessThan(losses[0]);
      });
    }

    it('shuffle has no effect on a full batch: two different rng seeds give identical weights', () => {
      const a = toNetwork(net2Layers(P0), 'bce');
      const b = toNetwork(net2Layers(P0), 'bce');
      fitK(a, dataset(ROWS), { epochs: 20, batchSize: 'full', optimizer: { name: 'sgd', lr: 1 }, rng: createRng(1) });
      fitK(b, dataset(ROWS), { epochs: 20, batchSize: 'full', optimizer: { name: 'sgd', lr: 1 }, rng: createRng(2) });
      expect(toRefLayers(a)).toEqual(toRefLayers(b));
    });

    it('mini-batches of 5 without shuffling (5, 5, 2 rows), 30 epochs, sgd η=0.7: equals the plain loop over consecutive batches', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      fitK(net, dataset(ROWS), { epochs: 30, batchSize: 5, shuffle: false, optimizer: { name: 'sgd', lr: 0.7 }, rng: createRng(1) });
      const plain = { ...P0 };
      for (let e = 0; e < 30; e++) {
        for (let s = 0; s < ROWS.length; s += 5) plainStep(plain, ROWS.slice(s, s + 5), 0.7);
      }
      expectParamsClose(namedParams(toRefLayers(net)), plain, 1e-12);
    });

    it('shuffled mini-batches (batch 3): same seed same weights, different seed different weights', () => {
      const run = (seed: number) => {
        const net = toNetwork(net2Layers(P0), 'bce');
        fitK(net, dataset(ROWS), { epochs: 10, batchSize: 3, optimizer: { name: 'sgd', lr: 0.5 }, rng: createRng(seed) });
        return toRefLayers(net);
      };
      expect(run(5)).toEqual(run(5));
      expect(run(5)).not.toEqual(run(6));
    });
  });

  describe(`[kernels=${kernels}] fit: L2 and sample weights step along the gradient of the penalised / weighted loss`, () => {
    const layers: RefLayer[] = [
      { activation: 'tanh', weights: [[0.5, -0.3], [0.8, 0.1], [-0.6, 0.7]], bias: [0.2, -0.1, 0.05] },
      { activation: 'sigmoid', weights: [[1.1, -0.9, 0.4]], bias: [-0.2] },
    ];
    const rand = testRandom(3);
    const X = Array.from({ length: 9 }, () => [4 * rand() - 2, 4 * rand() - 2]);
    const Y = X.map(() => [rand() < 0.5 ? 0 : 1]);
    const eta = 0.1;

    /** One full-batch sgd step through fit; returns (θ0 − θ1)/η per parameter, in paramRefs order. */
    function impliedGradient(options: { l2?: number; sampleWeight?: number[] }): number[] {
      const net = toNetwork(layers, 'bce');
      const data: Dataset = { X: flat(X), Y: flat(Y), n: X.length, sampleWeight: options.sampleWeight ? Float64Array.from(options.sampleWeight) : undefined };
      fitK(net, data, { epochs: 1, batchSize: 'full', optimizer: { name: 'sgd', lr: eta }, rng: createRng(1), l2: options.l2 });
      const after = toRefLayers(net);
      return paramRefs(layers).map((p) => {
        const before = p.kind === 'weights' ? layers[p.layer].weights[p.j][p.i] : layers[p.layer].bias[p.j];
        const now = p.kind === 'weights' ? after[p.layer].weights[p.j][p.i] : after[p.layer].bias[p.j];
        return (before - now) / eta;
      });
    }

    it('l2 λ=0.3: the step is the gradient of L + (λ/2)·Σ W² (weights only, biases not decayed), by finite differences', () => {
      const lambda = 0.3;
      const penalised = (ls: RefLayer[]) =>
        refLoss(ls, 'bce', X, Y) + (lambda / 2) * ls.reduce((s, l) => s + l.weights.flat().reduce((t, w) => t + w * w, 0), 0);
      const got = impliedGradient({ l2: lambda });
      paramRefs(layers).forEach((p, k) => {
        const fd = centralDifference(layers, p, penalised);
        if (!closeMixed(got[k], fd, 1e-6)) throw new Error(`${JSON.stringify(p)}: fit step ${got[k]} vs fd ${fd}`);
      });
      // And it differs from the unpenalised step by λ·W exactly where W is a weight.
      const plain = impliedGradient({});
      paramRefs(layers).forEach((p, k) => {
        const want = p.kind === 'weights' ? lambda * layers[p.layer].weights[p.j][p.i] : 0;
        expect(got[k] - plain[k]).toBeCloseTo(want, 12);
      });
    });

    it('sample weights [0.5, 2, 1, 3, 0.25, 1, 1.5, 0.75, 2.5]: the step is the gradient of Σ wᵣ·Lᵣ / n, by finite differences', () => {
      const sw = [0.5, 2, 1, 3, 0.25, 1, 1.5, 0.75, 2.5];
      const got = impliedGradient({ sampleWeight: sw });
      paramRefs(layers).forEach((p, k) => {
        const fd = centralDifference(layers, p, (ls) => refLoss(ls, 'bce', X, Y, sw));
        if (!closeMixed(got[k], fd, 1e-6)) throw new Error(`${JSON.stringify(p)}: fit step ${got[k]} vs fd ${fd}`);
      });
    });

    it('sample weights survive shuffled mini-batches: batch 1, weight 0 on every row but one = training on that row alone', () => {
      const sw = X.map((_, r) => (r === 4 ? 1 : 0));
      const a = toNetwork(layers, 'bce');
      fitK(a, { X: flat(X), Y: flat(Y), n: X.length, sampleWeight: Float64Array.from(sw) },
        { epochs: 3, batchSize: 1, optimizer: { name: 'sgd', lr: eta }, rng: createRng(9) });
      const b = toNetwork(layers, 'bce');
      fitK(b, { X: flat([X[4]]), Y: flat([Y[4]]), n: 1 }, { epochs: 3, batchSize: 1, optimizer: { name: 'sgd', lr: eta }, rng: createRng(9) });
      const ra = toRefLayers(a).flatMap((l) => [...l.weights.flat(), ...l.bias]);
      const rb = toRefLayers(b).flatMap((l) => [...l.weights.flat(), ...l.bias]);
      ra.forEach((v, k) => expect(v).toBeCloseTo(rb[k], 14));
    });
  });

  describe(`[kernels=${kernels}] fit: validation, early stopping, callback, divergence`, () => {
    it('patience 3 on a validation set with flipped labels: stops 3 epochs after the best and restores the best weights', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      const flipped = dataset(ROWS.map(([a, b, y]) => [a, b, 1 - y]));
      const snapshots = new Map<number, number[]>();
      const params = parameterBuffers(net);
      const result = fitK(net, dataset(ROWS), {
        epochs: 200, batchSize: 'full', optimizer: { name: 'sgd', lr: 1 }, rng: createRng(1),
        validation: flipped, patience: 3,
        onEpoch: (rec) => { snapshots.set(rec.epoch, params.flatMap((p) => Array.from(p))); },
      });
      expect(result.stoppedEarly).toBe(true);
      const valLosses = result.history.map((r) => r.valLoss as number);
      const best = valLosses.indexOf(Math.min(...valLosses)) + 1;
      expect(result.bestEpoch).toBe(best);
      expect(result.history).toHaveLength(best + 3);
      expect(params.flatMap((p) => Array.from(p))).toEqual(snapshots.get(best));
      // The restored weights are not simply the last ones.
      expect(snapshots.get(best)).not.toEqual(snapshots.get(best + 3));
    });

    it('onEpoch returning "stop" at epoch 4 ends training after epoch 4', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      const seen: number[] = [];
      const result = fitK(net, dataset(ROWS), {
        epochs: 50, batchSize: 'full', optimizer: { name: 'sgd', lr: 1 }, rng: createRng(1),
        onEpoch: (rec) => { seen.push(rec.epoch); return rec.epoch === 4 ? 'stop' : undefined; },
      });
      expect(seen).toEqual([1, 2, 3, 4]);
      expect(result.stoppedByCallback).toBe(true);
      expect(result.history).toHaveLength(4);
    });

    it('a linear MSE model with η=50 diverges: DivergenceError names the epoch, the net keeps its last finite weights', () => {
      const layers: RefLayer[] = [{ activation: 'linear', weights: [[0.5, -0.5]], bias: [0.1] }];
      const net = toNetwork(layers, 'mse');
      let lastEpoch = 0;
      let error: unknown;
      try {
        fitK(net, dataset(ROWS), {
          epochs: 10_000, batchSize: 'full', optimizer: { name: 'sgd', lr: 50 }, rng: createRng(1),
          onEpoch: (rec) => { lastEpoch = rec.epoch; },
        });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DivergenceError);
      const e = error as DivergenceError;
      expect(e.epoch).toBe(lastEpoch + 1);
      expect(e.message).toContain(`epoch ${lastEpoch + 1}`);
      expect(e.message).toContain('50');
      expect(parameterBuffers(net).every((p) => Array.from(p).every(Number.isFinite))).toBe(true);
    });

    it('shouldStop true after the 3rd step (batch 1, no shuffle): exactly 3 sgd steps are taken, then fit returns', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      let calls = 0;
      const result = fitK(net, dataset(ROWS), {
        epochs: 5, batchSize: 1, shuffle: false, optimizer: { name: 'sgd', lr: 0.5 }, rng: createRng(1),
        shouldStop: () => ++calls >= 3,
      });
      const plain = { ...P0 };
      for (let r = 0; r < 3; r++) plainStep(plain, ROWS.slice(r, r + 1), 0.5);
      expectParamsClose(namedParams(toRefLayers(net)), plain, 1e-12);
      expect(calls).toBe(3);
      expect(result.stoppedByCallback).toBe(true);
    });

    it('training needs at least one row: n = 0 throws', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      expect(() => fitK(net, { X: new Float64Array(0), Y: new Float64Array(0), n: 0 }, {
        epochs: 1, batchSize: 'full', optimizer: { name: 'sgd', lr: 1 }, rng: createRng(1),
      })).toThrow(/at least one row/);
    });

    it('a single row, batch size larger than the data (32 > 1): trains as one full batch', () => {
      const net = toNetwork(net2Layers(P0), 'bce');
      fitK(net, dataset(ROWS.slice(0, 1)), { epochs: 5, batchSize: 32, optimizer: { name: 'sgd', lr: 0.5 }, rng: createRng(1) });
      const plain = { ...P0 };
      for (let e = 0; e < 5; e++) plainStep(plain, ROWS.slice(0, 1), 0.5);
      expectParamsClose(namedParams(toRefLayers(net)), plain, 1e-12);
    });
  });
}
