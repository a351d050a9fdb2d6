/**
 * The public API that runs anywhere: everything of the library but files, worker threads and ONNX
 * export. Both entries re-export it (index.ts for Node, browser.ts for bundlers and browsers), so a
 * name is defined once and means the same in both. Nothing here may reach node:* or csv-parse's
 * Node entry (test/architecture checks, test/api/entries.test.ts compares the two export lists).
 */
import type { ModelFile } from './model/schema.js';
import type { EncodeStats } from './model/encoding.js';
import type { Network } from './math/network.js';
import type { NetworkSpec } from './math/init.js';
import { createNetwork as initNetwork } from './math/init.js';
import type { Rng } from './math/rng.js';
import { createRng as seededRng } from './math/rng.js';
import type { Dataset, FitResult } from './train/fit.js';
import { fit as fitLoop } from './train/fit.js';
import type { Table } from './data/table.js';
import { evaluateModel as evaluateTable, type TaskEvaluation } from './app/evaluate.js';
import type { TrainOptions, TrainOutcome } from './app/train-model.js';
import { trainModel } from './app/train-model.js';
import type { FitConfig, TrainConfig } from './app/options.js';
import { parseFitOptions, TRAIN_DEFAULTS } from './app/options.js';
import type { ExplainDocument, ExplainModelOptions } from './app/explain-model.js';
import { explainModel } from './app/explain-model.js';
import type { Prediction } from './app/predict.js';
import { predictRecords } from './app/predict.js';

// ---- Networks: building, training, running -------------------------------------------------------

/**
 * A fresh multilayer perceptron: `spec.inputs` encoded columns, hidden layers of widths
 * `spec.hidden` with `spec.activation`, one sigmoid output unit with BCE unless told otherwise.
 * Weights come from `rng` (Xavier uniform; He normal for relu), biases start at 0.
 *
 * @example `createNetwork({ inputs: 2, hidden: [2] }, createRng(42))` is the notes' 2-2-1 network.
 */
export function createNetwork(spec: NetworkSpec, rng: Rng): Network {
  return initNetwork(spec, rng);
}

/**
 * A seeded pseudo-random generator (sfc32): same seed, same numbers, on every platform. Every
 * random choice in chainrule (initialisation, shuffling, splits) takes one.
 */
export function createRng(seed: number): Rng {
  return seededRng(seed);
}

/**
 * Trains `net` in place on encoded rows: full-batch or mini-batch gradient descent with the given
 * optimizer, seeded shuffling, optional L2 decay, sample weights, validation with early stopping
 * (`patience`, keeping the best weights), and `onEpoch(record)` after every epoch (return `'stop'`
 * to end). Pass an `Optimizer` instance instead of a config to continue with its state.
 *
 * The options are checked first (app/options.ts): an optimizer config may leave out its
 * hyperparameters (`{ name: 'adam', lr: 1e-3 }` means β₁ 0.9, β₂ 0.999, ε 1e-8).
 *
 * @throws OptionsError naming an unknown or out-of-range option and quoting its value.
 * @throws DivergenceError naming the epoch when the loss or a parameter becomes NaN or infinite
 *   (the network keeps the last finite weights).
 */
export function fit(net: Network, data: Dataset, options: FitConfig): FitResult {
  return fitLoop(net, data, parseFitOptions(options));
}

export { initWeights } from './math/init.js';
export type { NetworkSpec } from './math/init.js';
export { shuffleInPlace } from './math/rng.js';
export type { Rng } from './math/rng.js';
export {
  forward, backward, loss, createWorkspace, cloneNetwork, validateNetwork, predict as predictNetwork,
} from './math/network.js';
export type { Network, Layer, Gradients, Workspace } from './math/network.js';
export { activations, sigmoid, softplus, leakyRelu, ACTIVATIONS } from './math/activations.js';
export type { Activation, ActivationName } from './math/activations.js';
export { losses, LOSSES } from './math/losses.js';
export type { Loss, LossName } from './math/losses.js';
export { createOptimizer, optimizerConfig, optimizers, OPTIMIZERS } from './math/optimizers.js';
export type { Optimizer, OptimizerConfig, OptimizerName, OptimizerSpec, OptimizerState } from './math/optimizers.js';
export { datasetLoss, DivergenceError } from './train/fit.js';
export type { Dataset, EpochRecord, FitOptions, FitResult } from './train/fit.js';
export type { ThreadPool } from './accel/threadPool.js';

// ---- Model files as JSON -------------------------------------------------------------------------

export { serializeModel, parseModelJson } from './model/json.js';
export { ModelFileError } from './errors.js';
export { parseModel, encodedWidth, ModelFormatError } from './model/schema.js';
export type { ModelFile, ModelInput, ModelLayer, NumericInput, CategoricalInput } from './model/schema.js';
export { modelToNetwork, networkLayers, withNetwork } from './model/convert.js';

// ---- Data ----------------------------------------------------------------------------------------

/**
 * Scores a labelled table with a model (its own encoders, its threshold unless one is given) and
 * returns every metric `chainrule evaluate` prints: accuracy, precision, recall, F1, ROC AUC, log
 * loss and the confusion matrix. (`evaluate` works on probability and label arrays instead.)
 *
 * @throws DataError naming the file, row and column of a value the model cannot encode.
 */
export function evaluateModel(model: ModelFile, table: Table, threshold?: number): TaskEvaluation {
  return evaluateTable(model, table, threshold);
}

export { DataError, tableFromRows } from './data/table.js';
export type { Table, ReadOptions } from './data/table.js';
export { tableFromCsv } from './data/csv-text.js';
export type { CsvTextOptions } from './data/csv-text.js';
export { encodeRecord, encodeRecords, InputError, MISSING_LEVEL } from './model/encoding.js';
export type { EncodeStats } from './model/encoding.js';
export * from './data/metrics.js';

// ---- Explanations --------------------------------------------------------------------------------

/**
 * Explains one prediction and one gradient-descent step: the loss for `target` (any number in
 * [0, 1]), every gradient, and each gradient as its chain-rule factors (`symbol`, `meaning`,
 * `formula`, `value`), checked against central finite differences — the document
 * `chainrule explain --json` prints.
 *
 * @param input - one raw record, input name → value.
 * @param options - `lr` for the step (default: the model's training rate), `param` to explain one
 *   parameter (the notes' names such as `w11`, or `layers[l].weights[j][i]`).
 * @throws InputError naming the field (`target`, `lr`, `param` or the input) of a bad value.
 */
export function explain(
  model: ModelFile, input: Record<string, unknown>, target: number, options?: ExplainModelOptions,
): ExplainDocument {
  return explainModel(model, input, target, options);
}

export { explainNetwork, checkNotes } from './explain/index.js';
export type { NetworkExplanation, Factor, ParamFactors, NotesReport, NoteFormula } from './explain/index.js';
export type { ExplainDocument, ExplainModelOptions } from './app/explain-model.js';
// Attributions of one prediction and global importance, their options checked (analysis.ts).
export * from './analysis.js';

// ---- Predictions and training on model files -----------------------------------------------------

export type { Prediction } from './app/predict.js';

/**
 * Scores raw records (input name → value, as in a CSV row or a JSON body) with a model file:
 * each record is encoded with the model's own encoders (standardisation, one-hot, missing values),
 * run forward, and compared with the model's threshold — the same code as `chainrule predict`
 * and HTTP `/predict`, with the same rule: a key that is neither an input nor the target is
 * refused (a typo would otherwise be ignored).
 *
 * @param stats - when given, counts categories unseen in training (encoded as all zeros) per input.
 * @throws InputError naming the field of a missing, malformed or unknown value (`row 3: salary: …`),
 *   or of the likely input when the network's output for a row is not finite.
 */
export function predict(model: ModelFile, records: readonly Record<string, unknown>[], stats?: EncodeStats): Prediction[] {
  return predictRecords(model, records, { stats });
}

export { TRAIN_DEFAULTS };

export type { TrainConfig, FitConfig, OptimizerOption } from './app/options.js';
export { OptionsError } from './errors.js';

export type { TrainOptions, TrainOutcome };

/**
 * Trains a model on a table (see `readCsv`, `tableFromCsv`): picks the features (every column but
 * the target unless `features` is given), fits the encoders on the training rows, builds and fits
 * the network, and returns the model file with its training record, the network and the fit
 * history. Same seed, same options, same table: the same model, byte for byte.
 *
 * Pass `onEpoch` to follow training (it receives `{ epoch, loss, valLoss? }` after every epoch)
 * and return `'stop'` from it to end training early.
 *
 * @throws OptionsError naming an unknown or out-of-range option and quoting its value
 *   (`lr must be a positive number, got -1`; `unknown option "hiden" (did you mean "hidden"?)…`).
 * @throws DataError naming the file, row or column when the table does not fit the options.
 * @throws DivergenceError naming the epoch when the loss becomes NaN or infinite.
 */
export function train(table: Table, options: TrainConfig): TrainOutcome {
  return trainModel(table, options);
}
