/**
 * Note 000 (Net 1): z = x·w1 + b1 (no activation), z' = z·w2 + b2, ŷ = σ(z'),
 * L = −[y log ŷ + (1−y) log(1−ŷ)]; its factors (1)–(7) and the four gradients built from them.
 */
import { sigmoid } from '../../math/activations.js';
import { bceFromLogit } from '../../math/losses.js';
import type { FormulaSpec } from './formula.js';
import { central, centralInProbability } from './formula.js';

export interface Net1Point { x: number; y: number; w1: number; b1: number; w2: number; b2: number }

export const NOTE_000 = '000_f07800b800138cf1.txt';

/** The README's example point, where the note's ∂L/∂w1 gives 1.001004 and the truth is 0.842763. */
export const README_POINT: Net1Point = { x: 0.9, y: 0, w1: 0.8, b1: -0.3, w2: 1.3, b2: 0.4 };

export function net1Forward(p: Net1Point): { z: number; zp: number; yhat: number; loss: number } {
  const z = p.x * p.w1 + p.b1;
  const zp = z * p.w2 + p.b2;
  return { z, zp, yhat: sigmoid(zp), loss: bceFromLogit(zp, p.y) };
}

const loss = (p: Net1Point) => net1Forward(p).loss;
/** The note's factor (1) and its sigmoid factor, exactly as written. */
const f1 = (p: Net1Point) => { const { yhat } = net1Forward(p); return -(p.y / yhat - (1 - p.y) / (1 - yhat)); };
const sigmoidSlope = (t: number) => Math.exp(-t) / (1 + Math.exp(-t)) ** 2;
const bceOfYhat = (y: number) => (yhat: number) => -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat));

const factor1 = '−[y/ŷ − (1−y)/(1−ŷ)]';
const factor1Latex = '- \\left[\\frac{y}{\\hat{y}} - \\frac{(1-y)}{(1-\\hat{y})} \\right]';

export const NET1_FORMULAS: readonly FormulaSpec<Net1Point>[] = [
  {
    name: 'factor (1) ∂L/∂ŷ', asWritten: `∂L/∂ŷ = ${factor1}`,
    latex: '\\frac{\\partial L}{\\partial \\hat{y}} = - \\left[\\frac{y}{\\hat{y}} - \\frac{1-y}{1-\\hat{y}} \\right]',
    corrected: `∂L/∂ŷ = ${factor1}`, value: f1,
    finiteDifference: (p) => centralInProbability(bceOfYhat(p.y), net1Forward(p).yhat),
  },
  {
    name: "factor (2) ∂ŷ/∂z'", asWritten: "∂ŷ/∂z' = e^{−z'}/(1+e^{−z'})²",
    latex: "\\frac{\\partial \\hat{y}}{\\partial z'} = \\frac{e^{-z'}}{(1+e^{-z'})^2}",
    corrected: "∂ŷ/∂z' = e^{−z'}/(1+e^{−z'})² = ŷ(1−ŷ)", value: (p) => sigmoidSlope(net1Forward(p).zp),
    finiteDifference: (p) => central(sigmoid, net1Forward(p).zp),
  },
  {
    name: "factor (3) ∂z'/∂z", asWritten: "∂z'/∂z = w2", latex: "\\frac{\\partial z'}{\\partial z} = w_2",
    corrected: "∂z'/∂z = w2", value: (p) => p.w2,
    finiteDifference: (p) => central((z) => z * p.w2 + p.b2, net1Forward(p).z),
  },
  {
    name: 'factor (4) ∂z/∂w1', asWritten: '∂z/∂w1 = x', latex: '\\frac{\\partial z}{\\partial w_1} = x',
    corrected: '∂z/∂w1 = x', value: (p) => p.x,
    finiteDifference: (p) => central((w1) => p.x * w1 + p.b1, p.w1),
  },
  {
    name: 'factor (5) ∂z/∂b1', asWritten: '∂z/∂b1 = 1', latex: '\\frac{\\partial z}{\\partial b_1} = 1',
    corrected: '∂z/∂b1 = 1', value: () => 1,
    finiteDifference: (p) => central((b1) => p.x * p.w1 + b1, p.b1),
  },
  {
    name: "factor (6) ∂z'/∂w2", asWritten: "∂z'/∂w2 = z", latex: "\\frac{\\partial z'}{\\partial w_2} = z",
    corrected: "∂z'/∂w2 = z", value: (p) => net1Forward(p).z,
    finiteDifference: (p) => central((w2) => net1Forward(p).z * w2 + p.b2, p.w2),
  },
  {
    name: "factor (7) ∂z'/∂b2", asWritten: "∂z'/∂b2 = 1", latex: "\\frac{\\partial z'}{\\partial b_2} = 1",
    corrected: "∂z'/∂b2 = 1", value: () => 1,
    finiteDifference: (p) => central((b2) => net1Forward(p).z * p.w2 + b2, p.b2),
  },
  {
    name: '∂L/∂w1', slip: 1, asWritten: `∂L/∂w1 = ${factor1} · e^{−z}/(1+e^{−z})² · w2 · x`,
    latex: `\\frac{\\partial L}{\\partial w_1} = ${factor1Latex} \\left[\\frac{e^{-z}}{(1+e^{-z})^2} \\right] [w_2] [x]`,
    corrected: `∂L/∂w1 = ${factor1} · e^{−z'}/(1+e^{−z'})² · w2 · x = (ŷ − y)·w2·x`,
    value: (p) => f1(p) * sigmoidSlope(net1Forward(p).z) * p.w2 * p.x,
    finiteDifference: (p) => central((w1) => loss({ ...p, w1 }), p.w1),
  },
  {
    name: '∂L/∂b1', asWritten: `∂L/∂b1 = ${factor1} · e^{−z'}/(1+e^{−z'})² · w2`,
    latex: `\\frac{\\partial L}{\\partial b_1} = ${factor1Latex} \\left[\\frac{e^{-z'}}{(1+e^{-z'})^2} \\right] [w_2]`,
    corrected: `∂L/∂b1 = (ŷ − y)·w2`,
    value: (p) => f1(p) * sigmoidSlope(net1Forward(p).zp) * p.w2,
    finiteDifference: (p) => central((b1) => loss({ ...p, b1 }), p.b1),
  },
  {
    name: '∂L/∂w2', asWritten: `∂L/∂w2 = ${factor1} · e^{−z'}/(1+e^{−z'})² · z`,
    latex: `\\frac{\\partial L}{\\partial w_2} = ${factor1Latex} \\left[\\frac{e^{-z'}}{(1+e^{-z'})^2} \\right] [z]`,
    corrected: '∂L/∂w2 = (ŷ − y)·z',
    value: (p) => f1(p) * sigmoidSlope(net1Forward(p).zp) * net1Forward(p).z,
    finiteDifference: (p) => central((w2) => loss({ ...p, w2 }), p.w2),
  },
  {
    name: '∂L/∂b2', asWritten: `∂L/∂b2 = ${factor1} · e^{−z'}/(1+e^{−z'})²`,
    latex: `\\frac{\\partial L}{\\partial b_2} = ${factor1Latex} \\left[\\frac{e^{-z'}}{(1+e^{-z'})^2} \\right]`,
    corrected: '∂L/∂b2 = ŷ − y',
    value: (p) => f1(p) * sigmoidSlope(net1Forward(p).zp),
    finiteDifference: (p) => central((b2) => loss({ ...p, b2 }), p.b2),
  },
];
