/**
 * Explaining one sample: the loss, every gradient, each gradient's chain-rule factors with the
 * backprop value and a finite-difference check, one gradient-descent step, and (given the
 * model's inputs) how the prediction depends on each input. Works on any network; the model is
 * never changed (finite differences and the step use copies).
 */
import type { Network } from '../math/network.js';
import type { ModelInput } from '../model/schema.js';
import type { ParamFactors, StepReport, Truncation } from './types.js';
import { createNaming, forEachParameter } from './naming.js';
import { traceSample } from './trace.js';
import { backpropGradients, finiteDifferenceGradients, type SampleTarget } from './check.js';
import { flatIndex, nestedGradients, paramRecord } from './records.js';
import { explainLargeNetwork } from './large.js';
import { isLargeNetwork } from './size.js';
import { gradientStep } from './step.js';
import type { DecisionLabels, InputExplanation } from './prediction.js';
import { explainInputs } from './prediction.js';
import { UnknownParameterError } from '../errors.js';

export interface ExplainOptions {
  /** Learning rate η of the illustrated gradient-descent step (default 0.5, the CLI's default). */
  lr?: number;
  /** Only this parameter's factors (its JSON name or terminal label); all when undefined. */
  param?: string;
  /** The model's inputs and the raw record, for the per-input explanation. */
  inputs?: { readonly model: readonly ModelInput[]; readonly record: Record<string, unknown>; readonly labels: DecisionLabels };
}

export interface NetworkExplanation {
  readonly loss: number;
  /** The first output's activation (ŷ; a softmax head's first class: see `outputs`). */
  readonly prediction: number;
  readonly target: number;
  /** Every output unit's activation, for a network with several (a softmax head's probabilities). */
  readonly outputs?: number[];
  readonly gradients: { readonly layers: { weights: number[][]; bias: number[] }[] };
  readonly factors: ParamFactors[];
  readonly check: {
    /** max |backprop − finite difference| over every parameter (a large network: over the listed factors). */
    readonly maxAbsDiff: number;
    /** max |factor product − backprop| over the same parameters. */
    readonly maxProductDiff: number;
    /** A large network only: how many parameters the check covers (the listed factors). */
    readonly parameters?: number;
  };
  readonly step: StepReport;
  /** Every parameter name, in file order (what `param` accepts); absent for a large network. */
  readonly parameters?: string[];
  readonly inputs?: InputExplanation[];
  /** A large network explained without `param`: only some factors are listed (large.ts). */
  readonly truncated?: true;
  readonly truncation?: Truncation;
}

export const DEFAULT_LR = 0.5;

export { UnknownParameterError };

/**
 * `y` is the target of a one-output network, or one target per output unit (a softmax head's
 * one-hot row): the factors then start at each class's fused ∂L/∂zₖ = ŷₖ − yₖ, and a hidden
 * unit's chain takes the δ-sum over the k output units.
 */
export function explainNetwork(net: Network, x: readonly number[], y: SampleTarget, options: ExplainOptions = {}): NetworkExplanation {
  const outputs = net.layers[net.layers.length - 1].units;
  if (typeof y !== 'number' && y.length !== outputs) throw new RangeError(`explain needs ${outputs} targets (one per output unit), got ${y.length}`);
  if (typeof y === 'number' && outputs !== 1) throw new RangeError(`explain needs ${outputs} targets (one per output unit) for this network, got one number`);
  if (x.length !== net.layers[0].inputs) throw new RangeError(`explain needs ${net.layers[0].inputs} encoded inputs, got ${x.length}`);
  // One rule for every face: a large network gets the bounded document (large.ts).
  if (isLargeNetwork(net)) return explainLargeNetwork(net, x, y, { ...options, lr: options.lr ?? DEFAULT_LR });
  return explainEveryParameter(net, x, y, options);
}

/** The full document, every parameter's factors and finite difference, whatever the network's size. */
export function explainEveryParameter(net: Network, x: readonly number[], y: SampleTarget, options: ExplainOptions = {}): NetworkExplanation {
  const outputs = net.layers[net.layers.length - 1].units;
  const naming = createNaming(net);
  const trace = traceSample(net, x, y);
  const grads = backpropGradients(net, x, y);
  const fd = finiteDifferenceGradients(net, x, y);
  const factors: ParamFactors[] = [];
  let maxAbsDiff = 0;
  let maxProductDiff = 0;
  forEachParameter(net, (l, j, i) => {
    const index = flatIndex(net, l, j, i);
    const gradient = i === undefined ? grads.bias[l][index] : grads.weights[l][index];
    const finiteDifference = i === undefined ? fd.bias[l][index] : fd.weights[l][index];
    const record = paramRecord(net, trace, naming, l, j, i, gradient, finiteDifference);
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(gradient - finiteDifference));
    maxProductDiff = Math.max(maxProductDiff, Math.abs(record.product - gradient));
    factors.push(record);
  });
  const parameters = factors.map((f) => f.param);
  let shown = factors;
  if (options.param !== undefined) {
    shown = factors.filter((f) => f.param === options.param || f.label === options.param);
    if (shown.length === 0) throw new UnknownParameterError(options.param, parameters);
  }
  return {
    loss: trace.loss,
    prediction: trace.yhat,
    target: typeof y === 'number' ? y : y[0],
    ...(outputs > 1 ? { outputs: [...trace.a[net.layers.length - 1]] } : {}),
    gradients: { layers: nestedGradients(net, grads) },
    factors: shown,
    check: { maxAbsDiff, maxProductDiff },
    step: gradientStep(net, grads, x, y, options.lr ?? DEFAULT_LR, naming),
    parameters,
    ...(options.inputs ? { inputs: explainInputs(net, options.inputs.model, options.inputs.record, trace, options.inputs.labels) } : {}),
  };
}
