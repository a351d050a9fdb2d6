/**
 * Explaining one prediction of a model file: what the CLI's `explain`, HTTP `/explain` and the
 * library's `explain` call. A model file, one raw input record and a target in [0, 1] in; the
 * DESIGN.md explain document out. The record is checked and encoded by the rules every face uses
 * (app/predict.ts checkColumns, model/encoding.ts); the chain-rule math is src/explain's. Input
 * problems throw InputError naming the field (`target`, `lr`, `param`, `input` or the input's
 * name), which the CLI maps to exit 2 and the service to 400.
 */
import type { ModelFile } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import { modelToNetwork } from '../model/convert.js';
import { assertFinitePredictions } from '../model/guard.js';
import { encodeRecord } from '../model/encoding.js';
import { predict } from '../math/network.js';
import type { NetworkExplanation } from '../explain/explain.js';
import { DEFAULT_LR, explainNetwork } from '../explain/explain.js';
import { InputError, UnknownParameterError } from '../errors.js';
import { checkColumns } from './predict.js';

export interface ExplainDocument extends NetworkExplanation {
  readonly threshold: number;
  /** The decision for this input, e.g. "promoted" / "not promoted". */
  readonly label: string;
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

export function explainModel(
  model: ModelFile, input: Record<string, unknown>, target: number, options: ExplainModelOptions = {},
): ExplainDocument {
  if (typeof target !== 'number' || !Number.isFinite(target) || target < 0 || target > 1) {
    throw new InputError('target', `target must be a number in [0, 1], got ${JSON.stringify(target)}`);
  }
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
  const labels = { threshold: model.threshold, positive: model.target.name, negative: `not ${model.target.name}` };
  let explanation: NetworkExplanation;
  try {
    explanation = explainNetwork(net, Array.from(row), target, {
      lr: options.lr ?? trainedLr(model) ?? DEFAULT_LR,
      param: options.param,
      inputs: { model: model.inputs, record: input, labels },
    });
  } catch (err) {
    if (err instanceof UnknownParameterError) throw new InputError('param', err.message);
    throw err;
  }
  return {
    ...explanation,
    threshold: model.threshold,
    label: explanation.prediction > model.threshold ? labels.positive : labels.negative,
    inputs: explanation.inputs ?? [],
  };
}
