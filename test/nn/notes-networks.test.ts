/**
 * The two networks of the notes, with their gradients written out here from the notes' own factors
 * (corrected where the notes slip, see notes/README.md), never from the code under test:
 *
 * Net 1 (note 000): z = x·w1 + b1, z' = z·w2 + b2, ŷ = σ(z'), L = −[y log ŷ + (1−y) log(1−ŷ)]
 *   (1) ∂L/∂ŷ = −[y/ŷ − (1−y)/(1−ŷ)]    (2) ∂ŷ/∂z' = e^{−z'}/(1+e^{−z'})²
 *   (3) ∂z'/∂z = w2   (4) ∂z/∂w1 = x   (5) ∂z/∂b1 = 1   (6) ∂z'/∂w2 = z   (7) ∂z'/∂b2 = 1
 *
 * Net 2 (note 004): a1 = σ(w11·x1 + w21·x2 + b1), a2 = σ(w12·x1 + w22·x2 + b2),
 *   ŷ = σ(w1·a1 + w2·a2 + b3); ∂J/∂z_f = ∂J/∂ŷ · ŷ(1−ŷ); ∂J/∂w_ij = x_i · w_j · a_j(1−a_j) · ∂J/∂z_f.
 */
import { describe, expect, it } from 'vitest';
import { closeRelative } from './reference.js';
import type { RefLayer } from './reference.js';
import { libraryGradients } from './bridge.js';
import { parseModel } from '../../src/model/schema.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { backward, createWorkspace, forward, loss } from '../../src/math/network.js';

const REL = 1e-12;
const sigma = (z: number) => 1 / (1 + Math.exp(-z));

function expectRel(actual: number, expected: number, what: string): void {
  if (!closeRelative(actual, expected, REL)) {
    throw new Error(`${what}: library ${actual} vs closed form ${expected} (rel diff ${Math.abs(actual - expected) / Math.abs(expected)})`);
  }
}

// ---------- Net 1 ----------
interface Net1Params { w1: number; b1: number; w2: number; b2: number }

/** The four gradients of Net 1 for one sample, from factors (1)–(7). */
function net1ClosedForm(p: Net1Params, x: number, y: number) {
  const z = x * p.w1 + p.b1;
  const zp = z * p.w2 + p.b2;
  const yhat = 1 / (1 + Math.exp(-zp));
  const f1 = -(y / yhat - (1 - y) / (1 - yhat));
  const f2 = Math.exp(-zp) / (1 + Math.exp(-zp)) ** 2;
  const f3 = p.w2;
  const f4 = x;
  const f5 = 1;
  const f6 = z;
  const f7 = 1;
  return {
    loss: -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat)),
    yhat,
    w1: f1 * f2 * f3 * f4,
    b1: f1 * f2 * f3 * f5,
    w2: f1 * f2 * f6,
    b2: f1 * f2 * f7,
  };
}

function net1Layers(p: Net1Params): RefLayer[] {
  return [
    { activation: 'linear', weights: [[p.w1]], bias: [p.b1] },
    { activation: 'sigmoid', weights: [[p.w2]], bias: [p.b2] },
  ];
}

const README_POINT = { p: { w1: 0.8, b1: -0.3, w2: 1.3, b2: 0.4 }, x: 0.9, y: 0 };

const NET1_CASES: { p: Net1Params; x: number; y: number }[] = [
  README_POINT,
  { p: { w1: 0.8, b1: -0.3, w2: 1.3, b2: 0.4 }, x: 0.9, y: 1 },
  { p: { w1: -1.7, b1: 0.25, w2: 0.6, b2: -0.9 }, x: 2.5, y: 0.3 },
  { p: { w1: 0.05, b1: 1.1, w2: -2.2, b2: 0.7 }, x: -3, y: 1 },
];

describe('Net 1 (1 → linear → sigmoid, BCE): the four gradients equal factors (1)–(7) to 1e-12', () => {
  for (const c of NET1_CASES) {
    it(`x=${c.x} y=${c.y} w1=${c.p.w1} b1=${c.p.b1} w2=${c.p.w2} b2=${c.p.b2}`, () => {
      const want = net1ClosedForm(c.p, c.x, c.y);
      const got = libraryGradients(net1Layers(c.p), 'bce', [[c.x]], [[c.y]]);
      expectRel(got.output[0][0], want.yhat, 'ŷ');
      expectRel(got.loss, want.loss, 'L');
      expectRel(got.weights[0][0][0], want.w1, '∂L/∂w1');
      expectRel(got.bias[0][0], want.b1, '∂L/∂b1');
      expectRel(got.weights[1][0][0], want.w2, '∂L/∂w2');
      expectRel(got.bias[1][0], want.b2, '∂L/∂b2');
    });
  }

  it('README point x=0.9, y=0, w1=0.8, b1=−0.3, w2=1.3, b2=0.4: ∂L/∂w1 = 0.842763 (published), not the slip 1.001004', () => {
    const { p, x, y } = README_POINT;
    const got = libraryGradients(net1Layers(p), 'bce', [[x]], [[y]]);
    expect(Math.abs(got.weights[0][0][0] - 0.842763)).toBeLessThan(5e-7);
    // The note's final line puts e^{−z} where e^{−z'} belongs.
    const z = x * p.w1 + p.b1;
    const yhat = sigma((x * p.w1 + p.b1) * p.w2 + p.b2);
    const slip = -(y / yhat - (1 - y) / (1 - yhat)) * (Math.exp(-z) / (1 + Math.exp(-z)) ** 2) * p.w2 * x;
    expect(Math.abs(slip - 1.001004)).toBeLessThan(5e-7);
    expect(Math.abs(got.weights[0][0][0] - slip)).toBeGreaterThan(0.15);
  });

  it('batched: the mean over 5 rows equals the mean of the per-row closed forms (w1=0.8 b1=−0.3 w2=1.3 b2=0.4)', () => {
    const p = README_POINT.p;
    const rows = [[0.9, 0], [-1.2, 1], [0.1, 0.3], [2.4, 1], [-0.5, 0]];
    const got = libraryGradients(net1Layers(p), 'bce', rows.map((r) => [r[0]]), rows.map((r) => [r[1]]));
    const per = rows.map(([x, y]) => net1ClosedForm(p, x, y));
    const mean = (k: 'loss' | 'w1' | 'b1' | 'w2' | 'b2') => per.reduce((s, g) => s + g[k], 0) / rows.length;
    expectRel(got.loss, mean('loss'), 'mean L');
    expectRel(got.weights[0][0][0], mean('w1'), 'mean ∂L/∂w1');
    expectRel(got.bias[0][0], mean('b1'), 'mean ∂L/∂b1');
    expectRel(got.weights[1][0][0], mean('w2'), 'mean ∂L/∂w2');
    expectRel(got.bias[1][0], mean('b2'), 'mean ∂L/∂b2');
  });
});

// ---------- Net 2 ----------
interface Net2Params {
  w11: number; w21: number; w12: number; w22: number; b1: number; b2: number;
  w1: number; w2: number; b3: number;
}

/** The nine gradients of Net 2 for one sample, from the notes' factors with the sign corrected. */
function net2ClosedForm(p: Net2Params, x1: number, x2: number, y: number) {
  const a1 = sigma(p.w11 * x1 + p.w21 * x2 + p.b1);
  const a2 = sigma(p.w12 * x1 + p.w22 * x2 + p.b2);
  const yhat = sigma(p.w1 * a1 + p.w2 * a2 + p.b3);
  const dJ_dyhat = -(y / yhat - (1 - y) / (1 - yhat));
  const dyhat_dzf = yhat * (1 - yhat);
  const dJ_dzf = dJ_dyhat * dyhat_dzf;
  const dJ_dz1 = dJ_dzf * p.w1 * a1 * (1 - a1);
  const dJ_dz2 = dJ_dzf * p.w2 * a2 * (1 - a2);
  return {
    yhat,
    loss: -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat)),
    w11: x1 * dJ_dz1, w21: x2 * dJ_dz1, b1: dJ_dz1,
    w12: x1 * dJ_dz2, w22: x2 * dJ_dz2, b2: dJ_dz2,
    w1: a1 * dJ_dzf, w2: a2 * dJ_dzf, b3: dJ_dzf,
  };
}

/** DESIGN.md: w_ij (input i → hidden unit j) is layers[0].weights[j−1][i−1]. */
function net2Layers(p: Net2Params): RefLayer[] {
  return [
    { activation: 'sigmoid', weights: [[p.w11, p.w21], [p.w12, p.w22]], bias: [p.b1, p.b2] },
    { activation: 'sigmoid', weights: [[p.w1, p.w2]], bias: [p.b3] },
  ];
}

const P2: Net2Params = { w11: 0.15, w21: -0.4, w12: 0.6, w22: 0.35, b1: 0.1, b2: -0.25, w1: 1.2, w2: -0.8, b3: 0.05 };
const P2b: Net2Params = { w11: -1.3, w21: 2.1, w12: 0.45, w22: -0.7, b1: -0.6, b2: 0.9, w1: -2.0, w2: 1.7, b3: 0.3 };

const NET2_CASES = [
  { p: P2, x1: 5, x2: 3.5, y: 1 },
  { p: P2, x1: 1, x2: 4.2, y: 0 },
  { p: P2b, x1: 0.4, x2: -1.1, y: 0.3 },
  { p: P2b, x1: -2, x2: 0.75, y: 1 },
];

const NAMES = ['w11', 'w21', 'w12', 'w22', 'b1', 'b2', 'w1', 'w2', 'b3'] as const;

/** The library's gradients under the notes' names, via DESIGN.md's index mapping. */
function byName(g: { weights: number[][][]; bias: number[][] }): Record<(typeof NAMES)[number], number> {
  return {
    w11: g.weights[0][0][0], w21: g.weights[0][0][1], w12: g.weights[0][1][0], w22: g.weights[0][1][1],
    b1: g.bias[0][0], b2: g.bias[0][1], w1: g.weights[1][0][0], w2: g.weights[1][0][1], b3: g.bias[1][0],
  };
}

describe('Net 2 (2-2-1 sigmoid, BCE): the nine gradients equal the corrected closed forms to 1e-12', () => {
  for (const c of NET2_CASES) {
    it(`x1=${c.x1} x2=${c.x2} y=${c.y} ${JSON.stringify(c.p)}`, () => {
      const want = net2ClosedForm(c.p, c.x1, c.x2, c.y);
      const got = libraryGradients(net2Layers(c.p), 'bce', [[c.x1, c.x2]], [[c.y]]);
      expectRel(got.output[0][0], want.yhat, 'ŷ');
      expectRel(got.loss, want.loss, 'J');
      const named = byName(got);
      for (const k of NAMES) expectRel(named[k], want[k], `∂J/∂${k}`);
    });
  }

  it('batched: the mean over 6 rows equals the mean of the per-row closed forms', () => {
    const rows = [[5, 3.5, 1], [1, 4.2, 0], [0.4, -1.1, 0.3], [-2, 0.75, 1], [3.3, 0.2, 0], [7, 4.9, 1]];
    for (const p of [P2, P2b]) {
      const got = libraryGradients(net2Layers(p), 'bce', rows.map((r) => [r[0], r[1]]), rows.map((r) => [r[2]]));
      const per = rows.map(([x1, x2, y]) => net2ClosedForm(p, x1, x2, y));
      const named = byName(got);
      expectRel(got.loss, per.reduce((s, g) => s + g.loss, 0) / rows.length, 'mean J');
      for (const k of NAMES) expectRel(named[k], per.reduce((s, g) => s + g[k], 0) / rows.length, `mean ∂J/∂${k}`);
    }
  });

  it('a hand-written model file maps w_ij to layers[0].weights[j−1][i−1] (x1=5 x2=3.5 y=1)', () => {
    const p = P2;
    const model = parseModel({
      format: 'chainrule/model', version: 1,
      inputs: [{ name: 'years_experience', kind: 'numeric' }, { name: 'performance_score', kind: 'numeric' }],
      target: { name: 'promoted', positive: '1' },
      layers: [
        { activation: 'sigmoid', weights: [[p.w11, p.w21], [p.w12, p.w22]], bias: [p.b1, p.b2] },
        { activation: 'sigmoid', weights: [[p.w1, p.w2]], bias: [p.b3] },
      ],
      loss: 'bce', threshold: 0.5,
    });
    const net = modelToNetwork(model);
    const ws = createWorkspace(net, 1);
    const X = Float64Array.of(5, 3.5);
    const Y = Float64Array.of(1);
    forward(net, X, 1, ws);
    const want = net2ClosedForm(p, 5, 3.5, 1);
    expectRel(loss(net, Y, 1, ws), want.loss, 'J');
    const g = backward(net, X, Y, 1, ws);
    // weights[j][i] flattened row-major: [w11, w21, w12, w22].
    expectRel(g.weights[0][0], want.w11, '∂J/∂w11');
    expectRel(g.weights[0][1], want.w21, '∂J/∂w21');
    expectRel(g.weights[0][2], want.w12, '∂J/∂w12');
    expectRel(g.weights[0][3], want.w22, '∂J/∂w22');
  });
});
