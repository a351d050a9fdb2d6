/**
 * From a table to a trained model file: pick features and target, split, fit the encoders on the
 * training rows, build (or take from --init) the network, run `fit`, and assemble the model file
 * with its training record. No I/O: the caller reads the table and writes the result.
 */
import { createRng } from '../math/rng.js';
import type { ActivationName } from '../math/activations.js';
import type { LossName } from '../math/losses.js';
import { createNetwork } from '../math/init.js';
import { predict } from '../math/network.js';
import type { Network } from '../math/network.js';
import type { OptimizerName } from '../math/optimizers.js';
import { optimizerConfig } from '../math/optimizers.js';
import type { ModelFile } from '../model/schema.js';
import { encodedWidth } from '../model/schema.js';
import { modelToNetwork, networkLayers } from '../model/convert.js';
import type { Table } from '../data/csv.js';
import { DataError } from '../data/csv.js';
import type { Notify } from '../data/prepare.js';
import {
  balancedWeights, countClasses, encodeTable, encodeTarget, fitInputs, inferTarget, selectFeatures, stratifiedSplit,
} from '../data/prepare.js';
import { accuracy } from '../data/metrics.js';
import type { Dataset, EpochRecord, FitResult, FitState } from '../train/fit.js';
import { fit } from '../train/fit.js';
import type { ThreadPool } from '../accel/threadPool.js';
import type { ScheduleSpec } from '../train/schedules.js';
import type { Direction, WeightSigns } from '../train/constraints.js';
import { monotoneSigns } from '../train/constraints.js';
import type { ModelInput } from '../model/schema.js';
import { inputSpan } from '../model/encoding.js';
import { OptionsError } from '../errors.js';
import type { TrainConfig } from './options.js';
import { parseTrainOptions, TRAIN_DEFAULTS } from './options.js';

export interface TrainOptions {
  target: string;
  positive?: string;
  /** Feature columns; default every column but the target. */
  features?: string[];
  categorical?: string[];
  numeric?: string[];
  hidden: number[];
  activation: ActivationName;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number | 'full';
  /** Fraction of rows held out (stratified) for validation; 0 for none. */
  val: number;
  patience?: number;
  seed: number;
  standardize: boolean;
  shuffle: boolean;
  l2: number;
  /** 'balanced' weighs each row by n / (2·n_c) of its class in the training split. */
  classWeight?: 'balanced';
  threshold: number;
  /** Start from this model's encoders and weights instead of a fresh initialisation. */
  init?: ModelFile;
  /** Learning-rate schedule from `lr` (recorded as training.schedule); plateau needs `val` > 0. */
  schedule?: ScheduleSpec;
  /**
   * Numeric inputs along which ŷ must never decrease ('increasing') or never increase
   * ('decreasing'), kept by sign constraints on the weights (train/constraints.ts; recorded as
   * training.monotone). Such a run takes the reference loop.
   */
  monotone?: Record<string, Direction>;
  onEpoch?: (record: EpochRecord) => void | 'stop';
  /** Notices (id-like columns left out) and warnings (constant columns). */
  notify?: Notify;
  /** Continue from a checkpoint's loop state; `init` must then be the checkpoint's model. */
  resume?: FitState;
  /** Call `onCheckpoint` every this many epochs. */
  checkpointEvery?: number;
  /** The loop state and the model file as they stand at a checkpoint epoch. */
  onCheckpoint?: (state: FitState, model: ModelFile) => void;
  /** Checked after every step; true ends training after that step (SIGINT). */
  shouldStop?: () => boolean;
  /** Threads for the matrix products (see `fit`); not recorded: the model's bytes do not depend on it. */
  pool?: ThreadPool;
}

export { TRAIN_DEFAULTS };
export type { TrainConfig };

export interface TrainOutcome {
  model: ModelFile;
  net: Network;
  result: FitResult;
  rows: { train: number; val: number };
  metrics: { loss: number; accuracy: number; valLoss?: number; valAccuracy?: number };
}

// Separate streams, so that e.g. turning on validation does not change the initial weights.
const STREAM = { init: 0, shuffle: 0x9e3779b9, split: 0x85ebca6b } as const;

/**
 * Trains on `table`. The options go through the one schema (app/options.ts) whoever calls, the
 * library or `chainrule train`: defaults filled in, an unknown or out-of-range option an
 * OptionsError naming it.
 */
export function trainModel(table: Table, config: TrainConfig): TrainOutcome {
  const options = parseTrainOptions(config);
  const target = inferTarget(table, options.target, options.positive);
  const features = options.init
    ? options.init.inputs.map((input) => input.name)
    : selectFeatures(table, {
      target: options.target, features: options.features, categorical: options.categorical, numeric: options.numeric,
      notify: options.notify,
    });
  if (features.includes(options.target)) throw new DataError(`${table.file}: the target ${options.target} cannot also be a feature`);

  const allLabels = encodeTarget(table, target);
  const split = options.val > 0
    ? stratifiedSplit(allLabels, options.val, createRng((options.seed ^ STREAM.split) | 0).next)
    : undefined;
  if (split && split.train.length === 0) throw new DataError(`${table.file}: no training rows left after the validation split`);
  const trainRows = split?.train;

  const inputs = options.init?.inputs ?? fitInputs(table, {
    features, standardize: options.standardize, fitRows: trainRows,
    categorical: options.categorical, numeric: options.numeric, notify: options.notify,
  });
  const width = encodedWidth(inputs);
  const net = options.init
    ? modelToNetwork(options.init)
    : createNetwork({ inputs: width, hidden: options.hidden, activation: options.activation, loss: options.loss }, createRng(options.seed ^ STREAM.init));

  const constraints = monotoneConstraints(net, inputs, options.monotone);

  const trainY = trainRows ? encodeTarget(table, target, trainRows) : allLabels;
  const train: Dataset = { X: encodeTable(table, inputs, trainRows), Y: trainY, n: trainY.length };
  const counts = countClasses(train.Y);
  if (options.classWeight === 'balanced') train.sampleWeight = balancedWeights(train.Y, counts);
  let val: Dataset | undefined;
  if (split && split.val.length) {
    const Y = encodeTarget(table, target, split.val);
    val = { X: encodeTable(table, inputs, split.val), Y, n: split.val.length };
    if (options.classWeight === 'balanced') val.sampleWeight = balancedWeights(Y, counts);
  }

  const optimizer = optimizerConfig(options.optimizer, options.lr);
  // The model file as it stands after `history`: used for checkpoints and for the final file.
  const modelAt = (history: EpochRecord[], bestEpoch: number): ModelFile => ({
    format: 'chainrule/model',
    version: 1,
    inputs,
    target: { name: target.name, positive: target.positive },
    layers: networkLayers(net),
    loss: net.loss,
    threshold: options.init?.threshold ?? options.threshold,
    training: {
      seed: options.seed,
      optimizer,
      epochs: history.length,
      batchSize: options.batchSize,
      shuffle: options.shuffle,
      standardize: options.standardize,
      val: options.val,
      ...(options.patience !== undefined ? { patience: options.patience, bestEpoch } : {}),
      l2: options.l2,
      ...(options.schedule ? { schedule: options.schedule } : {}),
      ...(constraints ? { monotone: options.monotone } : {}),
      ...(options.classWeight ? { classWeight: options.classWeight } : {}),
      rows: train.n,
      history,
    },
  });
  const onCheckpoint = options.onCheckpoint;
  const result = fit(net, train, {
    epochs: options.epochs, batchSize: options.batchSize, optimizer, shuffle: options.shuffle,
    rng: createRng((options.seed ^ STREAM.shuffle) | 0), l2: options.l2, validation: val,
    patience: options.patience, onEpoch: options.onEpoch, schedule: options.schedule, constraints,
    resume: options.resume, checkpointEvery: options.checkpointEvery, shouldStop: options.shouldStop, pool: options.pool,
    onCheckpoint: onCheckpoint && ((state) => onCheckpoint(state, modelAt(state.history, state.bestEpoch))),
  });

  const last = result.history[result.history.length - 1];
  const trainP = predict(net, train.X, train.n);
  const metrics: TrainOutcome['metrics'] = {
    loss: last?.loss ?? NaN,
    accuracy: accuracy(trainP, train.Y, options.threshold),
  };
  if (val) {
    metrics.valLoss = last?.valLoss;
    metrics.valAccuracy = accuracy(predict(net, val.X, val.n), val.Y, options.threshold);
  }

  const model = modelAt(result.history, result.bestEpoch);
  return { model, net, result, rows: { train: train.n, val: val?.n ?? 0 }, metrics };
}

/** The sign constraints for `monotone` (input name → direction), each name checked against the model's inputs. */
function monotoneConstraints(
  net: Network, inputs: readonly ModelInput[], monotone: Record<string, Direction> | undefined,
): WeightSigns | undefined {
  if (!monotone || Object.keys(monotone).length === 0) return undefined;
  const directions: (Direction | undefined)[] = [];
  for (const input of inputs) {
    const span = inputSpan(input);
    for (let c = 0; c < span; c++) directions.push(input.kind === 'numeric' ? monotone[input.name] : undefined);
  }
  for (const name of Object.keys(monotone)) {
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new OptionsError('monotone', `monotone: ${name} is not an input of the model (inputs: ${inputs.map((i) => i.name).join(', ')})`);
    if (input.kind !== 'numeric') throw new OptionsError('monotone', `monotone: ${name} is categorical; only a numeric input can be monotone`);
  }
  return monotoneSigns(net, directions);
}
