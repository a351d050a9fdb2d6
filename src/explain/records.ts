/**
 * The per-parameter pieces of an explanation, shared by the full document (explain.ts) and the
 * bounded one of a large network (large.ts), so a factor is built the same way in both.
 */
import type { Gradients, Network } from '../math/network.js';
import type { ParamFactors } from './types.js';
import type { Naming } from './naming.js';
import type { Trace } from './trace.js';
import { parameterChain } from './factors.js';

/** Index of weights[j][i] (or bias[j] when i is undefined) in its layer's flat buffer. */
export function flatIndex(net: Network, l: number, j: number, i: number | undefined): number {
  return i === undefined ? j : j * net.layers[l].inputs + i;
}

/** ∂L/∂θ of one parameter, read from the backward pass's buffers. */
export function gradientAt(net: Network, grads: Gradients, l: number, j: number, i: number | undefined): number {
  return i === undefined ? grads.bias[l][j] : grads.weights[l][flatIndex(net, l, j, i)];
}

/** One parameter's labelled chain with its backprop gradient and finite difference. */
export function paramRecord(
  net: Network, trace: Trace, naming: Naming, l: number, j: number, i: number | undefined, gradient: number, finiteDifference: number,
): ParamFactors {
  return {
    param: naming.param(l, j, i),
    label: naming.label(l, j, i),
    layer: l,
    kind: i === undefined ? 'bias' : 'weight',
    unit: j,
    ...(i === undefined ? {} : { input: i }),
    ...parameterChain(net, trace, naming, l, j, i),
    gradient,
    finiteDifference,
  };
}

/** The gradients shaped like the model file's layers: weights[j][i] and bias[j]. */
export function nestedGradients(net: Network, grads: Gradients): { weights: number[][]; bias: number[] }[] {
  return net.layers.map((layer, l) => ({
    weights: Array.from({ length: layer.units }, (_, j) => Array.from(grads.weights[l].subarray(j * layer.inputs, (j + 1) * layer.inputs))),
    bias: Array.from(grads.bias[l]),
  }));
}
