/**
 * The fast paths against the readable reference: `fit(..., { kernels: 'fast' })` must leave the
 * same bytes as `kernels: 'reference'` (weights, loss history, optimizer state), the blocked
 * kernels must equal the reference kernels element for element, and fastBackward's gradients must
 * equal backward's (so certainly within 1e-12 relative). Shapes are odd on purpose (remainders of
 * the 2×2 blocking) and cover every activation, both losses, sample weights, L2 and every optimizer.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { matmul, matmulTransA, matmulTransB } from '../../src/math/kernels.js';
import { gemmABt, transpose } from '../../src/accel/fastKernels.js';
import { setSimdEnabled, simdMatmul } from '../../src/accel/wasm/simdKernels.js';
import type { ActivationName } from '../../src/math/activations.js';
import { createNetwork } from '../../src/math/init.js';
import type { NetworkSpec } from '../../src/math/init.js';
import type { Network } from '../../src/math/network.js';
import { backward, cloneNetwork, createWorkspace, forward, parameterBuffers } from '../../src/math/network.js';
import { createOptimizer, optimizerConfig } from '../../src/math/optimizers.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import { createFastScratch, fastBackward, fastForward } from '../../src/accel/fastDense.js';
import { isNet221 } from '../../src/accel/fast221.js';
import { DivergenceError, fit } from '../../src/train/fit.js';
import type { Dataset } from '../../src/train/fit.js';
import { expectSameBits, runBoth, expectSameTraining } from './same-bits.js';

function randomArray(rng: Rng, len: number, scale = 1): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = (2 * rng.next() - 1) * scale;
  return a;
}

function dataset(rng: Rng, n: number, k: number, m: number, opts: { weights?: boolean; soft?: boolean } = {}): Dataset {
  const X = randomArray(rng, n * k, 2);
  const Y = new Float64Array(n * m);
  for (let i = 0; i < Y.length; i++) Y[i] = opts.soft ? rng.next() : rng.next() < 0.5 ? 0 : 1;
  const sampleWeight = opts.weights ? Float64Array.from({ length: n }, () => 0.25 + 2 * rng.next()) : undefined;
  return { X, Y, n, sampleWeight };
}

describe('blocked kernels equal the reference kernels bit for bit', () => {
  for (const [m, k, n] of [[1, 1, 1], [5, 3, 7], [8, 12, 64], [7, 13, 1], [2, 1, 9], [9, 600, 29]]) {
    it(`gemmABt as matmulTransB, matmulTransA and matmul at m=${m} k=${k} n=${n}`, () => {
      const rng = createRng(m * 100 + k * 10 + n);
      const A = randomArray(rng, m * k);
      const B = randomArray(rng, n * k);
      A[0] = 0; // a zero the reference skips in its accumulating kernels
      const ref = new Float64Array(m * n);
      const fast = new Float64Array(m * n).fill(Number.NaN);
      matmulTransB(ref, A, B, m, k, n);
      gemmABt(fast, A, B, m, k, n);
      expectSameBits(fast, ref, 'A·Bᵀ');

      // dW = Aᵀ·C with A [m×k] and C [m×n], through transposes.
      const C = randomArray(rng, m * n);
      const refT = new Float64Array(k * n);
      matmulTransA(refT, A, C, m, k, n);
      const AT = new Float64Array(k * m), CT = new Float64Array(n * m);
      transpose(AT, A, m, k);
      transpose(CT, C, m, n);
      const fastT = new Float64Array(k * n);
      gemmABt(fastT, AT, CT, k, m, n);
      expectSameBits(fastT, refT, 'Aᵀ·C');

      // dX = A·D with D [k×n], through Dᵀ.
      const D = randomArray(rng, k * n);
      const refM = new Float64Array(m * n);
      matmul(refM, A, D, m, k, n);
      const DT = new Float64Array(n * k);
      transpose(DT, D, k, n);
      const fastM = new Float64Array(m * n);
      gemmABt(fastM, A, DT, m, k, n);
      expectSameBits(fastM, refM, 'A·D');
    });
  }
});

describe('the WebAssembly SIMD matmul equals the reference matmul bit for bit', () => {
  it('assembles and validates in this engine (Node 20 has WebAssembly SIMD)', () => {
    expect(simdMatmul).toBeDefined();
  });
  for (const [m, k, n] of [[1, 1, 1], [4, 3, 4], [7, 5, 9], [256, 64, 64], [64, 256, 12], [5, 0, 4], [13, 600, 29], [8, 2, 1]]) {
    it(`A·M at m=${m} k=${k} n=${n} (4×4 blocks and ragged edges)`, () => {
      const rng = createRng(m * 7 + k * 3 + n);
      const A = randomArray(rng, m * k);
      const M = randomArray(rng, k * n);
      if (A.length > 0) A[0] = 0;
      const ref = new Float64Array(m * n);
      matmul(ref, A, M, m, k, n);
      const got = new Float64Array(m * n).fill(Number.NaN);
      expect(simdMatmul!(got, A, M, m, k, n)).toBe(true);
      expectSameBits(got, ref, 'A·M');
    });
  }
});

describe('the SIMD matmul in chunks of rows', () => {
  it('20,000 × 120 · 120 × 8 goes through in several chunks and keeps the bytes', () => {
    const rng = createRng(77);
    const [m, k, n] = [20_000, 120, 8];
    const A = randomArray(rng, m * k);
    const M = randomArray(rng, k * n);
    const ref = new Float64Array(m * n);
    matmul(ref, A, M, m, k, n);
    const got = new Float64Array(m * n);
    expect(simdMatmul!(got, A, M, m, k, n)).toBe(true);
    expectSameBits(got, ref, 'A·M');
  });

  it('declines (returns false) when M alone exceeds its memory budget, so the caller falls back', () => {
    const k = 3000, n = 800; // 2.4M doubles > the 2M-double budget
    const out = new Float64Array(4 * n);
    expect(simdMatmul!(out, new Float64Array(4 * k), new Float64Array(k * n), 4, k, n)).toBe(false);
  });
});

describe('fastForward/fastBackward give the reference gradients', () => {
  const cases: { name: string; spec: NetworkSpec; n: number; weights?: boolean }[] = [
    { name: '12-64-64-1 relu, bce', spec: { inputs: 12, hidden: [64, 64], activation: 'relu' }, n: 33 },
    { name: '3-5-4-2 tanh, bce, sample weights', spec: { inputs: 3, hidden: [5, 4], activation: 'tanh', outputs: 2 }, n: 9, weights: true },
    { name: '4-7-1 sigmoid, mse on a linear output', spec: { inputs: 4, hidden: [7], outputActivation: 'linear', loss: 'mse' }, n: 10 },
    { name: '1-3-1 linear hidden, mse on a sigmoid output', spec: { inputs: 1, hidden: [3], activation: 'linear', loss: 'mse' }, n: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const rng = createRng(7);
      const net = createNetwork(c.spec, rng);
      const m = c.spec.outputs ?? 1;
      const data = dataset(rng, c.n, c.spec.inputs, m, { weights: c.weights, soft: true });
      const refWs = createWorkspace(net, c.n);
      const fastWs = createWorkspace(net, c.n);
      const refOut = forward(net, data.X, c.n, refWs);
      const scratch = createFastScratch(net, c.n);
      const fastOut = fastForward(net, data.X, c.n, fastWs, scratch);
      expectSameBits(fastOut, refOut, 'output');
      backward(net, data.X, data.Y, c.n, refWs, data.sampleWeight);
      fastBackward(net, data.X, data.Y, c.n, fastWs, scratch, data.sampleWeight);
      net.layers.forEach((_, l) => {
        expectSameBits(fastWs.grads.weights[l], refWs.grads.weights[l], `dW[${l}]`);
        expectSameBits(fastWs.grads.bias[l], refWs.grads.bias[l], `db[${l}]`);
      });
      // Not vacuous: the gradients are non-trivial.
      expect(Math.max(...refWs.grads.weights[0].map(Math.abs))).toBeGreaterThan(1e-6);
    });
  }
});

describe('fit with fast kernels leaves the reference bytes', () => {
  const net221 = (seed: number) => createNetwork({ inputs: 2, hidden: [2] }, createRng(seed));

  it('routes the notes\' 2-2-1 network to the written-out path', () => {
    expect(isNet221(net221(1))).toBe(true);
    expect(isNet221(createNetwork({ inputs: 2, hidden: [3] }, createRng(1)))).toBe(false);
    expect(isNet221(createNetwork({ inputs: 2, hidden: [2], loss: 'mse' }, createRng(1)))).toBe(false);
  });

  const variants: { name: string; batchSize: number | 'full'; optimizer: OptimizerName; lr: number; l2?: number; weights?: boolean; shuffle?: boolean }[] = [
    { name: 'full batch, sgd lr 0.5', batchSize: 'full', optimizer: 'sgd', lr: 0.5 },
    { name: 'one sample at a time, shuffled, sgd', batchSize: 1, optimizer: 'sgd', lr: 0.3 },
    { name: 'one sample at a time, sgd, l2 0.01, sample weights', batchSize: 1, optimizer: 'sgd', lr: 0.3, l2: 0.01, weights: true },
    { name: 'one sample at a time, adam', batchSize: 1, optimizer: 'adam', lr: 0.01 },
    { name: 'batch 7, unshuffled, sgd, l2 0.01, sample weights', batchSize: 7, optimizer: 'sgd', lr: 0.2, l2: 0.01, weights: true, shuffle: false },
    { name: 'batch 5, momentum', batchSize: 5, optimizer: 'momentum', lr: 0.1 },
    { name: 'batch 8, adam, sample weights, l2', batchSize: 8, optimizer: 'adam', lr: 0.01, weights: true, l2: 0.001 },
  ];
  for (const v of variants) {
    it(`2-2-1: ${v.name}`, () => {
      const rng = createRng(11);
      const data = dataset(rng, 53, 2, 1, { weights: v.weights });
      const r = runBoth(net221(3), data, {
        epochs: 12, batchSize: v.batchSize, optimizer: optimizerConfig(v.optimizer, v.lr), l2: v.l2, shuffle: v.shuffle,
      }, 99);
      expectSameTraining(r);
      expect(r.fast.history[11].loss).toBeLessThan(r.fast.history[0].loss);
    });
  }

  const dense: { name: string; spec: NetworkSpec; act?: ActivationName; batchSize: number | 'full'; optimizer: OptimizerName; lr: number; weights?: boolean }[] = [
    { name: '12-16-16-1 relu, adam, batch 16', spec: { inputs: 12, hidden: [16, 16], activation: 'relu' }, batchSize: 16, optimizer: 'adam', lr: 0.01 },
    { name: '3-5-2 tanh, two outputs, momentum, batch 4, weights', spec: { inputs: 3, hidden: [5], activation: 'tanh', outputs: 2 }, batchSize: 4, optimizer: 'momentum', lr: 0.05, weights: true },
    { name: '2-3-1 sigmoid (not 2-2-1), full batch sgd', spec: { inputs: 2, hidden: [3] }, batchSize: 'full', optimizer: 'sgd', lr: 0.5 },
  ];
  for (const d of dense) for (const simd of [true, false]) {
    it(`dense: ${d.name}, ${simd ? 'WebAssembly SIMD' : 'scalar kernels'}`, () => {
      setSimdEnabled(simd);
      const rng = createRng(5);
      const net = createNetwork(d.spec, rng);
      const data = dataset(rng, 41, d.spec.inputs, d.spec.outputs ?? 1, { weights: d.weights });
      try {
        const r = runBoth(net, data, { epochs: 6, batchSize: d.batchSize, optimizer: optimizerConfig(d.optimizer, d.lr), l2: 0.001 }, 4);
        expectSameTraining(r);
      } finally {
        setSimdEnabled(true);
      }
    });
  }

  for (const name of ['sgd', 'momentum', 'adam'] as const) {
    it(`dense ${name}: the kernel's optimizer step, an optimizer object the caller built, and a resume from epoch 3 all leave the reference bytes`, () => {
      const rng = createRng(13);
      const net = createNetwork({ inputs: 5, hidden: [9, 7], activation: 'relu' }, rng);
      const data = dataset(rng, 45, 5, 1);
      const config = optimizerConfig(name, 0.01);
      const base = { epochs: 6, batchSize: 8, l2: 0.001 } as const;
      const r = runBoth(net, data, { ...base, optimizer: config }, 3);
      expectSameTraining(r);

      const own = cloneNetwork(net);
      const ownOptimizer = createOptimizer(config, parameterBuffers(own).map((p) => p.length));
      fit(own, data, { ...base, optimizer: ownOptimizer, rng: createRng(3) });
      parameterBuffers(own).forEach((p, b) => expectSameBits(p, parameterBuffers(r.refNet)[b], `caller's optimizer: parameter ${b}`));
      expect(ownOptimizer.getState()).toEqual(r.ref.optimizer.getState());

      const resumed = cloneNetwork(net);
      const rngR = createRng(3);
      const first = fit(resumed, data, { ...base, epochs: 3, optimizer: config, rng: rngR });
      const second = fit(resumed, data, { ...base, optimizer: config, rng: rngR, resume: first.state });
      parameterBuffers(resumed).forEach((p, b) => expectSameBits(p, parameterBuffers(r.refNet)[b], `resumed: parameter ${b}`));
      expect(second.optimizer.getState()).toEqual(r.ref.optimizer.getState());
      expectSameBits(second.history.map((h) => h.loss), r.ref.history.map((h) => h.loss), 'resumed: epoch loss');
    });
  }

  it('diverges at the same epoch on both paths and restores the same weights', () => {
    const rng = createRng(2);
    const data = dataset(rng, 40, 2, 1);
    for (let i = 0; i < data.X.length; i++) data.X[i] *= 1e3;
    const errors: string[] = [];
    const nets: Network[] = [];
    for (const kernels of ['fast', 'reference'] as const) {
      const net = net221(8);
      nets.push(net);
      try {
        fit(net, data, { epochs: 200, batchSize: 1, optimizer: optimizerConfig('sgd', 1e300), rng: createRng(1), kernels });
        errors.push('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(DivergenceError);
        errors.push((e as Error).message);
      }
    }
    expect(errors[0]).toMatch(/diverged at epoch \d+/);
    expect(errors[0]).toBe(errors[1]);
    parameterBuffers(nets[0]).forEach((p, b) => expectSameBits(p, parameterBuffers(nets[1])[b], `restored ${b}`));
  });

  it('stops after the same step when shouldStop says so', () => {
    const data = dataset(createRng(3), 30, 2, 1);
    const results = (['fast', 'reference'] as const).map((kernels) => {
      let steps = 0;
      const net = net221(4);
      const res = fit(net, data, {
        epochs: 5, batchSize: 4, optimizer: optimizerConfig('sgd', 0.5), rng: createRng(6), kernels,
        shouldStop: () => ++steps === 10,
      });
      return { net, res, steps };
    });
    expect(results[0].steps).toBe(10);
    expect(results[1].steps).toBe(10);
    expect(results[0].res.stoppedByCallback).toBe(true);
    expectSameBits(results[0].res.history.map((h) => h.loss), results[1].res.history.map((h) => h.loss), 'loss');
    expect(results[0].res.history).toHaveLength(2);
    parameterBuffers(results[0].net).forEach((p, b) => expectSameBits(p, parameterBuffers(results[1].net)[b], `param ${b}`));
  });

  it('is deterministic: two fast runs of 12-8-1 relu with Adam and shuffling give the same bytes', () => {
    const rng = createRng(21);
    const net = createNetwork({ inputs: 12, hidden: [8], activation: 'relu' }, rng);
    const data = dataset(rng, 70, 12, 1);
    const runs = [1, 2].map(() => {
      const copy = cloneNetwork(net);
      const r = fit(copy, data, { epochs: 3, batchSize: 16, optimizer: optimizerConfig('adam', 0.01), rng: createRng(9) });
      return { params: parameterBuffers(copy), losses: r.history.map((h) => h.loss) };
    });
    runs[0].params.forEach((p, b) => expectSameBits(p, runs[1].params[b], `param ${b}`));
    expectSameBits(runs[0].losses, runs[1].losses, 'loss');
    expect(runs[0].params[0]).not.toEqual(parameterBuffers(net)[0]);
  });
});
