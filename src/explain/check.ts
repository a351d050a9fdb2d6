/**
 * The two independent references a factor product is checked against: the network's batched
 * backward pass, and a central finite difference of the loss. The finite difference perturbs the
 * parameter in a copy of the network, so explaining never changes the model it explains.
 */
import type { Gradients, Network } from '../math/network.js';
import { backward, cloneNetwork, createWorkspace, forward, loss } from '../math/network.js';

/** Step of the central difference, relative to the parameter's size (truncation ~h², rounding ~ε/h). */
export const FD_STEP = 1e-6;

/** Loss of one encoded row under `net`. */
/** One target per output unit (a softmax head's one-hot row), or the single output's target. */
export type SampleTarget = number | readonly number[];

export function targetRow(y: SampleTarget): Float64Array {
  return typeof y === 'number' ? Float64Array.of(y) : Float64Array.from(y);
}

export function lossAt(net: Network, x: readonly number[], y: SampleTarget): number {
  const ws = createWorkspace(net, 1);
  forward(net, Float64Array.from(x), 1, ws);
  return loss(net, targetRow(y), 1, ws);
}

/** ∂L/∂θ for every parameter of one sample, from the library's backward pass (copied out). */
export function backpropGradients(net: Network, x: readonly number[], y: SampleTarget): Gradients {
  const ws = createWorkspace(net, 1);
  const X = Float64Array.from(x);
  const Y = targetRow(y);
  forward(net, X, 1, ws);
  const grads = backward(net, X, Y, 1, ws);
  return { weights: grads.weights.map((w) => Float64Array.from(w)), bias: grads.bias.map((b) => Float64Array.from(b)) };
}

/** (L(θ+h) − L(θ−h))/2h for `buffer[index]` of `copy`, restoring it after use. */
function centralDifference(copy: Network, buffer: Float64Array, index: number, x: readonly number[], y: SampleTarget, step: number): number {
  const old = buffer[index];
  const h = step * Math.max(1, Math.abs(old));
  buffer[index] = old + h;
  const up = lossAt(copy, x, y);
  buffer[index] = old - h;
  const down = lossAt(copy, x, y);
  buffer[index] = old;
  return (up - down) / (2 * h);
}

/**
 * Central finite differences (L(θ+h) − L(θ−h))/2h for every parameter, in the layout of
 * Gradients. Works on one private copy of the network, restoring each parameter after use.
 */
export function finiteDifferenceGradients(net: Network, x: readonly number[], y: SampleTarget, step = FD_STEP): Gradients {
  const copy = cloneNetwork(net);
  return {
    weights: copy.layers.map((layer) => Float64Array.from(layer.weights, (_, k) => centralDifference(copy, layer.weights, k, x, y, step))),
    bias: copy.layers.map((layer) => Float64Array.from(layer.bias, (_, k) => centralDifference(copy, layer.bias, k, x, y, step))),
  };
}

/**
 * The same central difference for one parameter (weights[j][i] of layer l, bias[j] when i is
 * undefined), bit for bit what finiteDifferenceGradients gives it: for explaining a few
 * parameters of a large network. `copy` is the caller's private copy (cloneNetwork), left unchanged.
 */
export function finiteDifferenceAt(
  copy: Network, x: readonly number[], y: SampleTarget, l: number, j: number, i: number | undefined, step = FD_STEP,
): number {
  const layer = copy.layers[l];
  return i === undefined ? centralDifference(copy, layer.bias, j, x, y, step) : centralDifference(copy, layer.weights, j * layer.inputs + i, x, y, step);
}
