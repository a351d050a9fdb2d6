/**
 * Saturation: at |z| = 1000 the sigmoid is exactly 0 or 1, and BCE from the logit,
 * L = max(z,0) − z·y + log(1+e^{−|z|}), is exactly the linear part (e^{−1000} underflows to 0).
 * Nothing may become NaN or infinite, for targets 0, 1 and 0.3.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activations, sigmoid, activate, activationBackward } from '../../src/math/activations.js';
import { bceFromLogit } from '../../src/math/losses.js';
import { libraryGradients } from './bridge.js';
import type { RefLayer } from './reference.js';
import { bceOnProbability, refPointLoss } from './reference.js';

describe('sigmoid at the extremes', () => {
  it('σ(1000) = 1 and σ(−1000) = 0 exactly; σ(0) = 0.5; σ(±40) finite and in [0, 1]', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-Infinity)).toBe(0);
    expect(sigmoid(Infinity)).toBe(1);
    expect(sigmoid(-40)).toBeCloseTo(Math.exp(-40), 30);
    // σ(−z) = 1 − σ(z) where 1 − σ(z) is representable
    for (const z of [-5, -0.3, 0.7, 12]) expect(sigmoid(-z)).toBeCloseTo(1 - sigmoid(z), 15);
  });

  it('batch activate over [−1000, −1, 0, 1, 1000] is finite for every activation', () => {
    const Z = Float64Array.of(-1000, -1, 0, 1, 1000);
    for (const name of ACTIVATIONS) {
      const A = new Float64Array(5);
      activate(name, Z, A, 5);
      expect(Array.from(A).every(Number.isFinite), name).toBe(true);
      A.forEach((a, i) => expect(activations[name].df(Z[i], a), `${name}'(${Z[i]})`).not.toBeNaN());
    }
  });
});

describe('leaky_relu and softplus at the extremes (values worked by hand)', () => {
  it('leaky_relu(±1000) = 1000, −10; slope 1 above 0, 0.01 at and below 0 (PyTorch\'s backward)', () => {
    const Z = Float64Array.of(1000, -1000, 0, -0, 2, -3);
    const A = new Float64Array(6);
    activate('leaky_relu', Z, A, 6);
    expect(Array.from(A)).toEqual([1000, -10, 0, -0, 2, -0.03]);
    const dZ = new Float64Array(6);
    activationBackward('leaky_relu', new Float64Array(6).fill(2), Z, A, dZ, 6);
    expect(Array.from(dZ)).toEqual([2, 0.02, 0.02, 0.02, 2, 0.02]);
  });

  it('softplus(1000) = 1000 and softplus(−1000) = 0 exactly (no overflow), softplus(0) = ln 2; slope σ(z): 1, 0, 0.5', () => {
    const Z = Float64Array.of(1000, -1000, 0, 40, -40);
    const A = new Float64Array(5);
    activate('softplus', Z, A, 5);
    expect(A[0]).toBe(1000);
    expect(A[1]).toBe(0);
    expect(A[2]).toBe(Math.LN2);
    // softplus(40) = 40 + log(1 + e^{−40}) rounds to 40; softplus(−40) = log(1 + e^{−40}) ≈ e^{−40}.
    expect(A[3]).toBe(40);
    expect(A[4]).toBeCloseTo(Math.exp(-40), 30);
    const dZ = new Float64Array(5);
    activationBackward('softplus', new Float64Array(5).fill(1), Z, A, dZ, 5);
    expect(Array.from(dZ.subarray(0, 3))).toEqual([1, 0, 0.5]);
  });
});

describe('BCE from the logit at |z| = 1000 (targets 0, 1, 0.3)', () => {
  const cases: [number, number, number][] = [
    // z, y, expected loss = max(z,0) − z·y
    [1000, 0, 1000],
    [-1000, 1, 1000],
    [1000, 1, 0],
    [-1000, 0, 0],
    [1000, 0.3, 700],
    [-1000, 0.3, 300],
  ];
  for (const [z, y, want] of cases) {
    it(`loss(z=${z}, y=${y}) = ${want}`, () => {
      expect(bceFromLogit(z, y)).toBeCloseTo(want, 10);
      expect(Number.isFinite(bceFromLogit(z, y))).toBe(true);
    });
  }

  it('equals the notes\' −[y log ŷ + (1−y) log(1−ŷ)] where that is well conditioned (z in [−8, 8], y in {0, 0.3, 1})', () => {
    for (let z = -8; z <= 8; z += 0.5) {
      for (const y of [0, 0.3, 1]) {
        const p = 1 / (1 + Math.exp(-z));
        expect(bceFromLogit(z, y)).toBeCloseTo(bceOnProbability(p, y), 11);
        expect(refPointLoss('bce', z, p, y)).toBeCloseTo(bceOnProbability(p, y), 11);
      }
    }
  });
});

describe('a whole network saturated at |z| = 1000 keeps loss and gradients finite', () => {
  // Output logit z = 1000·x with x = ±1: weight 1000 into the sigmoid output.
  const outputOnly = (w: number): RefLayer[] => [{ activation: 'sigmoid', weights: [[w]], bias: [0] }];

  for (const [x, y, wantLoss, wantDz] of [
    [1, 0, 1000, 1], [-1, 1, 1000, -1], [1, 1, 0, 0], [-1, 0, 0, 0], [1, 0.3, 700, 0.7], [-1, 0.3, 300, -0.3],
  ] as const) {
    it(`BCE, z=${1000 * x}, y=${y}: loss ${wantLoss}, ∂L/∂z = ŷ − y = ${wantDz}, ∂L/∂w = ${wantDz}·x`, () => {
      const g = libraryGradients(outputOnly(1000), 'bce', [[x]], [[y]]);
      expect(g.loss).toBeCloseTo(wantLoss, 10);
      expect(g.bias[0][0]).toBeCloseTo(wantDz, 15);
      expect(g.weights[0][0][0]).toBeCloseTo(wantDz * x, 15);
    });
  }

  it('BCE, batch of 6 rows with z = ±1000 and y in {0, 1, 0.3}: mean loss (1000+1000+0+0+700+300)/6, finite gradients', () => {
    const X = [[1], [-1], [1], [-1], [1], [-1]];
    const Y = [[0], [1], [1], [0], [0.3], [0.3]];
    const g = libraryGradients(outputOnly(1000), 'bce', X, Y);
    expect(g.loss).toBeCloseTo(3000 / 6, 10);
    // mean of (ŷ − y): (1 − 1 + 0 + 0 + 0.7 − 0.3)/6
    expect(g.bias[0][0]).toBeCloseTo(0.4 / 6, 15);
    // mean of (ŷ − y)·x: (1 + 1 + 0 + 0 + 0.7 + 0.3)/6
    expect(g.weights[0][0][0]).toBeCloseTo(3 / 6, 15);
  });

  it('saturated hidden layers (sigmoid and tanh at z = ±1000) under BCE and MSE: every gradient finite', () => {
    for (const hidden of ACTIVATIONS) {
      for (const lossName of ['bce', 'mse'] as const) {
        const layers: RefLayer[] = [
          { activation: hidden, weights: [[1000], [-1000]], bias: [0, 0] },
          { activation: 'sigmoid', weights: [[1, -1]], bias: [0] },
        ];
        for (const y of [0, 1, 0.3]) {
          const g = libraryGradients(layers, lossName, [[1], [-1]], [[y], [y]]);
          const all = [g.loss, ...g.weights.flat(2), ...g.bias.flat()];
          expect(all.every(Number.isFinite), `${hidden} hidden, ${lossName}, y=${y}: ${all}`).toBe(true);
        }
      }
    }
  });

  it('MSE with a sigmoid output at z = ±1000: ∂L/∂z = 2(ŷ−y)·ŷ(1−ŷ) = 0 exactly, loss (ŷ−y)²', () => {
    const g = libraryGradients(outputOnly(1000), 'mse', [[1], [-1]], [[0.3], [0.3]]);
    expect(g.loss).toBeCloseTo((0.49 + 0.09) / 2, 15);
    expect(g.weights[0][0][0]).toBe(0);
    expect(g.bias[0][0]).toBe(0);
  });
});
