/**
 * Note 004 (Net 2, the promotion network), evaluated on the network it means to describe:
 *   z1 = w11·x1 + w21·x2 + b1, a1 = σ(z1);  z2 = w12·x1 + w22·x2 + b2, a2 = σ(z2);
 *   z_f = w1·a1 + w2·a2 + b3, ŷ = σ(z_f);   J = −[y log ŷ + (1−y) log(1−ŷ)]
 * (w_ij: input i → hidden unit j, as in the note's second block). Each unit has its own bias; the
 * note's single shared b is checked as its own formula. The note's hidden-layer lines name the
 * weight w12 with a1, x and w: in the note's first block w12 multiplies x2 inside z1, so they are
 * read as the weight x2 → a1 (w21 here), with x = x2 and w = w1.
 */
import { sigmoid } from '../../math/activations.js';
import type { Net2Gradients, Net2Params } from '../../math/net2.js';
import { net2Forward as forward, net2Gradients, net2Loss } from '../../math/net2.js';
import type { FormulaSpec } from './formula.js';
import { central, centralInProbability } from './formula.js';

/** A point of the check: one sample (x1, x2, y), Net 2's parameters, and η. */
export interface Net2Point extends Net2Params {
  x1: number; x2: number; y: number;
  /** Learning rate for the update lines. */
  eta: number;
}

export const NOTE_004 = '004_71aa89032b144a76.txt';

/** Net 2's forward pass and loss at a point: math/net2.ts, the definition training runs. */
export function net2Forward(p: Net2Point) {
  const f = forward(p, p.x1, p.x2);
  return { ...f, loss: net2Loss(f, p.y) };
}

/** The nine corrected gradients at a point (math/net2.ts), what each slip's correction evaluates to. */
export function net2CorrectGradients(p: Net2Point): Net2Gradients {
  const f = forward(p, p.x1, p.x2);
  return net2Gradients(p, p.x1, p.x2, f, f.yhat - p.y);
}

const J = (p: Net2Point) => net2Forward(p).loss;
const dJ = (p: Net2Point, key: keyof Net2Point) => central((t) => J({ ...p, [key]: t }), p[key]);
/** The note's hidden-layer pieces: x, w, a1(1−a1), a2(1−a2), ŷ − y for the weight x2 → a1. */
const parts = (p: Net2Point) => {
  const f = net2Forward(p);
  return { x: p.x2, w: p.w1, s1: f.a1 * (1 - f.a1), s2: f.a2 * (1 - f.a2), err: f.yhat - p.y, f };
};
const bceOfYhat = (y: number) => (yhat: number) => -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat));
const hiddenReading = 'the note\'s w12 with a1 is the weight x2 → a1 (its first block puts w12·x2 in z1; w21 in the second block), x = x2, w = w1';
const hiddenCorrect = '∂J/∂w_i1 = x_i · w1 · a1(1−a1) · (ŷ − y)';

export const NET2_FORMULAS: readonly FormulaSpec<Net2Point>[] = [
  {
    name: 'header ŷ = Wx + b', slip: 6, asWritten: 'ŷ = Wx + b  (so ∂ŷ/∂b = 1)', latex: '\\hat{y} = Wx + b',
    reading: 'evaluated through its slope in the bias: as written ŷ is linear in b; the network\'s ŷ = σ(z_f)',
    corrected: 'z_f = w1·a1 + w2·a2 + b3 is the pre-activation, ŷ = σ(z_f), promoted when ŷ > 0.5 (`ŷ 70.5` reads ŷ > 0.5)',
    value: () => 1,
    finiteDifference: (p) => central((b3) => net2Forward({ ...p, b3 }).yhat, p.b3),
  },
  {
    name: 'first block z1 (w12 reused)', slip: 5, asWritten: 'z1 = w11·x1 + w12·x2 + b  (so ∂z1/∂w12 = x2)',
    latex: 'z_1 = w_{11} \\cdot x_1 + w_{12} \\cdot x_2 + b',
    reading: 'evaluated through ∂z1/∂w12; w12 is the weight x1 → a2 (second block), which z1 does not contain',
    corrected: 'z1 = w11·x1 + w21·x2 + b1 (the second block\'s indices; w12 belongs to z2)',
    value: (p) => p.x2,
    finiteDifference: (p) => central((w12) => net2Forward({ ...p, w12 }).z1, p.w12),
  },
  {
    name: 'one bias b shared by z1, z2, z_f', slip: 5, asWritten: '∂J/∂b = ŷ − y  (the output-bias gradient, for the b in every unit)',
    latex: 'z_f = w_1 \\cdot a_1 + w_2 \\cdot a_2 + b',
    reading: 'with one b in all three units, its gradient is the sum over the three places it enters; the note uses only the output\'s (sign corrected here, see slip 2)',
    corrected: 'give each unit its own bias (b1, b2, b3); a truly shared b has ∂J/∂b = (ŷ − y)·(1 + w1·a1(1−a1) + w2·a2(1−a2))',
    value: (p) => { const s = { ...p, b1: p.b3, b2: p.b3 }; return net2Forward(s).yhat - p.y; },
    finiteDifference: (p) => central((b) => J({ ...p, b1: b, b2: b, b3: b }), p.b3),
  },
  {
    name: '∂J/∂a (a = ŷ)', asWritten: '∂J/∂a = −y/ŷ + (1−y)/(1−ŷ)',
    latex: '\\frac{\\partial J}{\\partial a} = \\frac{-y}{\\hat{y}} + \\frac{(1-y)}{(1-\\hat{y})}',
    corrected: '∂J/∂ŷ = −y/ŷ + (1−y)/(1−ŷ)',
    value: (p) => { const { yhat } = net2Forward(p); return -p.y / yhat + (1 - p.y) / (1 - yhat); },
    finiteDifference: (p) => centralInProbability(bceOfYhat(p.y), net2Forward(p).yhat),
  },
  {
    name: '∂J/∂a, second form', asWritten: '∂J/∂a = −(y − ŷ)/(ŷ(1−ŷ))',
    latex: '-\\frac{(y-\\hat{y})}{\\hat{y}(1-\\hat{y})}',
    corrected: '∂J/∂ŷ = (ŷ − y)/(ŷ(1−ŷ))',
    value: (p) => { const { yhat } = net2Forward(p); return -(p.y - yhat) / (yhat * (1 - yhat)); },
    finiteDifference: (p) => centralInProbability(bceOfYhat(p.y), net2Forward(p).yhat),
  },
  {
    name: 'output sigmoid slope (written ∂J/∂z)', asWritten: '∂J/∂z = a(1−a)',
    latex: '\\frac{\\partial J}{\\partial z} = a(1-a)',
    reading: 'the factor ∂a/∂z of a = σ(z_f) = ŷ, as the same line multiplies it by ∂J/∂a',
    corrected: '∂ŷ/∂z_f = ŷ(1−ŷ)',
    value: (p) => { const { yhat } = net2Forward(p); return yhat * (1 - yhat); },
    finiteDifference: (p) => central(sigmoid, net2Forward(p).zf),
  },
  {
    name: 'output weight, factored', asWritten: '∂J/∂w = x · a(1−a) · ∂J/∂a',
    latex: '\\frac{\\partial J}{\\partial w} = x \\cdot a(1-a) \\cdot \\frac{\\partial J}{\\partial a}',
    reading: 'for the output weight w1, whose input x is a1',
    corrected: '∂J/∂w1 = a1 · ŷ(1−ŷ) · ∂J/∂ŷ',
    value: (p) => { const f = net2Forward(p); return f.a1 * f.yhat * (1 - f.yhat) * (-p.y / f.yhat + (1 - p.y) / (1 - f.yhat)); },
    finiteDifference: (p) => dJ(p, 'w1'),
  },
  {
    name: 'output local factor (written ∂J/∂w)', asWritten: '∂J/∂w = x_n',
    latex: '\\frac{\\partial J}{\\partial w} = x_n',
    reading: 'the local factor ∂z/∂w of the line before, for the output weight w1 (x_n = a1); the next line multiplies it by the error',
    corrected: '∂z_f/∂w1 = a1',
    value: (p) => net2Forward(p).a1,
    finiteDifference: (p) => central((w1) => net2Forward({ ...p, w1 }).zf, p.w1),
  },
  {
    name: 'output weight gradient', asWritten: '∂J/∂w = −(y − ŷ)·x_n',
    latex: '\\frac{\\partial J}{\\partial w} = -(y-\\hat{y})x_n',
    reading: 'for the output weight w1, whose input x_n is a1',
    corrected: '∂J/∂w1 = (ŷ − y)·a1',
    value: (p) => { const f = net2Forward(p); return -(p.y - f.yhat) * f.a1; },
    finiteDifference: (p) => dJ(p, 'w1'),
  },
  {
    name: 'output bias gradient', slip: 2, asWritten: '∂J/∂b = (y − ŷ)·1',
    latex: '\\frac{\\partial J}{\\partial b} = (y-\\hat{y}) \\cdot 1',
    corrected: '∂J/∂b3 = ŷ − y',
    value: (p) => p.y - net2Forward(p).yhat,
    finiteDifference: (p) => dJ(p, 'b3'),
  },
  {
    name: 'sigmoid slope ∂a/∂z', asWritten: '∂a/∂z = a(1−a) = ŷ(1−ŷ)',
    latex: '\\frac{\\partial a}{\\partial z} = a(1-a) = \\hat{y}(1-\\hat{y})',
    corrected: '∂ŷ/∂z_f = ŷ(1−ŷ)',
    value: (p) => { const { yhat } = net2Forward(p); return yhat * (1 - yhat); },
    finiteDifference: (p) => central(sigmoid, net2Forward(p).zf),
  },
  {
    name: '∂z⁽²⁾/∂a⁽¹⁾', asWritten: '∂z⁽²⁾/∂a⁽¹⁾ = w', latex: '\\frac{\\partial z^{(2)}}{\\partial a^{(1)}} = w',
    reading: 'for a1: w is w1', corrected: '∂z_f/∂a1 = w1',
    value: (p) => p.w1,
    finiteDifference: (p) => { const f = net2Forward(p); return central((a1) => p.w1 * a1 + p.w2 * f.a2 + p.b3, f.a1); },
  },
  {
    name: '∂z/∂w (hidden)', asWritten: '∂z/∂w = x_n', latex: '\\frac{\\partial z}{\\partial w} = xn',
    reading: 'for the weight x2 → a1: x_n is x2', corrected: '∂z1/∂w21 = x2',
    value: (p) => p.x2,
    finiteDifference: (p) => central((w21) => net2Forward({ ...p, w21 }).z1, p.w21),
  },
  {
    name: '∂z/∂b (hidden)', asWritten: '∂z/∂b = 1', latex: '\\frac{\\partial z}{\\partial b} = 1',
    corrected: '∂z1/∂b1 = 1', value: () => 1,
    finiteDifference: (p) => central((b1) => net2Forward({ ...p, b1 }).z1, p.b1),
  },
  {
    name: '∂f/∂a (output error)', slip: 3, asWritten: '∂f/∂a = −(ŷ − y)', latex: '\\frac{\\partial f}{\\partial a} = -(\\hat{y} - y)',
    reading: 'the error the hidden chain multiplies, ∂J/∂z_f (factors ∂J/∂ŷ·∂ŷ/∂z_f)',
    corrected: '∂J/∂z_f = ŷ − y', value: (p) => -(net2Forward(p).yhat - p.y),
    finiteDifference: (p) => dJ(p, 'b3'),
  },
  {
    name: 'hidden weight, δ line with a2(1−a2)', slip: 4, asWritten: '∂f/∂w12 = x · a1(1−a1) · w · a2(1−a2) · −(ŷ − y)',
    latex: '\\frac{\\partial f}{\\partial w_{12}} = x \\cdot a_1(1-a_1) \\cdot w \\cdot a_2(1-a_2) \\cdot -(\\hat{y} - y)',
    reading: hiddenReading, corrected: hiddenCorrect,
    value: (p) => { const q = parts(p); return q.x * q.s1 * q.w * q.s2 * -q.err; },
    finiteDifference: (p) => dJ(p, 'w21'),
  },
  {
    name: 'hidden weight gradient', slip: 3, asWritten: '∂f/∂w12 = −x · w · a1(1−a1) · (ŷ − y)',
    latex: '\\frac{\\partial f}{\\partial w_{12}} = -x \\cdot w \\cdot a_1(1-a_1) \\cdot (\\hat{y} - y)',
    reading: hiddenReading, corrected: hiddenCorrect,
    value: (p) => { const q = parts(p); return -q.x * q.w * q.s1 * q.err; },
    finiteDifference: (p) => dJ(p, 'w21'),
  },
  {
    name: 'hidden bias, δ line with a2(1−a2)', slip: 4, asWritten: '∂f/∂b = −1 · a1(1−a1) · w · a2(1−a2) · (ŷ − y)',
    latex: '\\frac{\\partial f}{\\partial b} = -1 \\cdot a_1(1-a_1) \\cdot w \\cdot a_2(1-a_2) \\cdot (\\hat{y} - y)',
    reading: 'the bias of unit 1 (b1), w = w1', corrected: '∂J/∂b1 = w1 · a1(1−a1) · (ŷ − y)',
    value: (p) => { const q = parts(p); return -1 * q.s1 * q.w * q.s2 * q.err; },
    finiteDifference: (p) => dJ(p, 'b1'),
  },
  {
    name: 'hidden bias gradient', slip: 3, asWritten: '∂f/∂b = −1 · a1(1−a1) · w · (ŷ − y)',
    latex: '\\frac{\\partial f}{\\partial b} = -1 \\cdot a_1(1-a_1) \\cdot w \\cdot (\\hat{y} - y)',
    reading: 'the bias of unit 1 (b1), w = w1', corrected: '∂J/∂b1 = w1 · a1(1−a1) · (ŷ − y)',
    value: (p) => { const q = parts(p); return -1 * q.s1 * q.w * q.err; },
    finiteDifference: (p) => dJ(p, 'b1'),
  },
  {
    name: 'weight update (the step −η·(…))', slip: 3, asWritten: 'w = w − η(−x · w · a1(1−a1) · (ŷ − y))',
    latex: 'w = w - \\eta (-x \\cdot w \\cdot a_1(1-a_1) \\cdot (\\hat{y} - y))',
    reading: `${hiddenReading}; compared: the step as written with the descent step −η·∂J/∂w21`,
    corrected: 'w ← w − η·∂J/∂w = w − η · x_i · w1 · a1(1−a1) · (ŷ − y)',
    value: (p) => { const q = parts(p); return -p.eta * (-q.x * q.w * q.s1 * q.err); },
    finiteDifference: (p) => -p.eta * dJ(p, 'w21'),
  },
  {
    name: 'bias update (the step −η·(…))', slip: 3, asWritten: 'b = b − η(−1 · w · a1(1−a1) · (ŷ − y))',
    latex: 'b = b - \\eta (-1 \\cdot w \\cdot a_1(1-a_1) \\cdot (\\hat{y} - y))',
    reading: 'the bias of unit 1 (b1), w = w1; compared: the step as written with the descent step −η·∂J/∂b1',
    corrected: 'b ← b − η·∂J/∂b = b − η · w1 · a1(1−a1) · (ŷ − y)',
    value: (p) => { const q = parts(p); return -p.eta * (-1 * q.w * q.s1 * q.err); },
    finiteDifference: (p) => -p.eta * dJ(p, 'b1'),
  },
];
