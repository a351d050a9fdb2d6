/**
 * Parameter initialisation from a seeded generator, as each activation's record names it
 * (activations.ts `init`): Xavier/Glorot (uniform, limit √(6/(in+out))) for sigmoid, tanh and
 * linear units; He (normal, std √(2/in)) for the relu family. Biases start at 0.
 */
import type { Rng } from './rng.js';
import type { ActivationName } from './activations.js';
import { activations } from './activations.js';
import type { LossName } from './losses.js';
import type { Network } from './network.js';
import { validateNetwork } from './network.js';

export interface NetworkSpec {
  /** Number of input features. */
  inputs: number;
  /** Hidden-layer widths, e.g. [2] for the notes' 2-2-1 network. */
  hidden: number[];
  /** Activation of the hidden layers (default sigmoid). */
  activation?: ActivationName;
  /** Output units (default 1). */
  outputs?: number;
  /** Output activation (default sigmoid). */
  outputActivation?: ActivationName;
  /** Loss (default bce). */
  loss?: LossName;
}

export function initWeights(weights: Float64Array, inputs: number, units: number, activation: ActivationName, rng: Rng): void {
  const init = activations[activation].init;
  switch (init) {
    case 'he': {
      const std = Math.sqrt(2 / inputs);
      for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * std;
      return;
    }
    case 'xavier': {
      const limit = Math.sqrt(6 / (inputs + units));
      for (let i = 0; i < weights.length; i++) weights[i] = (2 * rng.next() - 1) * limit;
      return;
    }
    default: {
      const unknown: never = init;
      throw new RangeError(`unknown initialiser "${String(unknown)}"`);
    }
  }
}

export function createNetwork(spec: NetworkSpec, rng: Rng): Network {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs ?? 1];
  const net: Network = {
    loss: spec.loss ?? 'bce',
    layers: widths.slice(1).map((units, l) => {
      const inputs = widths[l];
      const activation = l === widths.length - 2 ? spec.outputActivation ?? 'sigmoid' : spec.activation ?? 'sigmoid';
      const weights = new Float64Array(units * inputs);
      initWeights(weights, inputs, units, activation, rng);
      return { inputs, units, activation, weights, bias: new Float64Array(units) };
    }),
  };
  validateNetwork(net);
  return net;
}
