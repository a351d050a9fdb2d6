/**
 * `chainrule train`: read a CSV (the bundled promotion data by default), train, write the model file.
 * Long because one command has three parts that share its flags: the option list, the main
 * thread's side (settling flags, drawing progress) and the worker's side (reading, training,
 * writing); the warnings it prints are in ../train-notices.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { createProgressView, epochSender, type ProgressMessage } from '../progress.js';
import { readTable, DataError, type DataFormat } from '../../data/csv.js';
import { encodeTarget } from '../../data/prepare.js';
import { TASKS } from '../../math/heads.js';
import type { TaskChoice } from '../../data/target.js';
import { checkWritable, loadModel, saveModel } from '../../model/file.js';
import type { ActivationName } from '../../math/activations.js';
import type { LossName } from '../../math/losses.js';
import type { OptimizerName } from '../../math/optimizers.js';
import { trainModel, TRAIN_DEFAULTS, type TrainOutcome } from '../../app/train-model.js';
import { createThreadPool } from '../../accel/threads.js';
import { ExitCode, UsageError } from '../errors.js';
import { INTERRUPTED_EXIT, runInterruptible, stepCounter } from '../interrupt.js';
import {
  CheckpointError, fileDigest, loadCheckpoint, reconcileFlags, saveCheckpoint, type Checkpoint, type TrainingFlags,
} from '../../app/checkpoint.js';
import {
  ACTIVATION_HELP, activationName, batchSize, integer, layerWidths, LOSS_HELP, lossName, nameList, nonNegativeNumber,
  OPTIMIZER_HELP, optimizerName, positiveInteger, positiveNumber,
} from '../options.js';
import { bundledData } from '../paths.js';
import { constantLoss, lossWarning } from '../train-notices.js';
import { SCHEDULE_HELP, scheduleFlag, scheduleSpec } from '../schedule-flag.js';
import { BUNDLED_EPOCHS, BUNDLED_MONOTONE, MONOTONE_HELP, monotoneFlag, monotoneSpec } from '../monotone-flag.js';
import { formatOption } from '../format-flag.js';

export interface TrainFlags {
  data?: string;
  format?: DataFormat;
  target?: string;
  task?: TaskChoice;
  positive?: string;
  features?: string[];
  categorical?: string[];
  numeric?: string[];
  /** More values read as missing besides "", NA, N/A, n/a, NaN, null, ? (e.g. `--missing -,unknown`). */
  missing?: string[];
  layers: number[];
  activation: ActivationName;
  /** Undefined: the task's default (bce, cross_entropy, mse). */
  loss?: LossName;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number | 'full';
  val: number;
  patience?: number;
  seed: number;
  init?: string;
  standardize: boolean;
  shuffle: boolean;
  l2: number;
  classWeight?: 'balanced' | 'none';
  threshold: number;
  out: string;
  json?: boolean;
  quiet?: boolean;
  checkpointEvery?: number;
  checkpoint?: string;
  resume?: string;
  /** Threads for the matrix products; not a shaping flag: the model's bytes do not depend on it. */
  threads: number | 'auto';
  /** Canonical schedule text (schedule-flag.ts), e.g. "step:every=50,gamma=0.5". */
  schedule?: string;
  /** Canonical monotone text (monotone-flag.ts), e.g. "performance_score:+", or "none". */
  monotone?: string;
}

/** The flags recorded in a checkpoint: a resume takes those not given, and refuses conflicting ones but CHANGEABLE. */
const SHAPING = [
  'data', 'target', 'task', 'positive', 'features', 'categorical', 'numeric', 'layers', 'activation', 'loss', 'optimizer',
  'lr', 'epochs', 'batchSize', 'val', 'patience', 'l2', 'classWeight', 'threshold', 'seed', 'init', 'standardize', 'shuffle',
  'checkpointEvery', 'checkpoint', 'schedule', 'missing', 'monotone', 'format',
] as const satisfies readonly (keyof TrainFlags)[];
/** --epochs may grow to train on; checkpoint cadence and place do not change the run. */
const CHANGEABLE: ReadonlySet<string> = new Set(['epochs', 'checkpointEvery', 'checkpoint']);

function shapingFlags(flags: TrainFlags): TrainingFlags {
  const out: TrainingFlags = {};
  for (const key of SHAPING) if (flags[key] !== undefined) out[key] = flags[key] as TrainingFlags[string];
  return out;
}

/** `batchSize` → `--batch-size`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const DEFAULT_OUT = 'model.json';

function fraction(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0 && x < 1)) throw new UsageError(`--val must be a fraction in [0, 1), got ${value}`);
  return x;
}

function classWeight(value: string): 'balanced' | 'none' {
  if (value !== 'balanced' && value !== 'none') throw new UsageError(`--class-weight must be balanced or none, got ${value}`);
  return value;
}

function taskChoice(value: string): TaskChoice {
  if (value !== 'auto' && !(TASKS as readonly string[]).includes(value)) {
    throw new UsageError(`--task must be one of auto, ${TASKS.join(', ')}, got ${value}`);
  }
  return value as TaskChoice;
}

function threadCount(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  const x = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(x) || x < 1) {
    throw new UsageError(`--threads must be a positive integer or auto, got ${value}`);
  }
  return x;
}

function threshold(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !(x > 0 && x < 1)) throw new UsageError(`--threshold must be a number in (0, 1), got ${value}`);
  return x;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a network on a CSV file (default: the bundled promotion data and the notes\' 2-2-1 network)')
    .option('--data <file>', 'training data: CSV with a header row, Parquet or NDJSON (default: bundled data/promotion.csv)')
    .addOption(formatOption())
    .option('--target <column>', 'the target column (default: "promoted", or the last column)')
    .option('--task <auto|binary|multiclass|regression>', 'auto (default): the --init model\'s task, else two values → binary, any text → multiclass, numbers → regression; printed on stderr', taskChoice)
    .option('--positive <value>', 'binary only: the target value that counts as positive')
    .option('--features <a,b>', 'feature columns (default: every column but the target, leaving out id-like ones)', nameList)
    .option('--categorical <a,b>', 'treat these columns as categorical', nameList)
    .option('--numeric <a,b>', 'treat these columns as numeric', nameList)
    .option('--missing <a,b>', 'also read these values as missing (always: empty, NA, N/A, n/a, NaN, null, ?)', nameList)
    .option('--layers <widths>', 'hidden-layer widths, comma-separated', layerWidths, [...TRAIN_DEFAULTS.hidden])
    .option('--activation <name>', ACTIVATION_HELP, activationName, TRAIN_DEFAULTS.activation)
    .addOption(new Option('--loss <name>', `${LOSS_HELP} (default per task: bce, cross_entropy, mse)`).argParser(lossName))
    .option('--optimizer <name>', OPTIMIZER_HELP, optimizerName, TRAIN_DEFAULTS.optimizer)
    .option('--lr <rate>', 'learning rate η', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--epochs <n>', 'passes over the training rows', positiveInteger('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n|full>', 'rows per step, or "full" for full-batch gradient descent', batchSize, TRAIN_DEFAULTS.batchSize)
    .option('--val <fraction>', 'stratified validation fraction', fraction, TRAIN_DEFAULTS.val)
    .option('--patience <n>', 'early stopping: epochs without a better validation loss', positiveInteger('--patience'))
    .option('--schedule <spec>', SCHEDULE_HELP, scheduleFlag)
    .option('--monotone <col:+|col:-,…>', MONOTONE_HELP, monotoneFlag)
    .option('--l2 <lambda>', 'L2 weight decay λ (adds λ·w to each weight gradient)', nonNegativeNumber('--l2'), TRAIN_DEFAULTS.l2)
    .option('--class-weight <balanced|none>', 'balanced: weigh each row by n/(k·n_c) of its class (k classes), so every class counts equally (default none)', classWeight)
    .option('--threshold <p>', 'decision threshold stored in the model', threshold, TRAIN_DEFAULTS.threshold)
    .option('--seed <n>', 'seed for initialisation, shuffling and the split', integer('--seed'), TRAIN_DEFAULTS.seed)
    .option('--init <model.json>', 'start from this model\'s encoders and weights')
    .option('--standardize', 'standardise numeric inputs (and a regression target) with the training mean and std (default)', true)
    .option('--no-standardize', 'use numeric inputs and a regression target raw')
    .option('--no-shuffle', 'visit rows in file order')
    .option('--out <file>', 'where to write the model file', DEFAULT_OUT)
    .option('--json', 'print one JSON document with the final metrics')
    .option('--quiet', 'no progress bar or progress lines, and no notice of the task --task auto chose')
    .option('--checkpoint-every <n>', 'every N epochs, write a checkpoint (model, optimizer moments, epoch, RNG state) atomically', positiveInteger('--checkpoint-every'))
    .option('--checkpoint <file>', 'where to write checkpoints (default: <out>.ckpt.json)')
    .option('--threads <n|auto>', 'threads for the matrix products of wide layers (auto: one per core); the model is the same for any count', threadCount, 1)
    .option('--resume <checkpoint>', 'continue from a checkpoint: the same final model, byte for byte, as a run never stopped (flags not given are taken from it)')
    .action((flags: TrainFlags, cmd: Command) => trainCommand(flags, cmd));
}

/**
 * Main thread: settles the flags (a resume takes the checkpoint's, refusing conflicting ones),
 * then trains in a worker thread so that Ctrl-C is heard mid-epoch (see ../interrupt.ts).
 */
async function trainCommand(flags: TrainFlags, cmd: Command): Promise<void> {
  let run = flags;
  // The flagship run: the bundled data's rule is monotone in both inputs (see monotone-flag.ts).
  if (flags.data === undefined && flags.init === undefined && flags.resume === undefined) {
    run = {
      ...flags,
      monotone: flags.monotone ?? BUNDLED_MONOTONE,
      epochs: cmd.getOptionValueSource('epochs') === 'default' ? BUNDLED_EPOCHS : flags.epochs,
    };
  }
  if (flags.resume !== undefined) {
    const ckpt = loadCheckpoint(flags.resume);
    const explicit = new Set<string>(SHAPING.filter((key) => cmd.getOptionValueSource(key) === 'cli'));
    run = { ...flags, ...reconcileFlags(ckpt.flags, shapingFlags(flags), explicit, flagName, CHANGEABLE) } as TrainFlags;
    if (run.epochs <= ckpt.state.epoch) {
      throw new UsageError(`--epochs must be more than the checkpoint's epoch ${ckpt.state.epoch}, got ${run.epochs}`);
    }
  }
  if (run.checkpoint !== undefined && run.checkpointEvery === undefined) throw new UsageError('--checkpoint needs --checkpoint-every N');
  // Before any work: an unwritable --out used to be reported only after training had ended.
  checkWritable(run.out, '--out', (message) => new UsageError(message));
  if (run.checkpointEvery !== undefined) checkWritable(run.checkpoint ?? `${run.out}.ckpt.json`, '--checkpoint', (message) => new UsageError(message));
  // The worker is busy training and its own stderr is held back until it is idle, so it posts
  // progress, notices and its output here, and this (idle) thread writes them as they come.
  const steps = stepCounter();
  const view = createProgressView({ stream: process.stderr, steps: () => Atomics.load(steps, 0), show: !run.quiet && !run.json });
  let code: number;
  try {
    code = await runInterruptible(new URL('../train-worker.js', import.meta.url), run, {
      message: 'chainrule: interrupted; finishing the current step, then saving the best model so far (Ctrl-C again quits at once, saving nothing)',
      steps,
      print: (line) => view.print(line),
      onMessage: (message) => {
        const m = message as WorkerMessage;
        if (m.kind === 'stdout') process.stdout.write(m.text);
        else view.handle(m);
      },
    });
  } finally {
    view.stop();
  }
  if (code !== 0) throw new ExitCode(code);
}

/** What the training worker posts to the main thread: progress (progress.ts) and its stdout. */
export type WorkerMessage = ProgressMessage | { kind: 'stdout'; text: string };

/** How `runTrain` talks to its caller: the worker's channel, or the terminal when run in-process. */
export interface TrainControl {
  /** True once SIGINT has been received: stop after the current step. */
  shouldStop?: () => boolean;
  /** Sends a message to the main thread at once; without it runTrain writes to stdout/stderr itself. */
  post?: (message: WorkerMessage) => void;
  /** Counts one training step, and reads the count, in shared memory (the bar's within-epoch progress). */
  countStep?: () => void;
  steps?: () => number;
}

/** The default target: "promoted" when present, else the last column. */
export function defaultTarget(header: readonly string[]): string {
  return header.includes('promoted') ? 'promoted' : header[header.length - 1];
}

/** Reads, trains, writes; returns the exit code (130 when interrupted). Runs in the worker thread. */
export async function runTrain(flags: TrainFlags, control: TrainControl = {}): Promise<number> {
  // In-process (no worker): the same messages, drawn here.
  let localSteps = 0;
  const local = control.post ? undefined : createProgressView({ stream: process.stderr, steps: () => localSteps, show: !flags.quiet && !flags.json });
  const post = control.post ?? ((m: WorkerMessage) => (m.kind === 'stdout' ? process.stdout.write(m.text) : local?.handle(m)));
  const countStep = control.countStep ?? (() => { localSteps++; });
  const steps = control.steps ?? (() => localSteps);
  const say = (text: string) => post({ kind: 'line', text });
  try {
    return await train(flags, control, { post, countStep, steps, say });
  } finally {
    local?.stop();
  }
}

async function train(
  flags: TrainFlags,
  control: TrainControl,
  io: { post: (m: WorkerMessage) => void; countStep: () => void; steps: () => number; say: (text: string) => void },
): Promise<number> {
  const { post, say } = io;
  if (flags.patience !== undefined && flags.val === 0) throw new UsageError('--patience needs a validation split, e.g. --val 0.2');
  const schedule = scheduleSpec(flags.schedule, flags.val);
  const ckpt: Checkpoint | undefined = flags.resume !== undefined ? loadCheckpoint(flags.resume) : undefined;
  // A resume starts from the checkpoint's encoders and parameters.
  const init = ckpt?.model ?? (flags.init ? loadModel(flags.init) : undefined);
  const file = flags.data ?? bundledData;
  let targetName = flags.target ?? init?.target.name;
  const features = init ? init.inputs.map((input) => input.name) : flags.features;
  const table = await readTable(file, {
    keepLevels: flags.categorical,
    // An --init model read its data with its tokens: the same unless --missing says otherwise.
    missing: flags.missing ?? init?.missing,
    format: flags.format,
    only: (header) => {
      targetName ??= defaultTarget(header);
      if (!header.includes(targetName)) {
        throw new DataError(`${file}: target column "${targetName}" not found (columns: ${header.join(', ')})`);
      }
      return features ? [...features, targetName] : header;
    },
  });
  const target = targetName as string;
  const dataSha256 = flags.checkpointEvery !== undefined || ckpt ? await fileDigest(file) : undefined;
  if (ckpt?.dataSha256 && ckpt.dataSha256 !== dataSha256) {
    throw new CheckpointError(`--resume: ${file} is not the data the checkpoint ${flags.resume} was trained on (its SHA-256 differs); give the same --data`);
  }
  const checkpointPath = flags.checkpoint ?? `${flags.out}.ckpt.json`;

  const firstEpoch = (ckpt?.state.epoch ?? 0) + 1;
  // An estimate for the bar's first epoch (the split's exact size is known to trainModel only);
  // the first epoch record gives the exact count.
  const trainRows = Math.max(1, Math.round(table.n * (1 - flags.val)));
  const stepsPerEpoch = flags.batchSize === 'full' ? 1 : Math.ceil(trainRows / flags.batchSize);
  let begun = false;
  // Called after every step on every path (reference and fast): counting here costs an atomic add.
  const afterStep = () => {
    if (!begun) {
      begun = true;
      post({ kind: 'begin', epochs: flags.epochs, firstEpoch, stepsPerEpoch });
    }
    io.countStep();
    return control.shouldStop?.() ?? false;
  };
  const sendEpoch = epochSender(flags.epochs, (r) => post({ kind: 'epoch', epoch: r.epoch, loss: r.loss, valLoss: r.valLoss, steps: io.steps() }));
  const pool = flags.threads === 1 ? undefined : await createThreadPool(flags.threads);
  let outcome: TrainOutcome;
  try {
    outcome = trainModel(table, {
      target, task: flags.task, positive: flags.positive ?? (init?.task === 'binary' ? init.target.positive : undefined), features: flags.features,
      categorical: flags.categorical, numeric: flags.numeric,
      hidden: flags.layers, activation: flags.activation, loss: flags.loss, optimizer: flags.optimizer,
      lr: flags.lr, epochs: flags.epochs, batchSize: flags.batchSize, val: flags.val, patience: flags.patience,
      seed: flags.seed, standardize: flags.standardize, shuffle: flags.shuffle, l2: flags.l2, schedule,
      monotone: monotoneSpec(flags.monotone),
      classWeight: flags.classWeight === 'balanced' ? 'balanced' : undefined,
      threshold: flags.threshold, init,
      onEpoch: sendEpoch,
      // --quiet drops the notice of the task auto chose; warnings are always said.
      notify: (text) => { if (!(flags.quiet && text.startsWith('task: '))) say(text); },
      resume: ckpt?.state,
      checkpointEvery: flags.checkpointEvery,
      onCheckpoint: flags.checkpointEvery !== undefined
        ? (state, model) => saveCheckpoint(checkpointPath, { model, flags: shapingFlags(flags), dataSha256, state })
        : undefined,
      shouldStop: afterStep,
      pool,
    });
  } finally {
    post({ kind: 'end' });
    await pool?.close();
  }
  const interrupted = outcome.result.stoppedByCallback && (control.shouldStop?.() ?? false);
  if (interrupted) outcome.model.training = { ...outcome.model.training, interrupted: true };
  saveModel(flags.out, outcome.model);
  if (interrupted) {
    const last = outcome.result.history.length;
    say(`chainrule: interrupted in epoch ${last}; the ${outcome.result.bestEpoch === last ? 'latest' : `best (epoch ${outcome.result.bestEpoch})`} model so far is in ${flags.out}, marked training.interrupted`);
  }
  const trained = outcome.model;
  let constant: number | undefined;
  if (trained.task === 'binary' || trained.task === undefined) {
    const labels = encodeTarget(table, trained.target);
    let positives = 0;
    for (let i = 0; i < labels.length; i++) positives += labels[i];
    constant = constantLoss(positives / Math.max(1, labels.length), trained.loss, flags.classWeight === 'balanced');
  }
  const warning = lossWarning(outcome.result.history, flags.lr, constant);
  if (warning) say(warning);

  const summary = {
    data: flags.data ?? 'bundled:data/promotion.csv',
    out: flags.out,
    rows: outcome.rows.train,
    valRows: outcome.rows.val,
    task: outcome.task.task,
    epochs: outcome.result.history.length,
    bestEpoch: outcome.result.bestEpoch,
    stoppedEarly: outcome.result.stoppedEarly,
    ...(interrupted ? { interrupted: true } : {}),
    ...outcome.metrics,
  };
  const code = interrupted ? INTERRUPTED_EXIT : 0;
  if (flags.json) {
    post({ kind: 'stdout', text: `${JSON.stringify(summary, null, 2)}\n` });
    return code;
  }
  const m = outcome.metrics;
  const stopped = outcome.result.stoppedEarly
    ? `stopped early at epoch ${summary.epochs}; best epoch ${summary.bestEpoch} (no better validation loss for ${flags.patience} epochs), its weights kept\n`
    : '';
  const score = (accuracy: number | undefined, r2: number | undefined) =>
    (r2 !== undefined ? `R² ${r2.toFixed(4)}` : `accuracy ${(100 * (accuracy ?? NaN)).toFixed(2)}%`);
  const shape = trained.layers.map((l) => l.weights[0].length).concat(trained.layers[trained.layers.length - 1].weights.length);
  post({ kind: 'stdout', text:
    `trained ${shape.join('-')} network${outcome.task.task === 'binary' ? '' : ` (${outcome.task.task})`} on ${summary.rows} rows, ${summary.epochs} epochs\n`
    + `training loss ${m.loss.toFixed(6)}, ${score(m.accuracy, m.r2)}\n`
    + (m.valLoss !== undefined ? `validation loss ${m.valLoss.toFixed(6)}, ${score(m.valAccuracy, m.valR2)}\n` : '')
    + stopped
    + `model written to ${flags.out}\n` });
  return code;
}
