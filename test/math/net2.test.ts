/**
 * src/math/net2.ts, the notes' Net 2 in the notes' names, against three things it did not write:
 * central finite differences of a loss written here from the note (σ = 1/(1+e^{−z}), J on the
 * probability), the generic backpropagation of src/math/network.ts (bit for bit, which the 2-2-1
 * fast path relies on), and the hand-written scalar step of test/fixtures/net2.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { net221Path } from '../../src/accel/fast221.js';
import { lastChosenPath } from '../../src/accel/fastEpoch.js';
import { setSimd221Enabled, simd221Enabled } from '../../src/accel/simd221.js';
import { createNaming } from '../../src/explain/naming.js';
import { traceSample } from '../../src/explain/trace.js';
import { net2CorrectGradients, type Net2Point } from '../../src/explain/notes/net2.js';
import { createNetwork } from '../../src/math/init.js';
import type { Net2Params } from '../../src/math/net2.js';
import { NET2_PARAMS, isNet2, net2Forward, net2Gradients, net2Loss, net2Params } from '../../src/math/net2.js';
import type { Network } from '../../src/math/network.js';
import { backward, cloneNetwork, createWorkspace, forward, loss, parameterBuffers } from '../../src/math/network.js';
import type { Optimizer, OptimizerConfig } from '../../src/math/optimizers.js';
import { createRng, type Rng } from '../../src/math/rng.js';
import { fit } from '../../src/train/fit.js';
import { P0, ROWS, plainStep } from '../fixtures/net2.js';
import { expectSameBits } from '../perf/same-bits.js';

type Point = Net2Params & { x1: number; x2: number; y: number };

/** The note's network written plainly: J on the probability, σ(z) = 1/(1 + e^{−z}). */
function noteLoss(p: Point): number {
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  const a1 = s(p.w11 * p.x1 + p.w21 * p.x2 + p.b1);
  const a2 = s(p.w12 * p.x1 + p.w22 * p.x2 + p.b2);
  const yhat = s(p.w1 * a1 + p.w2 * a2 + p.b3);
  return -(p.y * Math.log(yhat) + (1 - p.y) * Math.log(1 - yhat));
}

const uniform = (rng: Rng, r: number) => (2 * rng.next() - 1) * r;
function randomPoint(rng: Rng, range: number, softTarget = false): Point {
  const p = { x1: uniform(rng, 2), x2: uniform(rng, 2), y: softTarget ? rng.next() : rng.next() < 0.5 ? 0 : 1 } as Record<string, number>;
  for (const k of NET2_PARAMS) p[k] = uniform(rng, range);
  return p as unknown as Point;
}

/** A 2-2-1 Network holding p: w_ij at layers[0].weights[(j−1)·2 + (i−1)] (DESIGN.md). */
function toNetwork(p: Net2Params): Network {
  return {
    loss: 'bce',
    layers: [
      { inputs: 2, units: 2, activation: 'sigmoid', weights: Float64Array.from([p.w11, p.w21, p.w12, p.w22]), bias: Float64Array.from([p.b1, p.b2]) },
      { inputs: 2, units: 1, activation: 'sigmoid', weights: Float64Array.from([p.w1, p.w2]), bias: Float64Array.from([p.b3]) },
    ],
  };
}

function oneSample(p: Point) {
  const f = net2Forward(p, p.x1, p.x2);
  return { f, g: net2Gradients(p, p.x1, p.x2, f, f.yhat - p.y) };
}

describe('net2.ts: the nine gradients', () => {
  const SEED = 2024, POINTS = 200;
  it(`agree with central finite differences of the note's loss (seed ${SEED}, ${POINTS} points, weights in ±1.5, step 1e-6, tolerance 1e-7 mixed)`, () => {
    const rng = createRng(SEED);
    for (let k = 0; k < POINTS; k++) {
      const p = randomPoint(rng, 1.5);
      const { g } = oneSample(p);
      for (const name of NET2_PARAMS) {
        const h = 1e-6 * Math.max(1, Math.abs(p[name]));
        const fd = (noteLoss({ ...p, [name]: p[name] + h }) - noteLoss({ ...p, [name]: p[name] - h })) / (2 * h);
        const err = Math.abs(g[name] - fd) / Math.max(1, Math.abs(fd));
        if (!(err < 1e-7)) throw new Error(`point ${k}, ∂J/∂${name}: net2.ts ${g[name]}, finite difference ${fd}`);
      }
    }
  });

  it(`equal network.ts's generic backward on one row bit for bit, so within 1e-12 relative (seed ${SEED + 1}, ${POINTS} points, soft and hard targets)`, () => {
    const rng = createRng(SEED + 1);
    const ws = createWorkspace(toNetwork(P0), 1);
    for (let k = 0; k < POINTS; k++) {
      const p = randomPoint(rng, 3, k % 2 === 1);
      const net = toNetwork(p);
      const X = Float64Array.from([p.x1, p.x2]), Y = Float64Array.from([p.y]);
      forward(net, X, 1, ws);
      const refLoss = loss(net, Y, 1, ws);
      const { weights: [dW, dV], bias: [dB, dc] } = backward(net, X, Y, 1, ws);
      const { f, g } = oneSample(p);
      expectSameBits([f.z1, f.z2, f.a1, f.a2, f.zf, f.yhat], [ws.Z[0][0], ws.Z[0][1], ws.A[0][0], ws.A[0][1], ws.Z[1][0], ws.A[1][0]], `point ${k} forward`);
      expectSameBits([net2Loss(f, p.y)], [refLoss], `point ${k} loss`);
      expectSameBits(NET2_PARAMS.map((name) => g[name]), [...dW, ...dB, ...dV, ...dc], `point ${k} gradients in NET2_PARAMS order`);
      for (const [i, name] of NET2_PARAMS.entries()) {
        const ref = [...dW, ...dB, ...dV, ...dc][i];
        expect(Math.abs(g[name] - ref)).toBeLessThanOrEqual(1e-12 * Math.abs(ref));
      }
    }
  });

  it('are the notes\' corrected products: ∂J/∂z_f = ŷ − y, ∂J/∂w_i1 = x_i·w1·a1(1−a1)·(ŷ − y), ∂J/∂w_j = a_j·(ŷ − y) (seed 7, 50 points, 1e-12 relative)', () => {
    const rng = createRng(7);
    for (let k = 0; k < 50; k++) {
      const p = randomPoint(rng, 1.5);
      const { f, g } = oneSample(p);
      const e = f.yhat - p.y;
      const s1 = f.a1 * (1 - f.a1), s2 = f.a2 * (1 - f.a2);
      const want: Net2Params = {
        w11: p.x1 * p.w1 * s1 * e, w21: p.x2 * p.w1 * s1 * e, w12: p.x1 * p.w2 * s2 * e, w22: p.x2 * p.w2 * s2 * e,
        b1: p.w1 * s1 * e, b2: p.w2 * s2 * e, w1: f.a1 * e, w2: f.a2 * e, b3: e,
      };
      for (const name of NET2_PARAMS) {
        expect(Math.abs(g[name] - want[name]), `point ${k} ${name}`).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(want[name]), 1e-300));
      }
    }
  });

  it('stay finite at |z| = 1000: ŷ rounds to exactly 1, the right label costs e^{−600}, the wrong one |z_f|, every gradient finite', () => {
    const p = { w11: 500, w21: 500, w12: -500, w22: -500, b1: 0, b2: 0, w1: 600, w2: -400, b3: 0 };
    const f = net2Forward(p, 1, 1);
    expect(f.z1).toBe(1000);
    expect(f.zf).toBe(600);
    expect(f.yhat).toBe(1);
    expect(net2Loss(f, 1)).toBe(Math.log1p(Math.exp(-600)));
    expect(net2Loss(f, 1)).toBeGreaterThan(0);
    expect(net2Loss(f, 0)).toBe(600);
    const right = net2Gradients(p, 1, 1, f, f.yhat - 1);
    const wrong = net2Gradients(p, 1, 1, f, f.yhat - 0);
    for (const name of NET2_PARAMS) {
      expect(right[name], name).toBe(0);
      expect(Number.isFinite(wrong[name]), name).toBe(true);
    }
    expect(wrong.b3).toBe(1);
    expect(wrong.w1).toBe(1);
  });
});

describe('net2.ts on the fixture (test/fixtures/net2.ts: P0, 12 rows)', () => {
  it('one full-batch step from the mean of its gradients equals the fixture\'s plain scalar step (1e-12 relative) and lowers J', () => {
    const eta = 0.5;
    const g: Record<string, number> = Object.fromEntries(NET2_PARAMS.map((k) => [k, 0]));
    let J = 0;
    for (const [x1, x2, y] of ROWS) {
      const f = net2Forward(P0, x1, x2);
      J += net2Loss(f, y);
      const gr = net2Gradients(P0, x1, x2, f, f.yhat - y);
      for (const k of NET2_PARAMS) g[k] += gr[k];
    }
    const mine = Object.fromEntries(NET2_PARAMS.map((k) => [k, P0[k] - eta * (g[k] / ROWS.length)])) as unknown as Net2Params;
    const plain = { ...P0 };
    const plainJ = plainStep(plain, ROWS, eta);
    expect(Math.abs(J / ROWS.length - plainJ)).toBeLessThan(1e-12 * plainJ);
    for (const k of NET2_PARAMS) expect(Math.abs(mine[k] - plain[k]), k).toBeLessThanOrEqual(1e-12 * Math.abs(plain[k]));
    const after = ROWS.reduce((s, [x1, x2, y]) => s + net2Loss(net2Forward(mine, x1, x2), y), 0) / ROWS.length;
    expect(after).toBeLessThan(plainJ);
  });

  it('explain\'s notes check reports the same corrected gradients (notes/net2.ts net2CorrectGradients)', () => {
    const [x1, x2, y] = ROWS[1];
    const point: Net2Point = { ...P0, x1, x2, y, eta: 0.5 };
    expect(net2CorrectGradients(point)).toEqual(oneSample(point).g);
    // Slip 2 at this point: the note's (y − ŷ)·1 is minus the output-bias gradient.
    const f = net2Forward(P0, x1, x2);
    expect(net2CorrectGradients(point).b3).toBe(0 + (f.yhat - y));
    expect(net2CorrectGradients(point).b3).toBeLessThan(0);
  });
});

describe('the notes\' names agree everywhere', () => {
  it('NET2_PARAMS is the flat parameter order, net2Params reads it, and explain names each slot the same way', () => {
    const net = createNetwork({ inputs: 2, hidden: [2] }, createRng(3));
    const flat = parameterBuffers(net).flatMap((b) => [...b]);
    const p = net2Params(net);
    expect(NET2_PARAMS.map((k) => p[k])).toEqual(flat);
    const naming = createNaming(net);
    const slots = [naming.param(0, 0, 0), naming.param(0, 0, 1), naming.param(0, 1, 0), naming.param(0, 1, 1),
      naming.param(0, 0), naming.param(0, 1), naming.param(1, 0, 0), naming.param(1, 0, 1), naming.param(1, 0)];
    expect(slots).toEqual([...NET2_PARAMS]);
  });
});

describe('explain\'s trace of a 2-2-1 network is net2.ts\'s Net 2', () => {
  it('z1, a1, z2, a2, z_f, ŷ, the loss and δ1 = ∂J/∂z1, δ2, δ_f agree with net2.ts (seed 31, 100 points, 1e-12 relative)', () => {
    const rng = createRng(31);
    const close = (a: number, b: number, what: string) => {
      if (!(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-300))) throw new Error(`${what}: trace ${a}, net2.ts ${b}`);
    };
    for (let k = 0; k < 100; k++) {
      const p = randomPoint(rng, 2);
      const t = traceSample(toNetwork(p), [p.x1, p.x2], p.y);
      const { f, g } = oneSample(p);
      close(t.z[0][0], f.z1, `point ${k} z1`); close(t.a[0][0], f.a1, `point ${k} a1`);
      close(t.z[0][1], f.z2, `point ${k} z2`); close(t.a[0][1], f.a2, `point ${k} a2`);
      close(t.z[1][0], f.zf, `point ${k} z_f`); close(t.yhat, f.yhat, `point ${k} ŷ`);
      close(t.loss, net2Loss(f, p.y), `point ${k} J`);
      // δ_j = ∂J/∂z_j is ∂J/∂b_j in Net 2, and δ_f = ∂J/∂b3.
      close(t.delta[0][0], g.b1, `point ${k} δ1`); close(t.delta[0][1], g.b2, `point ${k} δ2`); close(t.delta[1][0], g.b3, `point ${k} δ_f`);
      close(t.delta[0][0] * p.x2, g.w21, `point ${k} δ1·x2 = ∂J/∂w21`);
    }
  });
});

describe('the 2-2-1 fast path (fast221.ts net221Path)', () => {
  const make = (spec: Parameters<typeof createNetwork>[0]) => createNetwork(spec, createRng(5));
  it('supports exactly Net 2\'s shape: 2-2-1, sigmoid hidden and output, BCE', () => {
    const run = (net: Network) => net221Path.supports({ net, data: { X: new Float64Array(2), Y: new Float64Array(1), n: 1 }, optimizer: undefined as unknown as Optimizer, batch: 1, l2: 0, options: {} });
    expect(run(make({ inputs: 2, hidden: [2] }))).toBe(true);
    expect(isNet2(make({ inputs: 2, hidden: [2] }))).toBe(true);
    expect(run(make({ inputs: 2, hidden: [2], activation: 'tanh' }))).toBe(false);
    expect(run(make({ inputs: 2, hidden: [2], loss: 'mse' }))).toBe(false);
    expect(run(make({ inputs: 2, hidden: [3] }))).toBe(false);
    expect(run(make({ inputs: 3, hidden: [2] }))).toBe(false);
    expect(run(make({ inputs: 2, hidden: [2, 2] }))).toBe(false);
  });

  /** An SGD-named optimizer whose step is its own (a clipped step): the path must call it, not inline θ − η·g. */
  function clippedSgd(shapes: number[]): Optimizer {
    const config: OptimizerConfig = { name: 'sgd', lr: 0.4 };
    let step = 0;
    return {
      config,
      step(params, grads) {
        step++;
        params.forEach((p, b) => { for (let i = 0; i < p.length; i++) p[i] -= config.lr * Math.max(-0.01, Math.min(0.01, grads[b][i])); });
      },
      getState: () => ({ step, moments: [] }),
      setState: (s) => { step = s.step; },
    } as Optimizer;
  }

  for (const simd of [false, true]) {
    for (const batchSize of [1, 32]) {
      it(`runs an optimizer fit did not build with that optimizer's own step (SIMD ${simd ? 'allowed' : 'off'}, batch ${batchSize}): the reference's bytes`, () => {
        const rng = createRng(12);
        const n = 64;
        const X = Float64Array.from({ length: 2 * n }, () => uniform(rng, 2));
        const Y = Float64Array.from({ length: n }, (_, i) => (X[2 * i] + X[2 * i + 1] > 0 ? 1 : 0));
        const base = make({ inputs: 2, hidden: [2] });
        const shapes = parameterBuffers(base).map((b) => b.length);
        const was = simd221Enabled();
        setSimd221Enabled(simd);
        try {
          const fastNet = cloneNetwork(base), refNet = cloneNetwork(base);
          const fast = fit(fastNet, { X, Y, n }, { epochs: 3, batchSize, optimizer: clippedSgd(shapes), rng: createRng(1), kernels: 'fast' });
          expect(lastChosenPath()).toBe(net221Path.name);
          const ref = fit(refNet, { X, Y, n }, { epochs: 3, batchSize, optimizer: clippedSgd(shapes), rng: createRng(1), kernels: 'reference' });
          const rp = parameterBuffers(refNet);
          parameterBuffers(fastNet).forEach((b, i) => expectSameBits(b, rp[i], `parameter buffer ${i}`));
          expectSameBits(fast.history.map((h) => h.loss), ref.history.map((h) => h.loss), 'epoch loss');
          // Not vacuous: the clipped step trains differently from plain SGD.
          const plain = cloneNetwork(base);
          fit(plain, { X, Y, n }, { epochs: 3, batchSize, optimizer: { name: 'sgd', lr: 0.4 }, rng: createRng(1), kernels: 'reference' });
          expect(parameterBuffers(plain)[0]).not.toEqual(rp[0]);
        } finally {
          setSimd221Enabled(was);
        }
      });
    }
  }
});

describe('docs/derivation.md points at the code that runs Net 2', () => {
  const doc = readFileSync(new URL('../../docs/derivation.md', import.meta.url), 'utf8');
  it('names src/math/net2.ts and every 2-2-1 file that computes or applies a step, and each named src/ file exists', () => {
    for (const file of ['src/math/net2.ts', 'src/accel/fast221.ts', 'src/accel/simd221.ts', 'src/accel/simd221Steps.ts']) {
      expect(doc, file).toContain(`\`${file}\``);
    }
    const named = [...doc.matchAll(/`(src\/[\w/.-]+\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    for (const file of new Set(named)) expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).toBe(true);
  });
});
