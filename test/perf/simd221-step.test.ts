/**
 * The one-sample SGD loop of the 2-2-1 net (runFused) in WebAssembly (simd221Steps.ts): `fit` with
 * batch 1 through it leaves the reference bytes (weights, loss history, optimizer state with its
 * step count), shuffled or not, on several seeds and data sets, with |z| ~ 1000; it stops at the
 * same step as the reference on an overflow and on shouldStop; and the JS loop it replaces gives
 * the same bytes with the WebAssembly path off.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import type { Network } from '../../src/math/network.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import { createOptimizer, optimizerConfig } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { Dataset } from '../../src/train/fit.js';
import { createSimd221Steps, setSimd221Enabled, simd221Available, simd221Enabled } from '../../src/accel/simd221.js';
import { expectSameBits, expectSameDivergence, expectSameTraining, runBoth } from './same-bits.js';

function dataset(rng: Rng, n: number, scale = 2): Dataset {
  const X = Float64Array.from({ length: 2 * n }, () => (2 * rng.next() - 1) * scale);
  const Y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
  return { X, Y, n };
}

/** XOR's four corners repeated: the notes' data set. */
function xor(copies: number): Dataset {
  const X = new Float64Array(8 * copies), Y = new Float64Array(4 * copies);
  for (let i = 0; i < 4 * copies; i++) {
    X[2 * i] = i & 1; X[2 * i + 1] = (i >> 1) & 1; Y[i] = (i & 1) ^ ((i >> 1) & 1);
  }
  return { X, Y, n: 4 * copies };
}

const net221 = (seed: number) => createNetwork({ inputs: 2, hidden: [2] }, createRng(seed));
/** First-layer weights ×1000 on inputs near 1e308: z overflows within a few steps. */
const overflowingNet = (): Network => {
  const net = net221(8);
  for (let i = 0; i < 4; i++) net.layers[0].weights[i] *= 1000;
  return net;
};

/** Runs `body` with the WebAssembly path on (and checks it is), then restores it. */
function withSimd(on: boolean, body: () => void): void {
  setSimd221Enabled(on);
  try {
    expect(simd221Enabled()).toBe(on);
    body();
  } finally {
    setSimd221Enabled(true);
  }
}

describe('2-2-1 one-sample SGD in WebAssembly gives the reference bytes', () => {
  it('runs here: the kernel is available', () => {
    expect(simd221Available()).toBe(true);
  });

  const cases: { name: string; data: () => Dataset; net: number; seed: number; lr: number; epochs: number; shuffle: boolean }[] = [
    { name: 'XOR ×25, lr 0.5, unshuffled, 40 epochs', data: () => xor(25), net: 1, seed: 1, lr: 0.5, epochs: 40, shuffle: false },
    { name: 'XOR ×25, lr 0.5, shuffled, 40 epochs', data: () => xor(25), net: 2, seed: 2, lr: 0.5, epochs: 40, shuffle: true },
    { name: '1,000 uniform rows in [−2, 2], lr 0.5, unshuffled', data: () => dataset(createRng(11), 1000), net: 3, seed: 3, lr: 0.5, epochs: 5, shuffle: false },
    { name: '1,000 uniform rows in [−2, 2], lr 0.1, shuffled', data: () => dataset(createRng(12), 1000), net: 4, seed: 4, lr: 0.1, epochs: 5, shuffle: true },
    { name: '333 rows, lr 3 (large steps), shuffled', data: () => dataset(createRng(13), 333), net: 5, seed: 5, lr: 3, epochs: 8, shuffle: true },
    { name: '|z| ~ 1000 (inputs ×500), lr 0.05, unshuffled', data: () => dataset(createRng(14), 200, 500), net: 6, seed: 6, lr: 0.05, epochs: 6, shuffle: false },
    { name: '|z| ~ 1000 (inputs ×500), lr 0.05, shuffled', data: () => dataset(createRng(15), 200, 500), net: 7, seed: 7, lr: 0.05, epochs: 6, shuffle: true },
    { name: 'a single row, 50 epochs', data: () => dataset(createRng(16), 1), net: 8, seed: 8, lr: 0.5, epochs: 50, shuffle: true },
  ];
  for (const simd of [true, false]) for (const v of cases) {
    it(`${simd ? 'WebAssembly' : 'JS loop (toggle off)'}: ${v.name}`, () => withSimd(simd, () => {
      const r = runBoth(net221(v.net), v.data(), {
        epochs: v.epochs, batchSize: 1, optimizer: optimizerConfig('sgd', v.lr), shuffle: v.shuffle,
      }, v.seed);
      expectSameTraining(r);
      expect(r.fast.history).toHaveLength(v.epochs);
      expect(r.fast.optimizer.getState().step).toBe(v.epochs * v.data().n);
    }));
  }

  it('first-layer weights ×400: e^{−|z|} in the subnormals and 0, same bytes', () => {
    const net = net221(9);
    for (const w of [net.layers[0].weights, net.layers[0].bias]) for (let i = 0; i < w.length; i++) w[i] *= 400;
    expectSameTraining(runBoth(net, dataset(createRng(17), 300), { epochs: 4, batchSize: 1, optimizer: optimizerConfig('sgd', 0.5) }, 10));
  });

  it('a caller-built SGD optimizer: its step count advances as the reference\'s', () => {
    const net = net221(10), data = dataset(createRng(18), 100);
    const shapes = parameterBuffers(net).map((p) => p.length);
    const run = (kernels: 'fast' | 'reference') => {
      const copy = cloneNetwork(net);
      const optimizer = createOptimizer(optimizerConfig('sgd', 0.5), shapes);
      optimizer.setState({ step: 7, moments: [] });
      fit(copy, data, { epochs: 3, batchSize: 1, optimizer, rng: createRng(1), kernels });
      return { copy, state: optimizer.getState() };
    };
    const fast = run('fast'), ref = run('reference');
    expect(fast.state).toEqual({ step: 307, moments: [] });
    expect(fast.state).toEqual(ref.state);
    parameterBuffers(fast.copy).forEach((p, b) => expectSameBits(p, parameterBuffers(ref.copy)[b], `parameter buffer ${b}`));
  });

  for (const simd of [true, false]) {
    it(`an overflowing loss (inputs near 1e308): both paths stop in the same epoch with the same restored weights (${simd ? 'WebAssembly' : 'JS loop'})`, () => withSimd(simd, () => {
      expectSameDivergence(overflowingNet, dataset(createRng(2), 80, 1e308), { epochs: 20, batchSize: 1, optimizer: optimizerConfig('sgd', 0.5) });
    }));
  }

  for (const after of [1, 3, 10_000]) for (const shuffle of [false, true]) {
    it(`shouldStop true after step ${after} (${shuffle ? 'shuffled' : 'unshuffled'}, 4,000 rows × 5 epochs): same step, bytes, step count`, () => {
      const data = dataset(createRng(19), 4000);
      let fastCalls = 0, refCalls = 0;
      const fastNet = net221(11), refNet = net221(11);
      const options = { epochs: 5, batchSize: 1, optimizer: optimizerConfig('sgd', 0.5), shuffle };
      const fast = fit(fastNet, data, { ...options, rng: createRng(3), kernels: 'fast', shouldStop: () => ++fastCalls === after });
      const ref = fit(refNet, data, { ...options, rng: createRng(3), kernels: 'reference', shouldStop: () => ++refCalls === after });
      expect(fastCalls).toBe(after);
      expect(refCalls).toBe(after);
      expectSameTraining({ fastNet, refNet, fast, ref });
      expect(fast.optimizer.getState().step).toBe(after);
      expect(fast.stoppedByCallback).toBe(true);
      expect(fast.history).toHaveLength(Math.ceil(after / 4000));
    });
  }

  it('shouldStop sees the optimizer\'s step count already advanced for the step it follows, as in the reference', () => {
    const net = net221(12), data = dataset(createRng(20), 50);
    const shapes = parameterBuffers(net).map((p) => p.length);
    const seen = (kernels: 'fast' | 'reference') => {
      const optimizer = createOptimizer(optimizerConfig('sgd', 0.5), shapes);
      const steps: number[] = [];
      fit(cloneNetwork(net), data, {
        epochs: 2, batchSize: 1, optimizer, rng: createRng(4), kernels,
        shouldStop: () => steps.push(optimizer.getState().step) === 70,
      });
      return steps;
    };
    const fast = seen('fast');
    expect(fast).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(fast).toEqual(seen('reference'));
  });
});

describe('createSimd221Steps', () => {
  it('one epoch: returns the steps taken and the loss sum, and updates P as fit\'s reference epoch', () => {
    const net = net221(13), data = dataset(createRng(21), 257);
    const ref = cloneNetwork(net);
    const history = fit(ref, data, { epochs: 1, batchSize: 1, optimizer: optimizerConfig('sgd', 0.5), rng: createRng(1), shuffle: false, kernels: 'reference' }).history;
    const [W0, B0, W1, B1] = parameterBuffers(net);
    const P = Float64Array.of(...W0, ...B0, ...W1, ...B1);
    const steps = createSimd221Steps(data)!;
    expect(steps.run(P, new Uint32Array(data.n), false, 0.5)).toBe(257);
    expect(Object.is(steps.loss / data.n, history[0].loss)).toBe(true);
    expectSameBits(P, parameterBuffers(ref).flatMap((p) => Array.from(p)), 'P');
  });

  it('stops before the first step whose loss is not finite and leaves P as it was', () => {
    const data = dataset(createRng(22), 10);
    data.X[2 * 6] = 1e308; data.X[2 * 6 + 1] = 1e308;
    const P = Float64Array.of(1000, 1000, -1000, 1000, 0, 0, 1e300, -1e300, 0);
    const before = P.slice();
    const steps = createSimd221Steps(data)!;
    expect(steps.run(P, new Uint32Array(10), false, 0.5)).toBe(6);
    expect(steps.loss).toBeNaN();
    expectSameBits(P, before, 'P');
  });

  it('calls afterStep after each step and stops after the step where it returns true', () => {
    const data = dataset(createRng(23), 30);
    let calls = 0;
    const steps = createSimd221Steps(data)!;
    expect(steps.run(new Float64Array(9), new Uint32Array(30), false, 0.5, () => ++calls === 12)).toBe(12);
    expect(calls).toBe(12);
  });

  it('is undefined with the WebAssembly path off', () => {
    withSimd(false, () => expect(createSimd221Steps(dataset(createRng(24), 4))).toBeUndefined());
  });
});
