/**
 * The trace of one sample through the network, kept as plain per-unit numbers so every factor can
 * be read off it: z and a of every unit (from the library's forward pass), and the deltas
 * δ[l][j] = ∂L/∂z[l][j] recomputed here unit by unit, independently of the batched backward pass
 * that produces `gradient`:
 *   output     δ = ŷ − y                (sigmoid + BCE: the notes' factors (1)·(2) collapse)
 *              δₖ = ŷₖ − yₖ             (softmax + cross-entropy, per class k)
 *              δ = 2(ŷ − y)·act'(z)     (MSE; Huber's clipped ŷ − y in place of 2(ŷ − y))
 *   hidden     ∂L/∂a[l][j] = Σₖ w[l+1][k][j]·δ[l+1][k],   δ[l][j] = act'(z[l][j])·∂L/∂a[l][j]
 */
import type { ActivationName } from '../math/activations.js';
import { activations, sigmoid } from '../math/activations.js';
import type { Network } from '../math/network.js';
import { createWorkspace, forward } from '../math/network.js';
import { losses, lossValue } from '../math/losses.js';

export interface Trace {
  readonly x: readonly number[];
  /** The first output's target (the only one of a binary or regression model). */
  readonly y: number;
  /** Every output's target: one-hot for a softmax head. */
  readonly targets: readonly number[];
  /** z[l][j], a[l][j] per layer and unit. */
  readonly z: readonly (readonly number[])[];
  readonly a: readonly (readonly number[])[];
  /** The first output's activation; `a[last]` holds them all (a softmax head's probabilities). */
  readonly yhat: number;
  /** 1 − ŷ computed as σ(−z) so it keeps full precision when ŷ is near 1. */
  readonly oneMinusYhat: number;
  readonly loss: number;
  /** δ[l][j] = ∂L/∂z[l][j]. */
  readonly delta: readonly (readonly number[])[];
  /** ∂L/∂a[l][j] (for the output: ∂L/∂ŷ). */
  readonly dL_da: readonly (readonly number[])[];
}

/** Weight from input i to unit j of layer l. */
export function weightAt(net: Network, l: number, j: number, i: number): number {
  const layer = net.layers[l];
  return layer.weights[j * layer.inputs + i];
}

/** The layer's input i for this sample: x for layer 0, the previous layer's activation otherwise. */
export function layerInput(trace: Trace, l: number, i: number): number {
  return l === 0 ? trace.x[i] : trace.a[l - 1][i];
}

/**
 * Loss of one sample from its output logits, activations and targets, as the library's loss
 * computes it (BCE from the logit and cross-entropy as logsumexp − Σ yz: finite for any z).
 */
export function sampleLoss(net: Network, zOut: readonly number[], yhat: readonly number[], y: readonly number[]): number {
  const units = zOut.length;
  return lossValue(net.loss, Float64Array.from(zOut), Float64Array.from(yhat), Float64Array.from(y), units, units);
}

/** f'(z) of an element-wise activation; a row-wise one (softmax) has none and is never asked here. */
export function slope(name: ActivationName, z: number, a: number): number {
  const spec = activations[name];
  if (spec.scope === 'row') throw new RangeError(`${name} has no per-unit slope: it is fused with its loss`);
  return spec.df(z, a);
}

/** `y` is the target of a one-output model, or one target per output unit (one-hot for softmax). */
export function traceSample(net: Network, x: readonly number[], y: number | readonly number[]): Trace {
  const ws = createWorkspace(net, 1);
  forward(net, Float64Array.from(x), 1, ws);
  const z = net.layers.map((_, l) => Array.from(ws.Z[l]));
  const a = net.layers.map((_, l) => Array.from(ws.A[l]));
  const last = net.layers.length - 1;
  const out = net.layers[last];
  const targets = typeof y === 'number' ? [y] : [...y];
  if (targets.length !== out.units) throw new RangeError(`the model has ${out.units} outputs but ${targets.length} targets were given`);
  const zOut = z[last][0];
  const yhat = a[last][0];
  const oneMinusYhat = out.activation === 'sigmoid' ? sigmoid(-zOut) : 1 - yhat;

  const delta: number[][] = net.layers.map((layer) => new Array<number>(layer.units).fill(0));
  const dL_da: number[][] = net.layers.map((layer) => new Array<number>(layer.units).fill(0));
  // An element-wise loss is the mean over the output units; cross-entropy is one sum per row.
  const perUnit = 1 / out.units;
  for (let k = 0; k < out.units; k++) {
    const zk = z[last][k];
    const ak = a[last][k];
    const yk = targets[k];
    switch (net.loss) {
      case 'bce': {
        // On the probability as the notes write it, with 1 − ŷ at full precision; δ is the fused ŷ − y.
        const oneMinus = sigmoid(-zk);
        dL_da[last][k] = -(yk / ak - (1 - yk) / oneMinus) * perUnit;
        delta[last][k] = (ak - yk) * perUnit;
        break;
      }
      case 'mse':
      case 'huber':
        dL_da[last][k] = losses[net.loss].gradient(zk, ak, yk) * perUnit;
        delta[last][k] = dL_da[last][k] * slope(out.activation, zk, ak);
        break;
      case 'cross_entropy':
        // ∂L/∂ŷₖ = −yₖ/ŷₖ; the softmax's Jacobian turns the row of them into the fused ŷₖ − yₖ.
        dL_da[last][k] = -yk / ak;
        delta[last][k] = ak - yk;
        break;
      default: {
        const unknown: never = net.loss;
        throw new RangeError(`unknown loss "${String(unknown)}"`);
      }
    }
  }
  for (let l = last - 1; l >= 0; l--) {
    const layer = net.layers[l];
    const next = net.layers[l + 1];
    for (let j = 0; j < layer.units; j++) {
      let s = 0;
      for (let k = 0; k < next.units; k++) s += weightAt(net, l + 1, k, j) * delta[l + 1][k];
      dL_da[l][j] = s;
      delta[l][j] = s * slope(layer.activation, z[l][j], a[l][j]);
    }
  }
  const loss = sampleLoss(net, z[last], a[last], targets);
  return { x: [...x], y: targets[0], targets, z, a, yhat, oneMinusYhat, loss, delta, dL_da };
}

/**
 * ∂ŷ/∂x of the encoded input row: the same recursion with ŷ in place of L
 * (∂ŷ/∂z_out = act'(z_out), then ∂ŷ/∂a = Wᵀ·∂ŷ/∂z layer by layer). For a softmax head ŷ is output
 * `unit`'s probability p_c, and ∂p_c/∂zₖ = p_c(δ_ck − pₖ) over every output unit k.
 */
export function predictionInputGradient(net: Network, trace: Trace, unit = 0): number[] {
  const last = net.layers.length - 1;
  const out = net.layers[last];
  const p = trace.a[last];
  let g = activations[out.activation].scope === 'row'
    ? p.map((pk, k) => p[unit] * ((k === unit ? 1 : 0) - pk))
    : [slope(out.activation, trace.z[last][0], trace.yhat)];
  for (let l = last; l >= 0; l--) {
    const layer = net.layers[l];
    const below = new Array<number>(layer.inputs).fill(0);
    for (let i = 0; i < layer.inputs; i++) {
      for (let j = 0; j < layer.units; j++) below[i] += weightAt(net, l, j, i) * g[j];
    }
    if (l === 0) return below;
    const prev = net.layers[l - 1];
    g = below.map((d, j) => d * slope(prev.activation, trace.z[l - 1][j], trace.a[l - 1][j]));
  }
  return g;
}
