/** Between the test oracle's nested arrays and the library's flat Float64Array network. */
import type { Network } from '../../src/math/network.js';
import { backward, createWorkspace, forward, loss } from '../../src/math/network.js';
import type { RefLayer } from './reference.js';

export function toNetwork(layers: RefLayer[], lossName: 'bce' | 'mse'): Network {
  return {
    loss: lossName,
    layers: layers.map((layer) => ({
      inputs: layer.weights[0].length,
      units: layer.weights.length,
      activation: layer.activation,
      weights: Float64Array.from(layer.weights.flat()),
      bias: Float64Array.from(layer.bias),
    })),
  };
}

export function toRefLayers(net: Network): RefLayer[] {
  return net.layers.map((layer) => ({
    activation: layer.activation as RefLayer['activation'],
    weights: Array.from({ length: layer.units }, (_, j) =>
      Array.from(layer.weights.subarray(j * layer.inputs, (j + 1) * layer.inputs))),
    bias: Array.from(layer.bias),
  }));
}

export function flat(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

/** The library's mean loss and its backprop gradients, reshaped like RefLayer (weights[j][i]). */
export function libraryGradients(
  layers: RefLayer[], lossName: 'bce' | 'mse', X: number[][], Y: number[][], sampleWeight?: number[],
): { loss: number; output: number[][]; weights: number[][][]; bias: number[][] } {
  const net = toNetwork(layers, lossName);
  const n = X.length;
  const ws = createWorkspace(net, n);
  const Xf = flat(X);
  const Yf = flat(Y);
  const sw = sampleWeight ? Float64Array.from(sampleWeight) : undefined;
  const out = forward(net, Xf, n, ws);
  const units = net.layers[net.layers.length - 1].units;
  const output = Array.from({ length: n }, (_, r) => Array.from(out.subarray(r * units, (r + 1) * units)));
  const value = loss(net, Yf, n, ws, sw);
  const grads = backward(net, Xf, Yf, n, ws, sw);
  return {
    loss: value,
    output,
    weights: net.layers.map((layer, l) =>
      Array.from({ length: layer.units }, (_, j) =>
        Array.from(grads.weights[l].subarray(j * layer.inputs, (j + 1) * layer.inputs)))),
    bias: grads.bias.map((b) => Array.from(b)),
  };
}

/** A small seeded generator for test data (mulberry32), independent of the library's RNG. */
export function testRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
