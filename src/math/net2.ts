/**
 * The notes' Net 2 (note 004, the promotion network) in the notes' names, for one sample:
 *   z1 = w11·x1 + w21·x2 + b1,  a1 = σ(z1)        z2 = w12·x1 + w22·x2 + b2,  a2 = σ(z2)
 *   z_f = w1·a1 + w2·a2 + b3,   ŷ = σ(z_f),       J = −[y log ŷ + (1−y) log(1−ŷ)]
 * with the notes' slips corrected (notes/README.md): every unit has its own bias (slip 5), ŷ is
 * σ(z_f), not z_f (slip 6), ∂J/∂z_f = ŷ − y with no sigmoid factor left (slip 4), and the hidden
 * gradients carry no extra minus sign (slips 2 and 3). `w_ij` is input i → hidden unit j, which a
 * Network keeps at `layers[0].weights[(j−1)·2 + (i−1)]` (a model file at `weights[j-1][i-1]`).
 *
 * Each value is computed with the reference's floating-point operations in the reference's order
 * (network.ts `forward`/`backward` on one row): dot products start at 0 (which turns −0 into +0),
 * σ and the loss come from e^{−|z|}, and each gradient is its chain-rule product taken output side
 * first, ((ŷ − y)·w1·a1(1−a1))·x_i, as backpropagation multiplies it. So these are the reference's
 * bits, not merely its values: the 2-2-1 fast path (accel/fast221.ts) is a loop over them.
 */
import type { Network } from './network.js';

/** Net 2's nine parameters under the notes' names. */
export interface Net2Params {
  /** Input x1 → hidden unit 1. */
  readonly w11: number;
  /** Input x2 → hidden unit 1 (slot `w01` of the WebAssembly kernels, which name the row-major positions). */
  readonly w21: number;
  /** Input x1 → hidden unit 2. */
  readonly w12: number;
  /** Input x2 → hidden unit 2. */
  readonly w22: number;
  /** Bias of hidden unit 1. */
  readonly b1: number;
  /** Bias of hidden unit 2. */
  readonly b2: number;
  /** Hidden unit 1 → output. */
  readonly w1: number;
  /** Hidden unit 2 → output. */
  readonly w2: number;
  /** Bias of the output unit. */
  readonly b3: number;
}

/**
 * The parameters in the order of the flat vector [layers[0].weights, layers[0].bias,
 * layers[1].weights, layers[1].bias], the slots the fast paths keep them in.
 */
export const NET2_PARAMS = ['w11', 'w21', 'w12', 'w22', 'b1', 'b2', 'w1', 'w2', 'b3'] as const;

/** One sample's forward pass. */
export interface Net2Forward {
  readonly z1: number;
  /** a1 = σ(z1). */
  readonly a1: number;
  readonly z2: number;
  /** a2 = σ(z2). */
  readonly a2: number;
  /** z_f = w1·a1 + w2·a2 + b3, the output's pre-activation (the notes' header calls it ŷ: slip 6). */
  readonly zf: number;
  /** ŷ = σ(z_f); promoted when ŷ > 0.5 (the note's `ŷ 70.5`). */
  readonly yhat: number;
  /** e^{−|z_f|}: σ(z_f) and the loss both start from it, so it is computed once. */
  readonly ef: number;
}

/** ∂J/∂θ for each of the nine parameters, keyed by the parameter's name. */
export interface Net2Gradients {
  /** ∂J/∂w11 = x1 · w1 · a1(1−a1) · (ŷ − y): factors ∂z1/∂w11 · ∂z_f/∂a1 · ∂a1/∂z1 · ∂J/∂z_f. */
  readonly w11: number;
  /** ∂J/∂w21 = x2 · w1 · a1(1−a1) · (ŷ − y), the note's corrected hidden line (slip 3; the note names it w12). */
  readonly w21: number;
  /** ∂J/∂w12 = x1 · w2 · a2(1−a2) · (ŷ − y). */
  readonly w12: number;
  /** ∂J/∂w22 = x2 · w2 · a2(1−a2) · (ŷ − y). */
  readonly w22: number;
  /** ∂J/∂b1 = 1 · w1 · a1(1−a1) · (ŷ − y), the note's hidden bias line corrected (slips 3, 4). */
  readonly b1: number;
  /** ∂J/∂b2 = 1 · w2 · a2(1−a2) · (ŷ − y). */
  readonly b2: number;
  /** ∂J/∂w1 = a1 · (ŷ − y): the note's −(y − ŷ)·x_n with x_n = a1. */
  readonly w1: number;
  /** ∂J/∂w2 = a2 · (ŷ − y). */
  readonly w2: number;
  /** ∂J/∂b3 = ŷ − y, the note's (y − ŷ)·1 with its sign corrected (slip 2). */
  readonly b3: number;
}

/** σ(z) from e = e^{−|z|}, exactly the reference `sigmoid` (for z < 0 it is e^{z}/(1 + e^{z})). */
function logistic(z: number, e: number): number {
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** The forward pass of one sample (x1, x2). */
export function net2Forward(p: Net2Params, x1: number, x2: number): Net2Forward {
  // `0 +`: the reference's dot product starts its sum at 0, then the bias is added.
  const z1 = 0 + p.w11 * x1 + p.w21 * x2 + p.b1;
  const a1 = logistic(z1, Math.exp(-Math.abs(z1)));
  const z2 = 0 + p.w12 * x1 + p.w22 * x2 + p.b2;
  const a2 = logistic(z2, Math.exp(-Math.abs(z2)));
  const zf = 0 + p.w1 * a1 + p.w2 * a2 + p.b3;
  const ef = Math.exp(-Math.abs(zf));
  return { z1, a1, z2, a2, zf, yhat: logistic(zf, ef), ef };
}

/**
 * J = −[y log ŷ + (1−y) log(1−ŷ)] of one sample, computed from the logit as
 * max(z_f, 0) − z_f·y + log(1 + e^{−|z_f|}) (losses.ts `bceFromLogit`), finite at |z_f| = 1000.
 */
export function net2Loss(f: Net2Forward, y: number): number {
  return (f.zf > 0 ? f.zf : 0) - f.zf * y + Math.log1p(f.ef);
}

/**
 * The nine gradients of one sample, given its forward pass and δ_f = ∂J/∂z_f. For one sample on
 * its own δ_f = ŷ − y (the note's ∂J/∂ŷ · ∂ŷ/∂z_f, in which the output sigmoid's slope cancels:
 * slip 4); a batch's mean loss passes (ŷ − y)·(1/n)·(sample weight), as the reference does. Each
 * result is the reference's one-row gradient bit for bit (a sum over one row, started at 0), so a
 * batch's gradient is these summed in row order.
 */
export function net2Gradients(p: Net2Params, x1: number, x2: number, f: Net2Forward, dJ_dzf: number): Net2Gradients {
  // δ1 = ∂J/∂z1 = (∂J/∂z_f · ∂z_f/∂a1) · ∂a1/∂z1 = ((ŷ − y)·w1) · a1(1−a1); likewise δ2.
  const delta1 = (0 + dJ_dzf * p.w1) * f.a1 * (1 - f.a1);
  const delta2 = (0 + dJ_dzf * p.w2) * f.a2 * (1 - f.a2);
  return {
    w11: 0 + delta1 * x1, w21: 0 + delta1 * x2, w12: 0 + delta2 * x1, w22: 0 + delta2 * x2,
    b1: 0 + delta1, b2: 0 + delta2,
    w1: 0 + dJ_dzf * f.a1, w2: 0 + dJ_dzf * f.a2, b3: 0 + dJ_dzf,
  };
}

/** True for Net 2's shape: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output, BCE. */
export function isNet2(net: Network): boolean {
  if (net.loss !== 'bce' || net.layers.length !== 2) return false;
  const [hidden, out] = net.layers;
  return hidden.inputs === 2 && hidden.units === 2 && hidden.activation === 'sigmoid'
    && out.inputs === 2 && out.units === 1 && out.activation === 'sigmoid';
}

/** A 2-2-1 network's parameters under the notes' names. */
export function net2Params(net: Network): Net2Params {
  const [W, B] = [net.layers[0].weights, net.layers[0].bias];
  const [V, c] = [net.layers[1].weights, net.layers[1].bias];
  return { w11: W[0], w21: W[1], w12: W[2], w22: W[3], b1: B[0], b2: B[1], w1: V[0], w2: V[1], b3: c[0] };
}
