/**
 * Fast paths against the reference loop, generated from the spec tables: every ACTIVATIONS ×
 * LOSSES × OPTIMIZERS × {full batch, mini-batch, batch 1} × {sample weights, L2, validation +
 * patience, resume} that the network accepts (BCE takes a sigmoid output, cross-entropy a softmax
 * head of 3 classes, the regression losses an output of the hidden activation or linear), with
 * WebAssembly SIMD on and off. Each run must leave the reference's bytes (test/perf/same-bits.ts)
 * and must really have run on the path we expect, named here independently of the paths'
 * `supports`: the resident WebAssembly kernel for the activations whose epilogues it has (and a
 * softmax head over them), the JS dense path for the rest and whenever SIMD is off, the
 * written-out path for the notes' 2-2-1 network.
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
import { expectSameBits, expectSameTraining, runBoth } from './same-bits.js';

/** The activations the resident kernel has epilogues for today (fastDenseWasm.ts); the rest must go to the JS path. */
const WASM_EPILOGUE: ReadonlySet<ActivationName> = new Set(['sigmoid', 'tanh', 'relu', 'linear']);
/** The output heads it runs without an epilogue of their own (their loss fuses the backward). */
const WASM_HEADS: ReadonlySet<ActivationName> = new Set(['softmax']);
const CLASSES = 3;
const BATCHES = { 'full batch': 'full', 'batch 7': 7, 'batch 1': 1 } as const;
const EXTRAS = ['sample weights', 'L2', 'validation + patience', 'resume'] as const;
type Extra = (typeof EXTRAS)[number];

/**
 * Targets as the loss takes them: 0/1 for BCE, one-hot rows of CLASSES for cross-entropy, real
 * values in [−1, 1] (a standardised regression target's bulk) for the regression losses.
 */
function randomData(rng: Rng, n: number, k: number, weighted: boolean, loss: LossName = 'bce'): Dataset {
  const X = Float64Array.from({ length: n * k }, () => 4 * rng.next() - 2);
  let Y: Float64Array;
  if (loss === 'cross_entropy') {
    Y = new Float64Array(n * CLASSES);
    for (let r = 0; r < n; r++) Y[r * CLASSES + Math.floor(rng.next() * CLASSES)] = 1;
  } else if (loss === 'bce') {
    Y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
  } else {
    Y = Float64Array.from({ length: n }, () => 2 * rng.next() - 1);
  }
  const sampleWeight = weighted ? Float64Array.from({ length: n }, () => 0.25 + 2 * rng.next()) : undefined;
  return { X, Y, n, sampleWeight };
}

/**
 * 3-5-4-m: hidden layers of `activation`; the output is sigmoid under BCE, a softmax of CLASSES
 * under cross-entropy, else `output` (the hidden activation, or linear for a regression head).
 */
function network(activation: ActivationName, loss: LossName, seed: number, output: ActivationName = activation): Network {
  const head = loss === 'bce' ? { outputActivation: 'sigmoid' as const }
    : loss === 'cross_entropy' ? { outputActivation: 'softmax' as const, outputs: CLASSES }
      : { outputActivation: output };
  return createNetwork({ inputs: 3, hidden: [5, 4], activation, loss, ...head }, createRng(seed));
}

/** The path the run must take; undefined: the reference loop (a softmax head the WebAssembly kernel cannot take). */
function expectedPath(net: Network, simd: boolean): RegExp | undefined {
  if (net.layers.length === 2 && net.layers[0].inputs === 2 && net.layers[0].units === 2) return /^2-2-1/;
  const last = net.layers.length - 1;
  const resident = net.layers.every((layer, l) => WASM_EPILOGUE.has(layer.activation) || (l === last && WASM_HEADS.has(layer.activation)));
  if (simd && resident) return /WebAssembly SIMD, resident/;
  // The JS dense path applies element-wise activations only (fastEpoch.ts).
  return WASM_HEADS.has(net.layers[last].activation) ? undefined : /JS, register-blocked/;
}

function expectPath(net: Network, simd: boolean): void {
  const expected = expectedPath(net, simd);
  if (expected) expect(lastChosenPath()).toMatch(expected);
  else expect(lastChosenPath()).toBeUndefined();
}

const classifies = (net: Network): boolean => net.loss === 'bce' || net.loss === 'cross_entropy';

/** Trains fast and reference with the extra; checks the bytes and which path ran. */
function check(net: Network, optimizer: OptimizerName, batchSize: number | 'full', extra: Extra, simd: boolean, seed: number): void {
  const rng = createRng(seed);
  const k = net.layers[0].inputs;
  const data = randomData(rng, 23, k, extra === 'sample weights', net.loss);
  const base: Omit<FitOptions, 'rng'> = {
    // A deep linear regression net at batch 1 diverges under SGD at 0.05: its steps are smaller.
    epochs: 4, batchSize, optimizer: optimizerConfig(optimizer, { sgd: classifies(net) ? 0.05 : 0.01, momentum: 0.005, adam: 0.02 }[optimizer]),
    l2: extra === 'L2' ? 0.01 : 0,
    ...(extra === 'validation + patience' ? { validation: randomData(rng, 9, k, false, net.loss), patience: 1 } : {}),
  };
  setSimdEnabled(simd);
  if (extra !== 'resume') {
    const fastNet = cloneNetwork(net);
    const fast = fit(fastNet, data, { ...base, rng: createRng(seed), kernels: 'fast' });
    expectPath(net, simd);
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
  expectPath(net, simd);
  const state = JSON.parse(JSON.stringify(part.state));
  const rest = fit(cloneNetwork(first), data, { ...base, rng: createRng(seed + 1), resume: state, kernels: 'fast' });
  expectPath(net, simd);
  expectSameBits(rest.history.map((h) => h.loss), whole.history.map((h) => h.loss), 'resumed: epoch loss');
  expect(rest.optimizer.getState()).toEqual(whole.optimizer.getState());
}

afterEach(() => setSimdEnabled(true));

describe('every table activation × loss × optimizer × batch × extra: the fast path leaves the reference bytes and really runs', () => {
  let seed = 1;
  // The regression losses also with a linear head over each hidden activation (a regression model's shape).
  const outputs = (activation: ActivationName, loss: LossName): ActivationName[] =>
    (loss === 'bce' || loss === 'cross_entropy' || activation === 'linear' ? [activation] : [activation, 'linear']);
  for (const activation of ACTIVATIONS) for (const loss of LOSSES) for (const output of outputs(activation, loss)) {
    const head = loss === 'bce' ? 'sigmoid' : loss === 'cross_entropy' ? `softmax of ${CLASSES}` : output;
    it(`3-5-4 ${activation}, ${head} head, ${loss}: ${OPTIMIZERS.join('/')} × ${Object.keys(BATCHES).join('/')} × ${EXTRAS.join('/')}, SIMD on and off`, () => {
      for (const optimizer of OPTIMIZERS) for (const [, batch] of Object.entries(BATCHES)) for (const extra of EXTRAS) {
        for (const simd of [true, false]) {
          const s = seed++;
          const net = network(activation, loss, s, output);
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

  it('a softmax head runs on the WebAssembly kernel over relu hidden layers, and over softplus (no epilogue) on the reference loop', () => {
    const data = randomData(createRng(4), 10, 3, false, 'cross_entropy');
    const options = { epochs: 1, batchSize: 4, optimizer: optimizerConfig('sgd', 0.1), rng: createRng(1) } as const;
    fit(network('relu', 'cross_entropy', 4), data, options);
    expect(lastChosenPath()).toMatch(/WebAssembly SIMD, resident/);
    fit(network('softplus', 'cross_entropy', 4), data, { ...options, rng: createRng(1) });
    expect(lastChosenPath()).toBeUndefined();
  });

  it('a softmax head at |z| = 1000 (rows that saturate) trains to the reference bytes on the WebAssembly kernel, every value finite', () => {
    // Output weights of ±100 over hidden activations of a few units drive the logits to hundreds and thousands.
    const net = network('relu', 'cross_entropy', 5);
    const rng = createRng(5);
    net.layers[2].weights.forEach((_, i, w) => { w[i] = rng.next() < 0.5 ? 100 : -100; });
    const data = randomData(rng, 16, 3, false, 'cross_entropy');
    data.X.forEach((x, i, X) => { X[i] = 5 * x; });
    const r = runBoth(net, data, { epochs: 2, batchSize: 8, optimizer: optimizerConfig('sgd', 1e-4) }, 5);
    expect(lastChosenPath()).toMatch(/WebAssembly SIMD, resident/);
    expectSameTraining(r);
    expect(r.fast.history.every((h) => Number.isFinite(h.loss) && h.loss > 10)).toBe(true);
    expect(parameterBuffers(r.fastNet).every((p) => p.every(Number.isFinite))).toBe(true);
  });
});
