/**
 * The multi-class and regression heads of the math: softmax + cross-entropy and linear + MSE /
 * Huber. Backprop is compared with central finite differences of losses written here plainly
 * (textbook softmax e^{z}/Σe^{z}, −Σ y log p, (ŷ − y)²), sharing no code with src/ beyond the
 * hidden layers' oracle in test/nn/reference.ts; the softmax cross-entropy gradient of a single
 * layer is also written in closed form from the math, (1/n)·Σ_r (p_rk − y_rk)·x_ri.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activate, activations } from '../../src/math/activations.js';
import { crossEntropyRow, lossValue, losses } from '../../src/math/losses.js';
import type { Network } from '../../src/math/network.js';
import { backward, createWorkspace, forward, loss, validateNetwork } from '../../src/math/network.js';
import { createNetwork } from '../../src/math/init.js';
import { createRng } from '../../src/math/rng.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import { fit } from '../../src/train/fit.js';
import type { ParamRef, RefActivation, RefLayer } from '../nn/reference.js';
import { centralDifference, closeMixed, paramRefs, refAct } from '../nn/reference.js';
import { testRandom } from '../nn/bridge.js';

const ACTS: RefActivation[] = ['sigmoid', 'tanh', 'relu', 'linear', 'leaky_relu', 'softplus'];
const KINK = 1e-3;

type Head = 'softmax' | 'mse' | 'huber';

interface Case {
  seed: number;
  inputs: number;
  hidden: { width: number; activation: RefActivation }[];
  classes: number;
  head: Head;
  batch: number;
  weighted: boolean;
}

/** Forward of one row: hidden layers with the reference's activations, the output's logits z. */
function logits(layers: RefLayer[], outW: number[][], outB: number[], x: number[]): { z: number[]; hiddenZ: number[][] } {
  let input = x;
  const hiddenZ: number[][] = [];
  for (const layer of layers) {
    const z = layer.weights.map((row, j) => row.reduce((s, w, i) => s + w * input[i], 0) + layer.bias[j]);
    hiddenZ.push(z);
    input = z.map((v) => refAct(layer.activation, v));
  }
  return { z: outW.map((row, k) => row.reduce((s, w, i) => s + w * input[i], 0) + outB[k]), hiddenZ };
}

/** Textbook softmax, fine for the moderate logits of these cases. */
function softmaxPlain(z: number[]): number[] {
  const e = z.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The mean loss of the whole network (all layers in `all`, the last being the head). */
function plainLoss(c: Case, all: RefLayer[], X: number[][], Y: number[][], sw?: number[]): number {
  const hidden = all.slice(0, -1);
  const out = all[all.length - 1];
  let s = 0;
  X.forEach((x, r) => {
    const { z } = logits(hidden, out.weights, out.bias, x);
    let l: number;
    if (c.head === 'softmax') {
      const p = softmaxPlain(z);
      l = -Y[r].reduce((acc, y, k) => acc + y * Math.log(p[k]), 0);
    } else {
      const d = Math.abs(z[0] - Y[r][0]);
      l = c.head === 'mse' ? d * d : d <= 1 ? 0.5 * d * d : d - 0.5;
    }
    s += (sw ? sw[r] : 1) * l;
  });
  return s / X.length;
}

function build(c: Case) {
  const rand = testRandom(c.seed);
  const outputs = c.head === 'softmax' ? c.classes : 1;
  const widths = [c.inputs, ...c.hidden.map((h) => h.width), outputs];
  const acts: RefActivation[] = [...c.hidden.map((h) => h.activation), 'linear'];
  const layers: RefLayer[] = acts.map((activation, l) => ({
    activation,
    weights: Array.from({ length: widths[l + 1] }, () => Array.from({ length: widths[l] }, () => 2 * rand() - 1)),
    bias: Array.from({ length: widths[l + 1] }, () => (rand() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rand())),
  }));
  const X = Array.from({ length: c.batch }, () => Array.from({ length: c.inputs }, () => 4 * rand() - 2));
  const Y = Array.from({ length: c.batch }, () => {
    if (c.head !== 'softmax') return [6 * rand() - 3];
    const hot = Math.floor(rand() * c.classes);
    return Array.from({ length: c.classes }, (_, k) => (k === hot ? 1 : 0));
  });
  const sw = c.weighted ? Array.from({ length: c.batch }, () => 0.25 + 2 * rand()) : undefined;
  return { layers, X, Y, sw };
}

function toNet(c: Case, layers: RefLayer[]): Network {
  const last = layers.length - 1;
  return {
    loss: c.head === 'softmax' ? 'cross_entropy' : c.head,
    layers: layers.map((layer, l) => ({
      inputs: layer.weights[0].length,
      units: layer.weights.length,
      activation: l === last ? (c.head === 'softmax' ? 'softmax' : 'linear') : layer.activation,
      weights: Float64Array.from(layer.weights.flat()),
      bias: Float64Array.from(layer.bias),
    })),
  };
}

function libraryRun(net: Network, X: number[][], Y: number[][], sw?: number[]) {
  const n = X.length;
  const ws = createWorkspace(net, n);
  const Xf = Float64Array.from(X.flat());
  const Yf = Float64Array.from(Y.flat());
  const w = sw ? Float64Array.from(sw) : undefined;
  const output = Float64Array.from(forward(net, Xf, n, ws).subarray(0, n * net.layers[net.layers.length - 1].units));
  const value = loss(net, Yf, n, ws, w);
  const grads = backward(net, Xf, Yf, n, ws, w);
  return { value, output, grads };
}

function gradientAt(net: Network, grads: ReturnType<typeof libraryRun>['grads'], p: ParamRef): number {
  const layer = net.layers[p.layer];
  return p.kind === 'weights' ? grads.weights[p.layer][p.j * layer.inputs + p.i] : grads.bias[p.layer][p.j];
}

function nearKink(c: Case, layers: RefLayer[], X: number[][]): boolean {
  const hidden = layers.slice(0, -1);
  const out = layers[layers.length - 1];
  return X.some((x) => {
    const { z, hiddenZ } = logits(hidden, out.weights, out.bias, x);
    const kinked = hidden.some((layer, l) => (layer.activation === 'relu' || layer.activation === 'leaky_relu') && hiddenZ[l].some((v) => Math.abs(v) < KINK));
    // Huber's second derivative jumps at |ŷ − y| = 1.
    return kinked || (c.head === 'huber' && Math.abs(Math.abs(z[0]) - 1) < KINK);
  });
}

const caseArb = (head: fc.Arbitrary<Head>): fc.Arbitrary<Case> => fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  inputs: fc.integer({ min: 1, max: 6 }),
  hidden: fc.array(fc.record({ width: fc.integer({ min: 1, max: 8 }), activation: fc.constantFrom(...ACTS) }), { maxLength: 3 }),
  classes: fc.integer({ min: 2, max: 6 }),
  head,
  batch: fc.integer({ min: 1, max: 16 }),
  weighted: fc.boolean(),
});

function describeCase(c: Case): string {
  const out = c.head === 'softmax' ? `${c.classes}softmax` : `1linear ${c.head}`;
  return `${[c.inputs, ...c.hidden.map((h) => `${h.width}${h.activation}`), out].join('-')} batch=${c.batch} weighted=${c.weighted} seed=${c.seed}`;
}

function check(c: Case): string[] {
  const { layers, X, Y, sw } = build(c);
  const net = toNet(c, layers);
  validateNetwork(net);
  const lib = libraryRun(net, X, Y, sw);
  const failures: string[] = [];
  const f = (ls: RefLayer[]) => plainLoss(c, ls, X, Y, sw);
  if (!closeMixed(lib.value, f(layers), 1e-12)) failures.push(`loss ${lib.value} vs plain ${f(layers)}`);
  for (const p of paramRefs(layers)) {
    const g = gradientAt(net, lib.grads, p);
    const fd = centralDifference(layers, p, f);
    if (!closeMixed(g, fd, 1e-6)) failures.push(`${JSON.stringify(p)} backprop ${g} fd ${fd}`);
  }
  return failures;
}

describe('softmax + cross-entropy and linear + MSE/Huber heads: backprop equals finite differences to 1e-6', () => {
  it('softmax/cross-entropy on random architectures: depth 1–4, widths 1–8, 2–6 classes, batch 1–16, with and without sample weights (fast-check seed 1313, 250 runs)', () => {
    fc.assert(fc.property(caseArb(fc.constant<Head>('softmax')), (c) => {
      const { layers, X } = build(c);
      fc.pre(!nearKink(c, layers, X));
      const failures = check(c);
      if (failures.length) throw new Error(`${describeCase(c)}: ${failures.slice(0, 3).join('; ')}`);
    }), { seed: 1313, numRuns: 250 });
  });

  it('linear/MSE and linear/Huber regression heads on random architectures, targets in [−3, 3] (fast-check seed 2626, 250 runs)', () => {
    fc.assert(fc.property(caseArb(fc.constantFrom<Head>('mse', 'huber')), (c) => {
      const { layers, X } = build(c);
      fc.pre(!nearKink(c, layers, X));
      const failures = check(c);
      if (failures.length) throw new Error(`${describeCase(c)}: ${failures.slice(0, 3).join('; ')}`);
    }), { seed: 2626, numRuns: 250 });
  });

  it('a single softmax layer: ∂L/∂W[k][i] = (1/n)·Σ_r (p_rk − y_rk)·x_ri and ∂L/∂b[k] = (1/n)·Σ_r (p_rk − y_rk), written from the math', () => {
    const rand = testRandom(42);
    const k = 4, d = 3, n = 7;
    const W = Array.from({ length: k }, () => Array.from({ length: d }, () => 2 * rand() - 1));
    const b = Array.from({ length: k }, () => rand() - 0.5);
    const X = Array.from({ length: n }, () => Array.from({ length: d }, () => 3 * rand() - 1.5));
    const labels = Array.from({ length: n }, () => Math.floor(rand() * k));
    const net: Network = {
      loss: 'cross_entropy',
      layers: [{ inputs: d, units: k, activation: 'softmax', weights: Float64Array.from(W.flat()), bias: Float64Array.from(b) }],
    };
    const Y = labels.map((c) => Array.from({ length: k }, (_, m) => (m === c ? 1 : 0)));
    const lib = libraryRun(net, X, Y);
    const expectedW = new Array<number>(k * d).fill(0);
    const expectedB = new Array<number>(k).fill(0);
    let meanLoss = 0;
    for (let r = 0; r < n; r++) {
      const z = W.map((row, m) => row.reduce((s, w, i) => s + w * X[r][i], b[m]));
      const p = softmaxPlain(z);
      meanLoss += -Math.log(p[labels[r]]) / n;
      for (let m = 0; m < k; m++) {
        const err = p[m] - (m === labels[r] ? 1 : 0);
        expectedB[m] += err / n;
        for (let i = 0; i < d; i++) expectedW[m * d + i] += (err * X[r][i]) / n;
      }
    }
    expect(lib.value).toBeCloseTo(meanLoss, 13);
    Array.from(lib.grads.weights[0]).forEach((g, idx) => expect(g).toBeCloseTo(expectedW[idx], 13));
    Array.from(lib.grads.bias[0]).forEach((g, m) => expect(g).toBeCloseTo(expectedB[m], 13));
  });

  it('the mean is over rows, not rows × classes: one row of 3 classes has L = −log p_y exactly', () => {
    const Z = Float64Array.from([0.5, -1, 2]);
    const A = new Float64Array(3);
    activate('softmax', Z, A, 3, 3);
    const Y = Float64Array.from([0, 1, 0]);
    const expected = -Math.log(Math.exp(-1) / (Math.exp(0.5) + Math.exp(-1) + Math.exp(2)));
    expect(lossValue('cross_entropy', Z, A, Y, 3, 3)).toBeCloseTo(expected, 14);
  });
});

describe('softmax at the extremes', () => {
  it('|z| = 1000: probabilities 1, 0, 0 and L = 1000 − z_y (0, 2000, 1000), gradient ŷ − y finite', () => {
    const z = [1000, -1000, 0];
    for (let target = 0; target < 3; target++) {
      const net: Network = {
        loss: 'cross_entropy',
        layers: [{ inputs: 3, units: 3, activation: 'softmax', weights: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), bias: new Float64Array(3) }],
      };
      const Y = [[0, 1, 2].map((m) => (m === target ? 1 : 0))];
      const run = libraryRun(net, [z], Y);
      // logsumexp(1000, −1000, 0) = 1000 + log(1 + e^{−1000} + e^{−2000}) = 1000 in doubles.
      expect(run.value).toBe(1000 - z[target]);
      expect(Array.from(run.output)).toEqual([1, 0, 0]);
      const grads = [...run.grads.weights[0], ...run.grads.bias[0]];
      expect(grads.every(Number.isFinite)).toBe(true);
      // ∂L/∂b = ŷ − y exactly here.
      expect(Array.from(run.grads.bias[0])).toEqual([1, 0, 0].map((p, m) => p - Y[0][m]));
    }
  });

  it('crossEntropyRow is finite for logits of ±1000 in any order and never negative (fast-check seed 5, 300 runs)', () => {
    fc.assert(fc.property(
      fc.array(fc.constantFrom(-1000, -1, 0, 1, 1000), { minLength: 2, maxLength: 6 }),
      fc.nat(),
      (z, pick) => {
        const k = pick % z.length;
        const Y = Float64Array.from(z.map((_, m) => (m === k ? 1 : 0)));
        const l = crossEntropyRow(Float64Array.from(z), Y, 0, z.length);
        expect(Number.isFinite(l)).toBe(true);
        expect(l).toBeGreaterThanOrEqual(0);
      },
    ), { seed: 5, numRuns: 300 });
  });

  it('every softmax row sums to 1 within 1e-12, logits in [−1000, 1000], 2–10 units, several rows at once (fast-check seed 9, 300 runs)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 0x7fffffff }),
      (units, rows, seed) => {
        const rand = testRandom(seed);
        const Z = Float64Array.from({ length: units * rows }, () => 2000 * rand() - 1000);
        const A = new Float64Array(Z.length);
        activate('softmax', Z, A, Z.length, units);
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let m = 0; m < units; m++) {
            expect(A[r * units + m]).toBeGreaterThanOrEqual(0);
            s += A[r * units + m];
          }
          expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-12);
        }
      },
    ), { seed: 9, numRuns: 300 });
  });
});

describe('the tables say what the heads are', () => {
  it('softmax is row-wise and refuses to run without the row length', () => {
    expect(activations.softmax.scope).toBe('row');
    expect(losses.cross_entropy.scope).toBe('row');
    expect(losses.cross_entropy.fusedWith).toBe('softmax');
    expect(() => activate('softmax', new Float64Array(3), new Float64Array(3), 3)).toThrow(/row-wise/);
  });

  it('a softmax hidden layer, softmax with mse and cross_entropy on a sigmoid output are refused', () => {
    const rng = createRng(1);
    expect(() => createNetwork({ inputs: 2, hidden: [3], activation: 'softmax', outputs: 3, outputActivation: 'softmax', loss: 'cross_entropy' }, rng))
      .toThrow('layers[0]: "softmax" is only an output activation');
    expect(() => createNetwork({ inputs: 2, hidden: [3], outputs: 3, outputActivation: 'softmax', loss: 'mse' }, rng))
      .toThrow('a softmax output needs loss "cross_entropy", got "mse"');
    expect(() => createNetwork({ inputs: 2, hidden: [3], outputs: 3, outputActivation: 'sigmoid', loss: 'cross_entropy' }, rng))
      .toThrow('loss "cross_entropy" needs a softmax output layer, got "sigmoid"');
  });

  it('fit trains a softmax head: the loss falls, and the fast kernels give the reference loop\'s bytes', () => {
    const run = (kernels: 'fast' | 'reference') => {
      const rng = createRng(3);
      const net = createNetwork({ inputs: 2, hidden: [6], activation: 'tanh', outputs: 3, outputActivation: 'softmax', loss: 'cross_entropy' }, rng);
      const rand = testRandom(8);
      const n = 90;
      const X = new Float64Array(2 * n);
      const Y = new Float64Array(3 * n);
      for (let r = 0; r < n; r++) {
        const c = r % 3;
        X[2 * r] = Math.cos((2 * Math.PI * c) / 3) * 2 + 0.3 * (rand() - 0.5);
        X[2 * r + 1] = Math.sin((2 * Math.PI * c) / 3) * 2 + 0.3 * (rand() - 0.5);
        Y[3 * r + c] = 1;
      }
      const history: number[] = [];
      fit(net, { X, Y, n }, { epochs: 60, batchSize: 16, optimizer: optimizerConfig('adam', 0.05), rng, kernels, onEpoch: (e) => { history.push(e.loss); } });
      return { net, history };
    };
    const reference = run('reference');
    expect(reference.history[0]).toBeGreaterThan(0.5);
    expect(reference.history[reference.history.length - 1]).toBeLessThan(0.05);
    const fast = run('fast');
    expect(fast.history).toEqual(reference.history);
    fast.net.layers.forEach((layer, l) => {
      expect(Array.from(layer.weights)).toEqual(Array.from(reference.net.layers[l].weights));
      expect(Array.from(layer.bias)).toEqual(Array.from(reference.net.layers[l].bias));
    });
  });
});
