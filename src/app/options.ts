/**
 * The library's option sets, each one rule table with the defaults filled in once: `train`'s
 * (TrainOptions; trainModel parses every call through it, so `chainrule train` and the library
 * meet the same rules) and `fit`'s (FitOptions; the library's `fit` parses through it). An option
 * that is unknown or out of range throws an OptionsError naming the option and quoting the value
 * (`lr must be a positive number, got -1`, `unknown option "hiden" (did you mean "hidden"?)`),
 * never a TypeError deep inside training. An option left undefined means its default. The
 * choices (activations, losses, optimizers) and the optimizer defaults come from the math's spec
 * tables. The rules are plain predicates (see Rule), built on first use.
 */
import { ACTIVATIONS } from '../math/activations.js';
import { LOSSES } from '../math/losses.js';
import { TASKS } from '../math/heads.js';
import type { Optimizer, OptimizerConfig, OptimizerDefaults, OptimizerName } from '../math/optimizers.js';
import { isOptimizerName, OPTIMIZERS, optimizerConfig } from '../math/optimizers.js';
import type { FitOptions } from '../train/fit.js';
import { checkSchedule } from '../train/schedules.js';
import { OptionsError } from '../errors.js';
import type { TrainOptions } from './train-model.js';

/** Options of `train`: the target column, and any of TRAIN_DEFAULTS to override. */
export type TrainConfig = Partial<Omit<TrainOptions, 'target'>> & {
  /** The target column of the table (binary, multiclass or numeric: see `task`). */
  target: string;
};

/**
 * What `train` and `chainrule train` use for every option not given, written once: the notes'
 * 2-2-1 shape (one hidden layer of 2 sigmoid units), the task chosen from the target (auto) with
 * its head's loss (bce, cross_entropy, mse), plain gradient descent with η = 0.5, 300 epochs of
 * mini-batches of 32 shuffled with seed 42, standardised numeric inputs (and regression target),
 * no validation split, no weight decay, threshold 0.5.
 */
export const TRAIN_DEFAULTS: Readonly<Omit<TrainOptions, 'target'>> = Object.freeze({
  task: 'auto', hidden: [2], activation: 'sigmoid', optimizer: 'sgd', lr: 0.5, epochs: 300, batchSize: 32,
  val: 0, seed: 42, standardize: true, shuffle: true, l2: 0, threshold: 0.5,
});

/** An optimizer as `fit` accepts it: an instance, or a config whose hyperparameters default from the table. */
export type OptimizerOption = Optimizer | { [N in OptimizerName]: { name: N; lr: number } & Partial<OptimizerDefaults<N>> }[OptimizerName];

/** Options of the library's `fit`: FitOptions, with the optimizer's hyperparameters optional. */
export type FitConfig = Omit<FitOptions, 'optimizer'> & { optimizer: OptimizerOption };

/**
 * A rule: the test of one option and, for the message, what it must be. Plain predicates rather
 * than zod: `train` is synchronous and importing zod costs ~60 ms, which the entry must not pay
 * (DESIGN.md: at most 50 ms over a bare node start).
 */
export interface Rule {
  ok: (value: unknown) => boolean;
  expected: string;
}

export const rule = (ok: (value: unknown) => boolean, expected: string): Rule => ({ ok, expected });
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const positiveNumber = () => rule((v) => isFiniteNumber(v) && v > 0, 'a positive number');
export const nonNegativeNumber = () => rule((v) => isFiniteNumber(v) && v >= 0, 'a non-negative number');
export const positiveInteger = () => rule(isCount, 'a positive integer');
export const integer = () => rule((v) => Number.isSafeInteger(v), 'an integer');
const batchSize = () => rule((v) => v === 'full' || isCount(v), 'a positive integer or "full"');
export const oneOf = (names: readonly string[]) => rule((v) => typeof v === 'string' && names.includes(v), `one of ${names.join(', ')}`);
export const flag = () => rule((v) => typeof v === 'boolean', 'true or false');
const names = () => rule((v) => Array.isArray(v) && v.every(isNonEmptyString), 'a list of column names');
export const callback = () => rule((v) => typeof v === 'function', 'a function');
export const object = (what: string) => rule((v) => v !== null && typeof v === 'object', what);
const schedule = () => rule((v) => v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string', 'a schedule such as { name: "step", every: 50 }');
const DIRECTIONS: readonly unknown[] = ['increasing', 'decreasing'];

/** Every key of T has a rule: adding an option to the interface without one is a compile error. */
export type Rules<T> = { readonly [K in keyof Required<T>]: Rule };

export function trainRules(): Rules<TrainOptions> {
  return {
    target: rule(isNonEmptyString, 'a column name'),
    task: oneOf(['auto', ...TASKS]),
    positive: rule((v) => typeof v === 'string', 'a target value'),
    features: names(), categorical: names(), numeric: names(),
    hidden: rule((v) => Array.isArray(v) && v.every(isCount), 'a list of positive integers (hidden-layer widths)'),
    activation: oneOf(ACTIVATIONS),
    loss: oneOf(LOSSES),
    optimizer: oneOf(OPTIMIZERS),
    lr: positiveNumber(),
    epochs: positiveInteger(),
    batchSize: batchSize(),
    val: rule((v) => isFiniteNumber(v) && v >= 0 && v < 1, 'a fraction in [0, 1)'),
    patience: positiveInteger(),
    seed: integer(),
    standardize: flag(), shuffle: flag(),
    l2: nonNegativeNumber(),
    classWeight: rule((v) => v === 'balanced', '"balanced" (or left out for none)'),
    threshold: rule((v) => isFiniteNumber(v) && v > 0 && v < 1, 'a number in (0, 1)'),
    init: object('a model file (loadModel)'),
    schedule: schedule(),
    monotone: rule((v) => isPlainObject(v) && Object.values(v).every((d) => DIRECTIONS.includes(d)), 'an object such as { performance_score: "increasing" } (directions increasing or decreasing)'),
    onEpoch: callback(), notify: callback(), onCheckpoint: callback(), shouldStop: callback(),
    resume: object('a checkpoint\'s loop state'),
    checkpointEvery: positiveInteger(),
    pool: object('a thread pool (createThreadPool)'),
  };
}

function fitRules(): Rules<FitOptions> {
  return {
    epochs: positiveInteger(),
    batchSize: batchSize(),
    // Checked apart (optimizerOption), to fill in the defaults and name the bad hyperparameter.
    optimizer: object(`an optimizer config such as { name: "adam", lr: 0.001 } (name one of ${OPTIMIZERS.join(', ')})`),
    shuffle: flag(),
    rng: rule((v) => v !== null && typeof v === 'object' && typeof (v as { next?: unknown }).next === 'function', 'a seeded generator (createRng)'),
    l2: nonNegativeNumber(),
    validation: object('a dataset { X, Y, n }'),
    patience: positiveInteger(),
    onEpoch: callback(), shouldStop: callback(), onCheckpoint: callback(),
    checkpointEvery: positiveInteger(),
    resume: object('a checkpoint\'s loop state'),
    kernels: oneOf(['fast', 'reference']),
    pool: object('a thread pool (createThreadPool)'),
    schedule: schedule(),
    constraints: object('weight sign constraints (monotoneSigns)'),
  };
}

/** A value as the message quotes it: short, and never the whole of a large object. */
export function quote(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === undefined) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Levenshtein distance, for "did you mean" on a mistyped option. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

function unknownOption(key: string, known: readonly string[], prefix = ''): OptionsError {
  const near = known.filter((k) => distance(key.toLowerCase(), k.toLowerCase()) <= Math.max(1, Math.floor(k.length / 4)));
  const hint = near.length ? ` (did you mean ${near.map((k) => `"${prefix}${k}"`).join(' or ')}?)` : '';
  return new OptionsError(`${prefix}${key}`, `unknown option "${prefix}${key}"${hint}; the options are ${known.join(', ')}`);
}

/** Drops keys whose value is undefined: an option passed as undefined means its default. */
export function given<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Checks `options` against the rules, key by key so the error names the first bad option. */
export function check(options: Record<string, unknown>, rules: Readonly<Record<string, Rule>>, required: readonly string[]): void {
  const known = Object.keys(rules);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(rules, key)) throw unknownOption(key, known);
  }
  for (const key of required) {
    if (options[key] === undefined) throw new OptionsError(key, `${key} is required (${rules[key].expected})`);
  }
  for (const [key, value] of Object.entries(options)) {
    const { ok, expected } = rules[key];
    if (!ok(value)) throw new OptionsError(key, `${key} must be ${expected}, got ${quote(value)}`);
  }
}

let trainRuleTable: Rules<TrainOptions> | undefined;
let fitRuleTable: Rules<FitOptions> | undefined;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `train`'s options checked and completed with TRAIN_DEFAULTS. Cross-option rules live here too
 * (patience needs a validation split; a schedule is checked by its own table).
 */
export function parseTrainOptions(options: unknown): TrainOptions {
  if (!isPlainObject(options)) throw new OptionsError('(options)', `train options must be an object such as { target: "promoted" }, got ${quote(options)}`);
  trainRuleTable ??= trainRules();
  const filled: Record<string, unknown> = { ...TRAIN_DEFAULTS, hidden: [...TRAIN_DEFAULTS.hidden], ...given(options) };
  check(filled, trainRuleTable, ['target']);
  if (filled.patience !== undefined && filled.val === 0) {
    throw new OptionsError('patience', `patience needs a validation split (val > 0, e.g. 0.2), got patience ${quote(filled.patience)} with val 0`);
  }
  if (filled.schedule !== undefined) filled.schedule = scheduleOption(filled.schedule);
  return filled as unknown as TrainOptions;
}

function scheduleOption(value: unknown): FitOptions['schedule'] {
  try {
    return checkSchedule(value as Parameters<typeof checkSchedule>[0]);
  } catch (err) {
    if (err instanceof Error) throw new OptionsError('schedule', `schedule: ${err.message}`);
    throw err;
  }
}

const HYPERPARAMETERS: Record<string, { expected: string; ok: (x: number) => boolean }> = {
  lr: { expected: 'a positive number', ok: (x) => Number.isFinite(x) && x > 0 },
  momentum: { expected: 'a number in [0, 1)', ok: (x) => x >= 0 && x < 1 },
  beta1: { expected: 'a number in [0, 1)', ok: (x) => x >= 0 && x < 1 },
  beta2: { expected: 'a number in [0, 1)', ok: (x) => x >= 0 && x < 1 },
  epsilon: { expected: 'a positive number', ok: (x) => Number.isFinite(x) && x > 0 },
};

/**
 * An optimizer option: an Optimizer instance (continuing with its state) passes as it is; a
 * config is checked and completed with the optimizer table's defaults (math/optimizers.ts), so
 * `{ name: 'adam', lr: 1e-3 }` trains with β₁ 0.9, β₂ 0.999, ε 1e-8.
 */
export function optimizerOption(value: unknown): FitOptions['optimizer'] {
  if (isPlainObject(value) && typeof value.step === 'function' && isPlainObject(value.config)) return value as unknown as FitOptions['optimizer'];
  if (!isPlainObject(value)) {
    throw new OptionsError('optimizer', `optimizer must be an optimizer config such as { name: "adam", lr: 0.001 }, got ${quote(value)}`);
  }
  const name = value.name;
  if (typeof name !== 'string' || !isOptimizerName(name)) {
    throw new OptionsError('optimizer.name', `optimizer.name must be one of ${OPTIMIZERS.join(', ')}, got ${quote(name)}`);
  }
  if (value.lr === undefined) throw new OptionsError('optimizer.lr', 'optimizer.lr is required (a positive number)');
  const config: Record<string, unknown> = { ...optimizerConfig(name as OptimizerName, value.lr as number), ...given(value) };
  const known = Object.keys(optimizerConfig(name as OptimizerName, 1));
  for (const [key, x] of Object.entries(config)) {
    if (!known.includes(key)) throw unknownOption(key, known, 'optimizer.');
    if (key === 'name') continue;
    const { expected, ok } = HYPERPARAMETERS[key];
    if (typeof x !== 'number' || !ok(x)) throw new OptionsError(`optimizer.${key}`, `optimizer.${key} must be ${expected}, got ${quote(x)}`);
  }
  return config as unknown as OptimizerConfig;
}

/** `fit`'s options checked, the optimizer config completed with its defaults. */
export function parseFitOptions(options: unknown): FitOptions {
  if (!isPlainObject(options)) throw new OptionsError('(options)', `fit options must be an object such as { epochs: 100, batchSize: 32, optimizer, rng }, got ${quote(options)}`);
  fitRuleTable ??= fitRules();
  const filled: Record<string, unknown> = given(options);
  check(filled, fitRuleTable, ['epochs', 'batchSize', 'optimizer', 'rng']);
  filled.optimizer = optimizerOption(filled.optimizer);
  if (filled.schedule !== undefined) filled.schedule = scheduleOption(filled.schedule);
  return filled as unknown as FitOptions;
}
