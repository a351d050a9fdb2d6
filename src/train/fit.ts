/**
 * The training loop: full-batch or mini-batch gradient descent with seeded shuffling, optional L2
 * weight decay and sample weights, validation loss with early stopping that keeps the best
 * weights, a NaN/Infinity guard, and a per-epoch callback. Buffers are allocated once, before the
 * first epoch; the loop itself allocates nothing.
 *
 * Over 300 lines because the loop's state (resume, checkpoints, schedules, constraints, early
 * stopping) is one piece of data; splitting the loop would pass it around in parts.
 */
import type { Rng } from '../math/rng.js';
import { shuffleInPlace } from '../math/rng.js';
import { allFinite } from '../math/kernels.js';
import type { Network, Workspace } from '../math/network.js';
import {
  backward, createWorkspace, forward, gradientBuffers, inputSize, loss, outputSize, parameterBuffers,
} from '../math/network.js';
import type { Optimizer, OptimizerConfig, OptimizerState } from '../math/optimizers.js';
import { addWeightDecay, createOptimizer } from '../math/optimizers.js';
import { createEpochRunner } from '../accel/fastEpoch.js';
import type { ThreadPool } from '../accel/threadPool.js';
import type { ScheduleSpec, ScheduleState } from './schedules.js';
import { afterEpoch, needsValidation, scheduledLr, startSchedule } from './schedules.js';
import type { WeightSigns } from './constraints.js';
import { project } from './constraints.js';
import { DivergenceError } from '../errors.js';

/** Rows of encoded features X [n × inputs] and targets Y [n × outputs]. */
export interface Dataset {
  X: Float64Array;
  Y: Float64Array;
  n: number;
  /** Optional per-row weight of the loss term (class weights). */
  sampleWeight?: Float64Array;
}

export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (each before its own update). */
  loss: number;
  /** Mean validation loss after the epoch, when a validation set is given. */
  valLoss?: number;
  /** The learning rate the epoch ran at (recorded only with a schedule). */
  lr?: number;
}

export interface FitOptions {
  epochs: number;
  /** Rows per step, or 'full' for full-batch gradient descent. */
  batchSize: number | 'full';
  optimizer: OptimizerConfig | Optimizer;
  /** Shuffles the rows every epoch with `rng` (default true; no effect on full batches). */
  shuffle?: boolean;
  rng: Rng;
  /** L2 weight decay λ: adds λ·W to every weight gradient (biases are not decayed). */
  l2?: number;
  validation?: Dataset;
  /** Stop after this many epochs without a lower validation loss, restoring the best weights. */
  patience?: number;
  /** Called after every epoch; return 'stop' to end training after it. */
  onEpoch?: (record: EpochRecord) => void | 'stop';
  /** Checked after every step; true ends training after that step (e.g. on SIGINT). */
  shouldStop?: () => boolean;
  /** Called with the full loop state every `checkpointEvery` epochs, to write a checkpoint. */
  onCheckpoint?: (state: FitState) => void;
  checkpointEvery?: number;
  /** Continue from a checkpoint: the network must already hold the checkpoint's parameters. */
  resume?: FitState;
  /** 'fast' (default) runs bit-identical fused kernels (fastEpoch.ts); 'reference' runs the readable loop below. */
  kernels?: 'fast' | 'reference';
  /**
   * Threads for the dense layers' matrix products (in Node: `await createThreadPool(n)`), used
   * for the batches big enough to pay for them; the bytes do not depend on it. The workers serve
   * this fit only while an epoch runs. Ignored by 'reference'.
   */
  pool?: ThreadPool;
  /**
   * Learning-rate schedule (schedules.ts): before each epoch the optimizer's `config.lr` is set to
   * that epoch's rate, from the rate it was built with. Plateau needs `validation`. A config is
   * copied first (the caller's keeps its rate); an Optimizer instance is changed in place, and its
   * rate when fit starts is taken as the base rate.
   */
  schedule?: ScheduleSpec;
  /**
   * Sign constraints on the weights (constraints.ts, e.g. monotone inputs), kept by projecting
   * the weights after initialisation and after every step: projected gradient descent. Such a
   * run always takes the reference loop, since the fast paths step without projecting.
   */
  constraints?: WeightSigns;
}

/**
 * Everything the loop carries from one epoch to the next, as plain data: resuming from it gives
 * the same bytes as never having stopped.
 */
export interface FitState {
  epoch: number;
  rng: number[];
  optimizer: OptimizerState;
  history: EpochRecord[];
  bestValLoss: number | null;
  bestEpoch: number;
  sinceBest: number;
  /** Best parameters so far, as [W0, b0, W1, b1, …] (only with a validation set). */
  best: number[][];
  /** The learning-rate schedule's state (only with a schedule). */
  schedule?: ScheduleState;
}

export interface FitResult {
  history: EpochRecord[];
  /** The epoch whose weights the network holds at the end. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Training ended early through onEpoch returning 'stop' or shouldStop. */
  stoppedByCallback: boolean;
  optimizer: Optimizer;
  /** The loop state at the end, as a checkpoint would hold it. */
  state: FitState;
}

export { DivergenceError };

function copyInto(dst: Float64Array[], src: Float64Array[]): void {
  for (let b = 0; b < src.length; b++) dst[b].set(src[b]);
}

/** Mean loss over a dataset, in chunks through `ws`. */
export function datasetLoss(net: Network, data: Dataset, ws: Workspace): number {
  const k = inputSize(net);
  const m = outputSize(net);
  let total = 0;
  for (let start = 0; start < data.n; start += ws.capacity) {
    const rows = Math.min(ws.capacity, data.n - start);
    forward(net, data.X.subarray(start * k, (start + rows) * k), rows, ws);
    const w = data.sampleWeight?.subarray(start, start + rows);
    total += loss(net, data.Y.subarray(start * m, (start + rows) * m), rows, ws, w) * rows;
  }
  return total / data.n;
}

export function fit(net: Network, data: Dataset, options: FitOptions): FitResult {
  const { epochs, rng } = options;
  const n = data.n;
  if (n < 1) throw new RangeError('training needs at least one row');
  const k = inputSize(net);
  const m = outputSize(net);
  const batch = options.batchSize === 'full' ? n : Math.min(options.batchSize, n);
  const fullBatch = batch === n;
  const shuffle = (options.shuffle ?? true) && !fullBatch;

  const params = parameterBuffers(net);
  const schedule = options.schedule;
  if (schedule && needsValidation(schedule) && !options.validation) {
    throw new RangeError(`the ${schedule.name} schedule reads the validation loss: give a validation set`);
  }
  // A copy of the config when a schedule will change its lr: the caller's config (recorded in the
  // model file as the run's base rate) stays as given.
  const optimizer = 'step' in options.optimizer
    ? options.optimizer
    : createOptimizer(schedule ? { ...options.optimizer } : options.optimizer, params.map((p) => p.length));
  const baseLr = optimizer.config.lr;
  let scheduleState = schedule ? startSchedule(baseLr) : undefined;
  const ws = createWorkspace(net, batch);
  const grads = gradientBuffers(ws.grads);
  const l2 = options.l2 ?? 0;
  const weights = net.layers.map((layer) => layer.weights);
  const constraints = options.constraints;
  // A resumed run's weights were projected when they were saved.
  if (constraints && !options.resume) project(weights, constraints);

  // Batch gathering buffers (only needed when rows are visited in shuffled order).
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const Xb = shuffle ? new Float64Array(batch * k) : data.X;
  const Yb = shuffle ? new Float64Array(batch * m) : data.Y;
  const Wb = shuffle && data.sampleWeight ? new Float64Array(batch) : data.sampleWeight;

  const lastFinite = params.map((p) => Float64Array.from(p));
  const best = params.map((p) => Float64Array.from(p));
  const valWs = options.validation ? createWorkspace(net, Math.min(options.validation.n, 4096)) : undefined;
  let bestValLoss = Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  const history: EpochRecord[] = [];
  let stoppedEarly = false;
  let stoppedByCallback = false;
  let firstEpoch = 1;

  if (options.resume) {
    const r = options.resume;
    rng.setState(r.rng);
    optimizer.setState(r.optimizer);
    history.push(...r.history.map((h) => ({ ...h })));
    bestValLoss = r.bestValLoss ?? Infinity;
    bestEpoch = r.bestEpoch;
    sinceBest = r.sinceBest;
    r.best.forEach((b, i) => best[i].set(b));
    if (schedule) scheduleState = r.schedule ? { ...r.schedule } : startSchedule(baseLr);
    firstEpoch = r.epoch + 1;
  }
  const snapshot = (epoch: number): FitState => ({
    epoch,
    rng: rng.getState(),
    optimizer: optimizer.getState(),
    history: history.map((h) => ({ ...h })),
    bestValLoss: Number.isFinite(bestValLoss) ? bestValLoss : null,
    bestEpoch,
    sinceBest,
    best: options.validation ? best.map((b) => Array.from(b)) : [],
    ...(scheduleState ? { schedule: { ...scheduleState } } : {}),
  });

  let lastEpoch = firstEpoch - 1;
  const fastEpoch = options.kernels === 'reference' || constraints ? undefined : createEpochRunner(net, data, optimizer, params, ws, batch, l2, {
    pool: options.pool, builtinOptimizer: !('step' in options.optimizer),
  });
  for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
    // Every path (reference, fast, WebAssembly) reads config.lr when it steps.
    if (schedule && scheduleState) optimizer.config.lr = scheduledLr(schedule, baseLr, epoch, epochs, scheduleState);
    const lr = optimizer.config.lr;
    if (shuffle) {
      // From the identity each epoch, so the order depends on the generator's state alone (resumable).
      for (let i = 0; i < n; i++) order[i] = i;
      shuffleInPlace(order, rng);
    }
    let epochLoss = 0;
    if (fastEpoch) {
      epochLoss = fastEpoch.run(order, shuffle, options.shouldStop);
      if (Number.isNaN(epochLoss)) {
        copyInto(params, lastFinite);
        throw new DivergenceError(epoch, lr, 'the loss');
      }
      stoppedByCallback = fastEpoch.stopped;
    }
    for (let start = 0; !fastEpoch && start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      let X: Float64Array, Y: Float64Array, W: Float64Array | undefined;
      if (shuffle) {
        for (let r = 0; r < rows; r++) {
          const src = order[start + r];
          Xb.set(data.X.subarray(src * k, src * k + k), r * k);
          Yb.set(data.Y.subarray(src * m, src * m + m), r * m);
          if (Wb && data.sampleWeight) Wb[r] = data.sampleWeight[src];
        }
        X = Xb; Y = Yb; W = Wb;
      } else {
        X = data.X.subarray(start * k, (start + rows) * k);
        Y = data.Y.subarray(start * m, (start + rows) * m);
        W = data.sampleWeight?.subarray(start, start + rows);
      }
      forward(net, X, rows, ws);
      const batchLoss = loss(net, Y, rows, ws, W);
      if (!Number.isFinite(batchLoss)) {
        copyInto(params, lastFinite);
        throw new DivergenceError(epoch, lr, 'the loss');
      }
      epochLoss += batchLoss * rows;
      backward(net, X, Y, rows, ws, W);
      if (l2 > 0) addWeightDecay(weights, ws.grads.weights, l2);
      optimizer.step(params, grads);
      if (constraints) project(weights, constraints);
      if (options.shouldStop?.()) {
        stoppedByCallback = true;
        break;
      }
    }
    for (const p of params) {
      if (!allFinite(p)) {
        copyInto(params, lastFinite);
        throw new DivergenceError(epoch, lr, 'a parameter');
      }
    }
    copyInto(lastFinite, params);

    lastEpoch = epoch;
    // A partial epoch (stopped mid-way) is recorded with the rows it saw.
    const record: EpochRecord = { epoch, loss: epochLoss / n };
    if (options.validation && valWs) {
      record.valLoss = datasetLoss(net, options.validation, valWs);
      if (record.valLoss < bestValLoss) {
        bestValLoss = record.valLoss;
        bestEpoch = epoch;
        sinceBest = 0;
        copyInto(best, params);
      } else {
        sinceBest++;
      }
    }
    // After valLoss: the checkpoint's schema lists the keys in this order, so a resumed history serialises the same.
    if (schedule) record.lr = lr;
    history.push(record);
    if (schedule && scheduleState) scheduleState = afterEpoch(schedule, scheduleState, lr, record.valLoss ?? record.loss);
    if (stoppedByCallback) break;
    if (options.onEpoch?.(record) === 'stop') {
      stoppedByCallback = true;
      break;
    }
    if (options.patience !== undefined && options.validation && sinceBest >= options.patience) {
      stoppedEarly = true;
      break;
    }
    // After the stop test: a checkpoint of the epoch where patience ran out would resume into one epoch too many.
    if (options.onCheckpoint && options.checkpointEvery && epoch % options.checkpointEvery === 0 && epoch < epochs) {
      options.onCheckpoint(snapshot(epoch));
    }
  }
  const state = snapshot(lastEpoch);
  const keepBest = options.validation !== undefined && options.patience !== undefined && bestEpoch > 0;
  if (keepBest) copyInto(params, best);
  return { history, bestEpoch: keepBest ? bestEpoch : lastEpoch, stoppedEarly, stoppedByCallback, optimizer, state };
}
