/**
 * The optimizers against their update rules written plainly, element by element, over several
 * steps with changing gradients (so that momentum and Adam's moments and bias correction matter).
 */
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../src/math/optimizers.js';
import { createOptimizer, optimizerConfig } from '../../src/math/optimizers.js';
import { testRandom } from '../nn/bridge.js';

const SHAPES = [6, 2, 3];
const STEPS = 25;

function randomBuffers(rand: () => number, scale: number): number[][] {
  return SHAPES.map((len) => Array.from({ length: len }, () => scale * (2 * rand() - 1)));
}

/** The gradient sequence: one set of buffers per step. */
function gradientSequence(seed: number): number[][][] {
  const rand = testRandom(seed);
  return Array.from({ length: STEPS }, () => randomBuffers(rand, 3));
}

function runLibrary(config: OptimizerConfig, start: number[][], grads: number[][][]): number[][] {
  const params = start.map((b) => Float64Array.from(b));
  const opt = createOptimizer(config, SHAPES);
  for (const g of grads) opt.step(params, g.map((b) => Float64Array.from(b)));
  return params.map((b) => Array.from(b));
}

function expectClose(got: number[][], want: number[][], tol: number): void {
  got.forEach((buf, b) => buf.forEach((v, i) => {
    if (Math.abs(v - want[b][i]) > tol * Math.max(1, Math.abs(want[b][i]))) {
      throw new Error(`buffer ${b}[${i}]: library ${v} vs plain ${want[b][i]}`);
    }
  }));
}

describe('optimizers equal their plainly written updates over 25 steps', () => {
  const start = randomBuffers(testRandom(1), 1);
  const grads = gradientSequence(2);

  it('sgd lr=0.1: θ ← θ − η·g', () => {
    const eta = 0.1;
    const theta = start.map((b) => [...b]);
    for (const g of grads) theta.forEach((b, k) => b.forEach((_, i) => { b[i] = b[i] - eta * g[k][i]; }));
    expectClose(runLibrary({ name: 'sgd', lr: eta }, start, grads), theta, 1e-14);
  });

  it('momentum lr=0.05 μ=0.9: v ← μv + g, θ ← θ − η·v (v starts at 0)', () => {
    const eta = 0.05;
    const mu = 0.9;
    const theta = start.map((b) => [...b]);
    const v = start.map((b) => b.map(() => 0));
    for (const g of grads) {
      theta.forEach((b, k) => b.forEach((_, i) => {
        v[k][i] = mu * v[k][i] + g[k][i];
        b[i] = b[i] - eta * v[k][i];
      }));
    }
    expectClose(runLibrary({ name: 'momentum', lr: eta, momentum: mu }, start, grads), theta, 1e-14);
  });

  it('adam lr=0.01 β1=0.9 β2=0.999 ε=1e-8: Kingma & Ba with bias correction', () => {
    const eta = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const theta = start.map((b) => [...b]);
    const m = start.map((b) => b.map(() => 0));
    const v = start.map((b) => b.map(() => 0));
    grads.forEach((g, step) => {
      const t = step + 1;
      theta.forEach((b, k) => b.forEach((_, i) => {
        m[k][i] = b1 * m[k][i] + (1 - b1) * g[k][i];
        v[k][i] = b2 * v[k][i] + (1 - b2) * g[k][i] ** 2;
        const mhat = m[k][i] / (1 - b1 ** t);
        const vhat = v[k][i] / (1 - b2 ** t);
        b[i] = b[i] - eta * mhat / (Math.sqrt(vhat) + eps);
      }));
    });
    expectClose(runLibrary({ name: 'adam', lr: eta, beta1: b1, beta2: b2, epsilon: eps }, start, grads), theta, 1e-13);
  });

  it('adam\'s first step moves every parameter by η·g/(|g| + ε) (bias correction makes m̂ = g, √v̂ = |g|)', () => {
    const eta = 0.01;
    const after = runLibrary(optimizerConfig('adam', eta), start, grads.slice(0, 1));
    after.forEach((b, k) => b.forEach((v, i) => {
      const g = grads[0][k][i];
      expect(start[k][i] - v).toBeCloseTo((eta * g) / (Math.abs(g) + 1e-8), 15);
    }));
  });

  it('optimizerConfig defaults: momentum 0.9; adam β1 0.9, β2 0.999, ε 1e-8', () => {
    expect(optimizerConfig('sgd', 0.5)).toEqual({ name: 'sgd', lr: 0.5 });
    expect(optimizerConfig('momentum', 0.5)).toEqual({ name: 'momentum', lr: 0.5, momentum: 0.9 });
    expect(optimizerConfig('adam', 0.5)).toEqual({ name: 'adam', lr: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  });

  for (const name of ['sgd', 'momentum', 'adam'] as const) {
    it(`${name}: state saved after 10 steps and restored into a fresh optimizer resumes bit for bit (15 more steps)`, () => {
      const config = optimizerConfig(name, 0.02);
      const whole = runLibrary(config, start, grads);

      const params = start.map((b) => Float64Array.from(b));
      const first = createOptimizer(config, SHAPES);
      grads.slice(0, 10).forEach((g) => first.step(params, g.map((b) => Float64Array.from(b))));
      const state = JSON.parse(JSON.stringify(first.getState()));
      const second = createOptimizer(config, SHAPES);
      second.setState(state);
      grads.slice(10).forEach((g) => second.step(params, g.map((b) => Float64Array.from(b))));
      expect(params.map((b) => Array.from(b))).toEqual(whole);
    });
  }
});
