/**
 * Explaining one prediction of a model file: what the CLI's `explain`, HTTP `/explain` and the
 * library's `explain` call. A model file, one raw input record and a target in; the DESIGN.md
 * explain document out. The target is per task: binary a number in [0, 1], multiclass a class
 * name, regression a number in raw units (the loss is on the network's standardised scale, the
 * prediction in raw units). The record is checked and encoded by the rules every face uses
 * (app/predict.ts checkColumns, model/encoding.ts); the chain-rule math is src/explain's. Input
 * problems throw InputError naming the field (`target`, `lr`, `param`, `input` or the input's
 * name), which the CLI maps to exit 2 and the service to 400.
 */
import type { ModelFile } from '../model/schema.js';
import { encodedWidth, regressionTarget, regressionValue, taskOf } from '../model/schema.js';
import type { DecisionLabels } from '../explain/prediction.js';
import { modelToNetwork } from '../model/convert.js';
import { assertFinitePredictions } from '../model/guard.js';
import { encodeRecord } from '../model/encoding.js';
import { predict } from '../math/network.js';
import type { NetworkExplanation } from '../explain/explain.js';
import { DEFAULT_LR, explainNetwork } from '../explain/explain.js';
import { InputError, UnknownParameterError } from '../errors.js';
import { checkColumns } from './predict.js';

export interface ExplainDocument extends Omit<NetworkExplanation, 'prediction' | 'target'> {
  /** Binary P(positive); multiclass every class's probability; regression the value in raw units. */
  readonly prediction: number | Record<string, number>;
  /** As given: a number (binary, regression in raw units) or a class name. */
  readonly target: number | string;
  /** Binary only. */
  readonly threshold?: number;
  /** The decision for this input: "promoted" / "not promoted", or the predicted class (absent for regression). */
  readonly label?: string;
  readonly inputs: NonNullable<NetworkExplanation['inputs']>;
}

export interface ExplainModelOptions {
  /** Learning rate of the illustrated step (default: the model's training rate, else 0.5). */
  lr?: number;
  /** Explain only this parameter (the notes' names such as `w11`, or `layers[l].weights[j][i]`). */
  param?: string;
}

/** The learning rate recorded in the model's training block, if any. */
function trainedLr(model: ModelFile): number | undefined {
  const optimizer = model.training?.optimizer as { lr?: unknown } | undefined;
  const lr = optimizer?.lr;
  return typeof lr === 'number' && Number.isFinite(lr) && lr > 0 ? lr : undefined;
}

/** The network's target row for the explain target of the model's task; errors name `target`. */
function networkTarget(model: ModelFile, target: unknown): number | number[] {
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    if (typeof target !== 'string' || !classes.includes(target)) {
      throw new InputError('target', `target must be one of the classes ${classes.join(', ')}, got ${JSON.stringify(target)}`);
    }
    return classes.map((c) => (c === target ? 1 : 0));
  }
  if (model.task === 'regression') {
    if (typeof target !== 'number' || !Number.isFinite(target)) {
      throw new InputError('target', `target must be a number (${model.target.name} in its raw units), got ${JSON.stringify(target)}`);
    }
    return regressionTarget(model, target);
  }
  if (typeof target !== 'number' || !Number.isFinite(target) || target < 0 || target > 1) {
    throw new InputError('target', `target must be a number in [0, 1], got ${JSON.stringify(target)}`);
  }
  return target;
}

/** How the per-input explanation reads the outputs of the model's head. */
function decisionLabels(model: ModelFile, target: number | string): DecisionLabels {
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    const argmax = (out: Float64Array) => {
      let best = 0;
      for (let c = 1; c < classes.length; c++) if (out[c] > out[best]) best = c;
      return best;
    };
    // The class predicted now: its lead over the runner-up is the margin, zero where another takes over.
    let now = -1;
    const margin = (out: Float64Array) => {
      if (now < 0) now = argmax(out);
      let other = -Infinity;
      for (let c = 0; c < classes.length; c++) if (c !== now) other = Math.max(other, out[c]);
      return out[now] - other;
    };
    return {
      threshold: 0, positive: '', negative: '',
      head: {
        value: (out) => out[argmax(out)],
        margin,
        decision: (out) => classes[argmax(out)],
        crossing: (out) => {
          let best = -1;
          for (let c = 0; c < classes.length; c++) if (c !== now && (best < 0 || out[c] > out[best])) best = c;
          return `classified as ${classes[best]}`;
        },
      },
    };
  }
  if (model.task === 'regression') {
    const v = target as number;
    return {
      threshold: 0, positive: '', negative: '',
      head: {
        value: (out) => regressionValue(model, out[0]),
        margin: (out) => regressionValue(model, out[0]) - v,
        decision: (out) => (regressionValue(model, out[0]) >= v ? 'at or above' : 'below'),
        crossing: () => `reaches ${v}`,
      },
    };
  }
  return { threshold: model.threshold, positive: model.target.name, negative: `not ${model.target.name}` };
}

export function explainModel(
  model: ModelFile, input: Record<string, unknown>, target: number | string, options: ExplainModelOptions = {},
): ExplainDocument {
  const y = networkTarget(model, target);
  if (options.lr !== undefined && !(typeof options.lr === 'number' && Number.isFinite(options.lr) && options.lr > 0)) {
    throw new InputError('lr', `lr must be a positive number, got ${JSON.stringify(options.lr)}`);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError('input', `input must be an object of input name → value, got ${JSON.stringify(input)}`);
  }
  checkColumns(model, [input]);
  const row = new Float64Array(encodedWidth(model.inputs));
  encodeRecord(model.inputs, input, row);
  const net = modelToNetwork(model);
  // An input that overflows inside the network (∞ − ∞ → NaN) gets a clear error, not a NaN document.
  assertFinitePredictions(predict(net, row, 1), model.inputs, row);
  const labels = decisionLabels(model, target);
  let explanation: NetworkExplanation;
  try {
    explanation = explainNetwork(net, Array.from(row), y, {
      lr: options.lr ?? trainedLr(model) ?? DEFAULT_LR,
      param: options.param,
      inputs: { model: model.inputs, record: input, labels },
    });
  } catch (err) {
    if (err instanceof UnknownParameterError) throw new InputError('param', err.message);
    throw err;
  }
  const { outputs, ...rest } = explanation;
  const inputs = explanation.inputs ?? [];
  if (model.task === 'multiclass') {
    const probabilities = Object.fromEntries(model.target.classes.map((c, k) => [c, (outputs as number[])[k]]));
    const out = Float64Array.from(outputs as number[]);
    return { ...rest, prediction: probabilities, target, label: labels.head?.decision(out), inputs };
  }
  if (model.task === 'regression') {
    return { ...rest, prediction: regressionValue(model, explanation.prediction), target, inputs };
  }
  if (taskOf(model) !== 'binary') throw new RangeError('unreachable');
  return {
    ...rest,
    target,
    threshold: model.threshold,
    label: explanation.prediction > model.threshold ? labels.positive : labels.negative,
    inputs,
  };
}
