/**
 * From a table to a trained model file: choose the task, pick features and target, split
 * (stratified by class for classification), fit the encoders on the training rows, build (or take
 * from --init) the network with the task's head, run `fit`, and assemble the model file (version
 * 2) with its training record. No I/O: the caller reads the table and writes the result.
 *
 * Over 300 lines because every task passes through this one use case (task choice, split,
 * encoders, head, fit, the model file); the per-task rules themselves live in data/target.ts and
 * math/heads.ts.
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
import { encodedWidth, taskOf, usualNegative } from '../model/schema.js';
import { heads, type TaskName } from '../math/heads.js';
import type { TargetEncoding, TaskChoice } from '../data/target.js';
import {
  balancedClassWeights, checkClassSizes, chooseTask, classCounts, classIndex, encodeTargets, fitTarget, rawTargets, targetUnits,
} from '../data/target.js';
import { r2Score } from '../data/metrics.js';
import { modelToNetwork, networkLayers } from '../model/convert.js';
import type { Table } from '../data/csv.js';
import type { Notify } from '../data/prepare.js';
import {
  balancedWeights, countClasses, encodeTable, fitInputs, randomSplit, selectFeatures, stratifiedSplit,
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
import { DataError, OptionsError } from '../errors.js';
import type { TrainConfig } from './options.js';
import { parseTrainOptions, TRAIN_DEFAULTS } from './options.js';

export interface TrainOptions {
  target: string;
  /** binary, multiclass, regression, or auto (default): the --init model's task, else from the target column (DESIGN.md). */
  task?: TaskChoice;
  /** Binary only: the target value that counts as positive. */
  positive?: string;
  /** Feature columns; default every column but the target. */
  features?: string[];
  categorical?: string[];
  numeric?: string[];
  hidden: number[];
  activation: ActivationName;
  /** Default per task: bce, cross_entropy, mse; one given is checked against the task. */
  loss?: LossName;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number | 'full';
  /** Fraction of rows held out (stratified) for validation; 0 for none. */
  val: number;
  patience?: number;
  seed: number;
  /** Standardise numeric inputs and a regression target with the training rows' mean/std. */
  standardize: boolean;
  shuffle: boolean;
  l2: number;
  /** 'balanced' weighs each row by n / (k·n_c) of its class in the training split (k = 2 for binary). */
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
  /** The task trained, and why auto chose it. */
  task: { task: TaskName; reason: string };
  /** Classification: accuracy (binary at the threshold, multiclass by the largest probability); regression: R² in raw units. */
  metrics: { loss: number; accuracy?: number; valLoss?: number; valAccuracy?: number; r2?: number; valR2?: number };
}

/** The target encoder a model file stores, as the data side names it. */
export function targetEncodingOf(model: ModelFile): TargetEncoding {
  if (model.task === 'multiclass') return { task: 'multiclass', name: model.target.name, classes: [...model.target.classes] };
  if (model.task === 'regression') return { task: 'regression', ...model.target };
  return { task: 'binary', name: model.target.name, positive: (model.target as { positive: string }).positive };
}

/** The model file's `target` field for an encoder (keys in the contract's order, absent ones left out). */
function targetField(target: TargetEncoding): ModelFile['target'] {
  switch (target.task) {
    // `negative` only when a reader could not tell it from `positive`, so 0/1 and yes/no files keep their bytes.
    case 'binary': return target.negative === undefined || target.negative === usualNegative(target.positive)
      ? { name: target.name, positive: target.positive }
      : { name: target.name, positive: target.positive, negative: target.negative };
    case 'multiclass': return { name: target.name, classes: target.classes };
    case 'regression': return target.mean !== undefined ? { name: target.name, mean: target.mean, std: target.std } : { name: target.name };
    default: {
      const unknown: never = target;
      throw new RangeError(`unknown target ${JSON.stringify(unknown)}`);
    }
  }
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
  const init = options.init;
  const chosen = chooseTask(table, options.target, options.task ?? 'auto', init ? taskOf(init) : undefined);
  const task = chosen.task;
  const head = heads[task];
  if (options.loss !== undefined && !head.losses.includes(options.loss)) {
    throw new OptionsError('loss', `--loss ${options.loss} does not fit the ${task} task; use ${head.losses.join(' or ')}`);
  }
  if (options.classWeight === 'balanced' && task === 'regression') {
    throw new OptionsError('classWeight', '--class-weight balanced needs classes; the task is regression');
  }
  const lossName = options.loss ?? head.defaultLoss;
  let target = fitTarget(table, options.target, task, {
    positive: options.positive, init: init ? targetEncodingOf(init) : undefined, standardize: options.standardize,
  });
  const features = init
    ? init.inputs.map((input) => input.name)
    : selectFeatures(table, {
      target: options.target, features: options.features, categorical: options.categorical, numeric: options.numeric,
      notify: options.notify,
    });
  if (features.includes(options.target)) throw new DataError(`${table.file}: the target ${options.target} cannot also be a feature`);

  const classes = task === 'multiclass' ? targetUnits(target) : 2;
  const allIndex = classIndex(table, target);
  if (target.task === 'multiclass') checkClassSizes(table, target, classCounts(allIndex as Int32Array, classes));
  const splitRng = () => createRng((options.seed ^ STREAM.split) | 0).next;
  const split = options.val <= 0
    ? undefined
    : task === 'regression'
      ? randomSplit(table.n, options.val, splitRng())
      // Binary splits on the 0/1 labels as a Float64Array, as before tasks existed (same rows, same bytes).
      : stratifiedSplit(task === 'binary' ? Float64Array.from(allIndex as Int32Array) : allIndex as Int32Array, options.val, splitRng(), classes);
  if (split && split.train.length === 0) throw new DataError(`${table.file}: no training rows left after the validation split`);
  const trainRows = split?.train;
  // The regression target's mean/std come from the training rows only, as the inputs' do.
  if (task === 'regression' && !init) target = fitTarget(table, options.target, task, { standardize: options.standardize, fitRows: trainRows });

  const inputs = init?.inputs ?? fitInputs(table, {
    features, standardize: options.standardize, fitRows: trainRows,
    categorical: options.categorical, numeric: options.numeric, notify: options.notify,
  });
  const width = encodedWidth(inputs);
  const units = targetUnits(target);
  const net = init
    ? modelToNetwork(init)
    : createNetwork(task === 'binary'
      ? { inputs: width, hidden: options.hidden, activation: options.activation, loss: lossName }
      : { inputs: width, hidden: options.hidden, activation: options.activation, outputs: units, outputActivation: head.outputActivation(lossName), loss: lossName },
    createRng(options.seed ^ STREAM.init));

  const constraints = monotoneConstraints(net, inputs, options.monotone);

  const trainY = encodeTargets(table, target, trainRows);
  const trainN = trainRows ? trainRows.length : table.n;
  const train: Dataset = { X: encodeTable(table, inputs, trainRows), Y: trainY, n: trainN };
  const trainIndex = classIndex(table, target, trainRows);
  const counts = countClasses(train.Y);
  const perClass = task === 'multiclass' ? classCounts(trainIndex as Int32Array, classes) : undefined;
  if (target.task === 'multiclass' && perClass) {
    const empty = perClass.findIndex((c) => c === 0);
    if (empty >= 0) throw new DataError(`${table.file}: column ${target.name}: class ${JSON.stringify(target.classes[empty])} has no training rows left after the validation split; use a smaller --val`);
    options.notify?.(`classes (training rows): ${target.classes.map((c, i) => `${c} ${perClass[i]}`).join(', ')}`);
  }
  const weigh = (index: Int32Array | undefined, Y: Float64Array) =>
    perClass ? balancedClassWeights(index as Int32Array, perClass) : balancedWeights(Y, counts);
  if (options.classWeight === 'balanced') train.sampleWeight = weigh(trainIndex, train.Y);
  let val: Dataset | undefined;
  if (split && split.val.length) {
    const Y = encodeTargets(table, target, split.val);
    val = { X: encodeTable(table, inputs, split.val), Y, n: split.val.length };
    if (options.classWeight === 'balanced') val.sampleWeight = weigh(classIndex(table, target, split.val), Y);
  }

  // Told once every check on the data has passed, so that an error stays the only line on stderr.
  if ((options.task ?? 'auto') === 'auto' && !init) options.notify?.(`task: ${task} (${chosen.reason}); --task decides`);
  const optimizer = optimizerConfig(options.optimizer, options.lr);
  const threshold = init && init.task !== 'multiclass' && init.task !== 'regression' ? init.threshold : options.threshold;
  const finalTarget = target;
  // The model file as it stands after `history`: used for checkpoints and for the final file.
  const modelAt = (history: EpochRecord[], bestEpoch: number): ModelFile => ({
    format: 'chainrule/model',
    version: 2,
    task,
    inputs,
    // The tokens the table was read with besides the defaults, so every command reads data as training did.
    ...(table.missing?.length ? { missing: [...table.missing] } : {}),
    target: targetField(finalTarget),
    layers: networkLayers(net),
    loss: net.loss,
    ...(task === 'binary' ? { threshold } : {}),
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
  } as ModelFile);
  const onCheckpoint = options.onCheckpoint;
  const result = fit(net, train, {
    epochs: options.epochs, batchSize: options.batchSize, optimizer, shuffle: options.shuffle,
    rng: createRng((options.seed ^ STREAM.shuffle) | 0), l2: options.l2, validation: val,
    patience: options.patience, onEpoch: options.onEpoch, schedule: options.schedule, constraints,
    resume: options.resume, checkpointEvery: options.checkpointEvery, shouldStop: options.shouldStop, pool: options.pool,
    onCheckpoint: onCheckpoint && ((state) => onCheckpoint(state, modelAt(state.history, state.bestEpoch))),
  });

  const last = result.history[result.history.length - 1];
  const model = modelAt(result.history, result.bestEpoch);
  const score = (data: Dataset, rows: readonly number[] | undefined) => {
    const out = predict(net, data.X, data.n);
    if (target.task === 'regression') {
      const { mean, std } = target;
      const raw = mean !== undefined && std !== undefined ? out.map((v) => v * (std as number) + mean) : out;
      return { r2: r2Score(raw, rawTargets(table, target.name, rows)) };
    }
    if (target.task === 'multiclass') return { accuracy: argmaxAccuracy(out, data.Y, units) };
    return { accuracy: accuracy(out, data.Y, options.threshold) };
  };
  const trainScore = score(train, trainRows);
  const metrics: TrainOutcome['metrics'] = { loss: last?.loss ?? NaN, ...trainScore };
  if (val && split) {
    metrics.valLoss = last?.valLoss;
    const v = score(val, split.val);
    if (v.accuracy !== undefined) metrics.valAccuracy = v.accuracy;
    if (v.r2 !== undefined) metrics.valR2 = v.r2;
  }
  return { model, net, result, rows: { train: train.n, val: val?.n ?? 0 }, task: chosen, metrics };
}

/** Share of rows whose largest output is the one-hot target's class. */
function argmaxAccuracy(out: Float64Array, Y: Float64Array, k: number): number {
  const n = out.length / k;
  let right = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[r * k + c] > out[r * k + best]) best = c;
    if (Y[r * k + best] === 1) right++;
  }
  return n ? right / n : NaN;
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
