/** Between the model file's nested arrays and the network's flat Float64Array buffers. */
import type { Network } from '../math/network.js';
import type { ModelFile, ModelLayer } from './schema.js';

export function modelToNetwork(model: ModelFile): Network {
  return {
    loss: model.loss,
    layers: model.layers.map((layer) => ({
      inputs: layer.weights[0].length,
      units: layer.weights.length,
      activation: layer.activation,
      weights: Float64Array.from(layer.weights.flat()),
      bias: Float64Array.from(layer.bias),
    })),
  };
}

export function networkLayers(net: Network): ModelLayer[] {
  return net.layers.map((layer) => ({
    activation: layer.activation,
    weights: Array.from({ length: layer.units }, (_, j) =>
      Array.from(layer.weights.subarray(j * layer.inputs, (j + 1) * layer.inputs))),
    bias: Array.from(layer.bias),
  }));
}

/** A model file with the network's current parameters. */
export function withNetwork(model: ModelFile, net: Network): ModelFile {
  return { ...model, loss: net.loss, layers: networkLayers(net) };
}
