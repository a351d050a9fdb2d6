/**
 * A multilayer perceptron as plain data: each Dense layer holds `weights` [units × inputs]
 * row-major (weights[j·inputs + i] is input i → unit j) and `bias` [units]. No object per neuron.
 *
 * Forward and backward run over a batch of n rows in a Workspace that the caller owns and reuses:
 *   forward   Z = X·Wᵀ + b,  A = act(Z)
 *   backward  dZ = dA ⊙ act'(Z)   (fused ŷ − y for sigmoid + BCE and softmax + cross-entropy)
 *             dW = dZᵀ·X,  db = Σ_rows dZ,  dX = dZ·W   (the 1/n of the mean is already in dZ)
 */
import type { ActivationName } from './activations.js';
import { activate, activationBackward, activations } from './activations.js';
import type { LossName } from './losses.js';
import { lossGradient, losses, lossValue } from './losses.js';
import { addBiasRows, matmul, matmulTransA, matmulTransB, sumRows } from './kernels.js';

export interface Layer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: ActivationName;
  /** [units × inputs], weights[j * inputs + i] is the weight from input i to unit j. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export interface Network {
  readonly layers: Layer[];
  readonly loss: LossName;
}

/** Gradients shaped like the network's layers. */
export interface Gradients {
  readonly weights: Float64Array[];
  readonly bias: Float64Array[];
}

/** Scratch buffers for one batch size: the forward trace and the backward deltas. */
export interface Workspace {
  readonly capacity: number;
  /** Z[l], A[l]: pre-activations and activations of layer l, [capacity × units_l]. */
  readonly Z: Float64Array[];
  readonly A: Float64Array[];
  /** dZ[l] = ∂L/∂Z of layer l ("delta"). */
  readonly dZ: Float64Array[];
  /** dA[l] = ∂L/∂A of layer l. */
  readonly dA: Float64Array[];
  readonly grads: Gradients;
}

export function inputSize(net: Network): number {
  return net.layers[0].inputs;
}

export function outputSize(net: Network): number {
  return net.layers[net.layers.length - 1].units;
}

/** Checks the shapes and the loss/output pairing; throws a RangeError naming what is wrong. */
export function validateNetwork(net: Network): void {
  if (net.layers.length === 0) throw new RangeError('a network needs at least one layer');
  net.layers.forEach((layer, l) => {
    if (layer.units < 1 || layer.inputs < 1) throw new RangeError(`layers[${l}] must have at least one input and one unit`);
    if (layer.weights.length !== layer.units * layer.inputs) {
      throw new RangeError(`layers[${l}].weights must have ${layer.units}×${layer.inputs} values, got ${layer.weights.length}`);
    }
    if (layer.bias.length !== layer.units) throw new RangeError(`layers[${l}].bias must have ${layer.units} values, got ${layer.bias.length}`);
    if (l > 0 && layer.inputs !== net.layers[l - 1].units) {
      throw new RangeError(`layers[${l}] takes ${layer.inputs} inputs but layers[${l - 1}] has ${net.layers[l - 1].units} units`);
    }
  });
  const out = net.layers[net.layers.length - 1];
  const fusedWith = losses[net.loss].fusedWith;
  if (fusedWith !== undefined && out.activation !== fusedWith) {
    throw new RangeError(`loss "${net.loss}" needs a ${fusedWith} output layer, got "${out.activation}"`);
  }
  // A row-wise activation has no per-element derivative: only the last layer, under its fused loss.
  net.layers.forEach((layer, l) => {
    const spec = activations[layer.activation];
    if (spec.scope !== 'row') return;
    if (l !== net.layers.length - 1) throw new RangeError(`layers[${l}]: "${layer.activation}" is only an output activation`);
    if (net.loss !== spec.fusedLoss) throw new RangeError(`a ${layer.activation} output needs loss "${spec.fusedLoss}", got "${net.loss}"`);
  });
}

export function createWorkspace(net: Network, capacity: number): Workspace {
  const sized = () => net.layers.map((layer) => new Float64Array(capacity * layer.units));
  return {
    capacity,
    Z: sized(),
    A: sized(),
    dZ: sized(),
    dA: sized(),
    grads: createGradients(net),
  };
}

export function createGradients(net: Network): Gradients {
  return {
    weights: net.layers.map((layer) => new Float64Array(layer.weights.length)),
    bias: net.layers.map((layer) => new Float64Array(layer.bias.length)),
  };
}

/** Forward pass over n rows of X [n × inputs]; returns the output activations (a view into ws). */
export function forward(net: Network, X: Float64Array, n: number, ws: Workspace): Float64Array {
  if (n > ws.capacity) throw new RangeError(`batch of ${n} rows exceeds workspace capacity ${ws.capacity}`);
  let input = X;
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const Z = ws.Z[l];
    matmulTransB(Z, input, layer.weights, n, layer.inputs, layer.units);
    addBiasRows(Z, layer.bias, n, layer.units);
    activate(layer.activation, Z, ws.A[l], n * layer.units, layer.units);
    input = ws.A[l];
  }
  return input;
}

/** Mean loss of the last forward pass against targets Y [n × outputs]. */
export function loss(net: Network, Y: Float64Array, n: number, ws: Workspace, sampleWeight?: Float64Array): number {
  const last = net.layers.length - 1;
  const units = net.layers[last].units;
  return lossValue(net.loss, ws.Z[last], ws.A[last], Y, n * units, units, sampleWeight);
}

/**
 * Backward pass after `forward` on the same X and n: fills ws.grads with ∂L/∂W and ∂L/∂b of the
 * mean loss. Returns ws.grads.
 */
export function backward(
  net: Network, X: Float64Array, Y: Float64Array, n: number, ws: Workspace, sampleWeight?: Float64Array,
): Gradients {
  const last = net.layers.length - 1;
  const out = net.layers[last];
  const fused = lossGradient(net.loss, ws.Z[last], ws.A[last], Y, ws.dA[last], n * out.units, out.units, sampleWeight);
  if (fused) ws.dZ[last].set(ws.dA[last].subarray(0, n * out.units));
  for (let l = last; l >= 0; l--) {
    const layer = net.layers[l];
    const len = n * layer.units;
    if (l < last || !fused) activationBackward(layer.activation, ws.dA[l], ws.Z[l], ws.A[l], ws.dZ[l], len);
    const input = l === 0 ? X : ws.A[l - 1];
    matmulTransA(ws.grads.weights[l], ws.dZ[l], input, n, layer.units, layer.inputs);
    sumRows(ws.grads.bias[l], ws.dZ[l], n, layer.units);
    if (l > 0) matmul(ws.dA[l - 1], ws.dZ[l], layer.weights, n, layer.units, layer.inputs);
  }
  return ws.grads;
}

/** Probabilities (output activations) for n rows, in a new array [n × outputs]. */
export function predict(net: Network, X: Float64Array, n: number): Float64Array {
  const batch = Math.min(Math.max(n, 1), 4096);
  // Forward buffers only: a server predicts per request, and the backward buffers and gradients were over half of each call's allocations.
  const sized = () => net.layers.map((layer) => new Float64Array(batch * layer.units));
  const ws: Workspace = { capacity: batch, Z: sized(), A: sized(), dZ: [], dA: [], grads: { weights: [], bias: [] } };
  const k = inputSize(net);
  const m = outputSize(net);
  const result = new Float64Array(n * m);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    const out = forward(net, X.subarray(start * k, (start + rows) * k), rows, ws);
    result.set(out.subarray(0, rows * m), start * m);
  }
  return result;
}

/** A deep copy of the parameters (the shapes are shared, the buffers are not). */
export function cloneNetwork(net: Network): Network {
  return {
    loss: net.loss,
    layers: net.layers.map((layer) => ({
      ...layer,
      weights: Float64Array.from(layer.weights),
      bias: Float64Array.from(layer.bias),
    })),
  };
}

/** Parameter buffers in a fixed order [W0, b0, W1, b1, …], for optimizers. */
export function parameterBuffers(net: Network): Float64Array[] {
  return net.layers.flatMap((layer) => [layer.weights, layer.bias]);
}

export function gradientBuffers(grads: Gradients): Float64Array[] {
  return grads.weights.flatMap((w, l) => [w, grads.bias[l]]);
}
