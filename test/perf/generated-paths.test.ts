/**
 * Fast paths against the reference loop, generated from the spec tables: every ACTIVATIONS ×
 * LOSSES × OPTIMIZERS × {full batch, mini-batch, batch 1} × {sample weights, L2, validation +
 * patience, resume} that the network accepts (BCE takes a sigmoid output), with WebAssembly SIMD
 * on and off. Each run must leave the reference's bytes (test/perf/same-bits.ts) and must really
 * have run on the path we expect, named here independently of the paths' `supports`: the resident
 * WebAssembly kernel for the activations whose epilogues it has, the JS dense path for the rest
 * and whenever SIMD is off, the written-out path for the notes' 2-2-1 network.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName } from '../../src/math/activations.js';
import { LOSSES, type LossName } from '../../src/math/losses.js';
import { OPTIMIZERS, optimizerConfig, type OptimizerName } from '../../src/math/optimizers.js';
import { createRng, type Rng } from '../../src/math/rng.js';
import { createNetwork } from '../../src/math/init.js';
import type { Network } from '../../src/math/network.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import { fit } from '../../src/train/fit.js';
import type { Dataset, FitOptions } from '../../src/train/fit.js';
import { lastChosenPath } from '../../src/accel/fastEpoch.js';
import { setSimdEnabled } from '../../src/accel/wasm/simdKernels.js';
import { expectSameBits, expectSameTraining } from './same-bits.js';

/** The activations the resident kernel has epilogues for today (fastDenseWasm.ts); the rest must go to the JS path. */
const WASM_EPILOGUE: ReadonlySet<ActivationName> = new Set(['sigmoid', 'tanh', 'relu', 'linear']);
const BATCHES = { 'full batch': 'full', 'batch 7': 7, 'batch 1': 1 } as const;
const EXTRAS = ['sample weights', 'L2', 'validation + patience', 'resume'] as const;
type Extra = (typeof EXTRAS)[number];

function randomData(rng: Rng, n: number, k: number, weighted: boolean): Dataset {
  const X = Float64Array.from({ length: n * k }, () => 4 * rng.next() - 2);
  const Y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
  const sampleWeight = weighted ? Float64Array.from({ length: n }, () => 0.25 + 2 * rng.next()) : undefined;
  return { X, Y, n, sampleWeight };
}

/** 3-5-4-1: hidden layers of `activation`; the output is sigmoid under BCE, `activation` under MSE. */
function network(activation: ActivationName, loss: LossName, seed: number): Network {
  return createNetwork({
    inputs: 3, hidden: [5, 4], activation, loss, outputActivation: loss === 'bce' ? 'sigmoid' : activation,
  }, createRng(seed));
}

function expectedPath(net: Network, simd: boolean): RegExp {
  if (net.layers.length === 2 && net.layers[0].inputs === 2 && net.layers[0].units === 2) return /^2-2-1/;
  return simd && net.layers.every((layer) => WASM_EPILOGUE.has(layer.activation)) ? /WebAssembly SIMD, resident/ : /JS, register-blocked/;
}

/** Trains fast and reference with the extra; checks the bytes and which path ran. */
function check(net: Network, optimizer: OptimizerName, batchSize: number | 'full', extra: Extra, simd: boolean, seed: number): void {
  const rng = createRng(seed);
  const k = net.layers[0].inputs;
  const data = randomData(rng, 23, k, extra === 'sample weights');
  const base: Omit<FitOptions, 'rng'> = {
    epochs: 4, batchSize, optimizer: optimizerConfig(optimizer, { sgd: 0.05, momentum: 0.005, adam: 0.02 }[optimizer]),
    l2: extra === 'L2' ? 0.01 : 0,
    ...(extra === 'validation + patience' ? { validation: randomData(rng, 9, k, false), patience: 1 } : {}),
  };
  setSimdEnabled(simd);
  if (extra !== 'resume') {
    const fastNet = cloneNetwork(net);
    const fast = fit(fastNet, data, { ...base, rng: createRng(seed), kernels: 'fast' });
    expect(lastChosenPath()).toMatch(expectedPath(net, simd));
    const refNet = cloneNetwork(net);
    const ref = fit(refNet, data, { ...base, rng: createRng(seed), kernels: 'reference' });
    expectSameTraining({ fastNet, refNet, fast, ref });
    return;
  }
  // Two epochs, a checkpoint through JSON, two more on a fresh network: the reference's four.
  const ref = cloneNetwork(net);
  const whole = fit(ref, data, { ...base, rng: createRng(seed), kernels: 'reference' });
  const first = cloneNetwork(net);
  const rngFast = createRng(seed);
  const part = fit(first, data, { ...base, epochs: 2, rng: rngFast, kernels: 'fast' });
  expect(lastChosenPath()).toMatch(expectedPath(net, simd));
  const state = JSON.parse(JSON.stringify(part.state));
  const rest = fit(cloneNetwork(first), data, { ...base, rng: createRng(seed + 1), resume: state, kernels: 'fast' });
  expect(lastChosenPath()).toMatch(expectedPath(net, simd));
  expectSameBits(rest.history.map((h) => h.loss), whole.history.map((h) => h.loss), 'resumed: epoch loss');
  expect(rest.optimizer.getState()).toEqual(whole.optimizer.getState());
}

afterEach(() => setSimdEnabled(true));

describe('every table activation × loss × optimizer × batch × extra: the fast path leaves the reference bytes and really runs', () => {
  let seed = 1;
  for (const activation of ACTIVATIONS) for (const loss of LOSSES) {
    it(`3-5-4-1 ${activation}, ${loss}: ${OPTIMIZERS.join('/')} × ${Object.keys(BATCHES).join('/')} × ${EXTRAS.join('/')}, SIMD on and off`, () => {
      for (const optimizer of OPTIMIZERS) for (const [, batch] of Object.entries(BATCHES)) for (const extra of EXTRAS) {
        for (const simd of [true, false]) {
          const s = seed++;
          const net = network(activation, loss, s);
          try {
            check(net, optimizer, batch, extra, simd, s);
          } catch (e) {
            throw new Error(`${optimizer}, batch ${batch}, ${extra}, simd ${simd}: ${(e as Error).message}`);
          }
        }
      }
    });
  }

  it(`the notes' 2-2-1 sigmoid/BCE network: ${OPTIMIZERS.join('/')} × ${Object.keys(BATCHES).join('/')} × ${EXTRAS.join('/')} on the written-out path`, () => {
    for (const optimizer of OPTIMIZERS) for (const [, batch] of Object.entries(BATCHES)) for (const extra of EXTRAS) {
      const net = createNetwork({ inputs: 2, hidden: [2] }, createRng(seed));
      check(net, optimizer, batch, extra, true, seed++);
    }
  });

  it('the paths really differ: a network with a JS-only activation is not sent to the WebAssembly kernel, and the guard sees it', () => {
    const net = network('softplus', 'bce', 3);
    fit(net, randomData(createRng(3), 10, 3, false), { epochs: 1, batchSize: 4, optimizer: optimizerConfig('sgd', 0.1), rng: createRng(1) });
    expect(lastChosenPath()).toMatch(/JS, register-blocked/);
    const relu = network('relu', 'bce', 3);
    fit(relu, randomData(createRng(3), 10, 3, false), { epochs: 1, batchSize: 4, optimizer: optimizerConfig('sgd', 0.1), rng: createRng(1) });
    expect(lastChosenPath()).toMatch(/WebAssembly SIMD, resident/);
    expect(parameterBuffers(net)[0].every(Number.isFinite)).toBe(true);
  });
});
