/**
 * The trace of one sample through the network, kept as plain per-unit numbers so every factor can
 * be read off it: z and a of every unit (from the library's forward pass), and the deltas
 * δ[l][j] = ∂L/∂z[l][j] recomputed here unit by unit, independently of the batched backward pass
 * that produces `gradient`:
 *   output     δ = ŷ − y                (sigmoid + BCE: the notes' factors (1)·(2) collapse)
 *              δ = 2(ŷ − y)·act'(z)     (MSE)
 *   hidden     ∂L/∂a[l][j] = Σₖ w[l+1][k][j]·δ[l+1][k],   δ[l][j] = act'(z[l][j])·∂L/∂a[l][j]
 */
import { activations, sigmoid } from '../math/activations.js';
import type { Network } from '../math/network.js';
import { createWorkspace, forward } from '../math/network.js';
import { losses } from '../math/losses.js';

export interface Trace {
  readonly x: readonly number[];
  readonly y: number;
  /** z[l][j], a[l][j] per layer and unit. */
  readonly z: readonly (readonly number[])[];
  readonly a: readonly (readonly number[])[];
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

/** Loss of one sample from the output logit and activation (BCE from the logit, finite for any z). */
export function sampleLoss(net: Network, zOut: number, yhat: number, y: number): number {
  return losses[net.loss].value(zOut, yhat, y);
}

export function traceSample(net: Network, x: readonly number[], y: number): Trace {
  const ws = createWorkspace(net, 1);
  forward(net, Float64Array.from(x), 1, ws);
  const z = net.layers.map((_, l) => Array.from(ws.Z[l]));
  const a = net.layers.map((_, l) => Array.from(ws.A[l]));
  const last = net.layers.length - 1;
  const zOut = z[last][0];
  const yhat = a[last][0];
  const out = net.layers[last];
  const oneMinusYhat = out.activation === 'sigmoid' ? sigmoid(-zOut) : 1 - yhat;

  const delta: number[][] = net.layers.map((layer) => new Array<number>(layer.units).fill(0));
  const dL_da: number[][] = net.layers.map((layer) => new Array<number>(layer.units).fill(0));
  switch (net.loss) {
    case 'bce':
      // On the probability as the notes write it, with 1 − ŷ at full precision; δ is the fused ŷ − y.
      dL_da[last][0] = -(y / yhat - (1 - y) / oneMinusYhat);
      delta[last][0] = yhat - y;
      break;
    case 'mse':
      dL_da[last][0] = 2 * (yhat - y);
      delta[last][0] = dL_da[last][0] * activations[out.activation].df(zOut, yhat);
      break;
    default: {
      const unknown: never = net.loss;
      throw new RangeError(`unknown loss "${String(unknown)}"`);
    }
  }
  for (let l = last - 1; l >= 0; l--) {
    const layer = net.layers[l];
    const next = net.layers[l + 1];
    for (let j = 0; j < layer.units; j++) {
      let s = 0;
      for (let k = 0; k < next.units; k++) s += weightAt(net, l + 1, k, j) * delta[l + 1][k];
      dL_da[l][j] = s;
      delta[l][j] = s * activations[layer.activation].df(z[l][j], a[l][j]);
    }
  }
  return { x: [...x], y, z, a, yhat, oneMinusYhat, loss: sampleLoss(net, zOut, yhat, y), delta, dL_da };
}

/**
 * ∂ŷ/∂x of the encoded input row: the same recursion with ŷ in place of L
 * (∂ŷ/∂z_out = act'(z_out), then ∂ŷ/∂a = Wᵀ·∂ŷ/∂z layer by layer).
 */
export function predictionInputGradient(net: Network, trace: Trace): number[] {
  const last = net.layers.length - 1;
  const out = net.layers[last];
  let g = [activations[out.activation].df(trace.z[last][0], trace.yhat)];
  for (let l = last; l >= 0; l--) {
    const layer = net.layers[l];
    const below = new Array<number>(layer.inputs).fill(0);
    for (let i = 0; i < layer.inputs; i++) {
      for (let j = 0; j < layer.units; j++) below[i] += weightAt(net, l, j, i) * g[j];
    }
    if (l === 0) return below;
    const prev = net.layers[l - 1];
    g = below.map((d, j) => d * activations[prev.activation].df(trace.z[l - 1][j], trace.a[l - 1][j]));
  }
  return g;
}
