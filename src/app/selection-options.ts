/**
 * The option sets of the library's crossValidate and tune, checked by the rules train's options
 * use (app/options.ts): train's options flat beside their own, as `chainrule cv` takes train's
 * flags; an unknown key is named with the known ones, a bad value throws an OptionsError naming
 * the option (`grid.lr` inside the grid) and quoting the value, before any fold trains. What the
 * data cannot satisfy is left to the use cases (FoldError, DataError).
 */
import { OptionsError } from '../errors.js';
import type { FoldTrainOptions } from './cross-validate.js';
import type { TrainConfig } from './options.js';
import {
  callback, check, given, isPlainObject, object, oneOf, parseTrainOptions, positiveInteger, quote, rule, trainRules,
  type Rule,
} from './options.js';
import type { NumericRange, Trial, TrialParams, TUNE_METRICS } from './tune.js';

/** Train options that make no sense inside a fold (as `cv`'s flags leave out --init, --checkpoint, --threads). */
const NOT_IN_FOLDS = ['init', 'onEpoch', 'notify', 'resume', 'checkpointEvery', 'onCheckpoint', 'shouldStop', 'pool'] as const;

/** Train's options a fold runs with: the target, and any of TRAIN_DEFAULTS to override. */
export type FoldTrainConfig = Omit<TrainConfig, (typeof NOT_IN_FOLDS)[number]>;

/** Options of `crossValidate`: train's (without init, callbacks, checkpoints, pool) and the folds. */
export type CrossValidateConfig = FoldTrainConfig & {
  /** K ≥ 2 (default 5, as `chainrule cv`). */
  folds?: number;
  /** Worker threads for the folds (default 1); the result does not depend on it. */
  jobs?: number;
  /** Called as each fold finishes. */
  onFold?: (done: number, total: number) => void;
};

/** The train options `tune` may vary, by their library names (`chainrule tune --grid`'s flags). */
export const TUNABLE_OPTIONS = ['hidden', 'activation', 'optimizer', 'lr', 'batchSize', 'l2', 'epochs', 'patience', 'val', 'schedule'] as const;
export type TunableOption = (typeof TUNABLE_OPTIONS)[number];

/** A range random search draws from (uniformly, or log-uniformly with `log`); integers for epochs, patience, batchSize. */
export interface RangeConfig { lo: number; hi: number; log?: boolean }

/** Options of `tune`: the shared train options, the grid, and the search's own. */
export type TuneConfig = FoldTrainConfig & {
  /** The values to try per option: a list, or (with `random`) a range `{ lo, hi, log? }`. */
  grid: Partial<Record<TunableOption, readonly unknown[] | RangeConfig>>;
  /** Random search: this many distinct settings drawn with `seed` (default: every setting of the grid). */
  random?: number;
  /** Cross-validation folds per setting (default 5). */
  folds?: number;
  /** The metric whose mean over folds picks the best setting (default logLoss: lowest; others highest). */
  metric?: (typeof TUNE_METRICS)[number];
  jobs?: number;
  /** Called as each (setting, fold) run finishes. */
  onProgress?: (done: number, total: number) => void;
};

const INTEGER_OPTIONS: ReadonlySet<string> = new Set(['epochs', 'patience', 'batchSize']);
const NUMERIC_OPTIONS: ReadonlySet<string> = new Set(['lr', 'l2', 'val', 'epochs', 'patience', 'batchSize']);

function foldTrainRules(): Record<string, Rule> {
  const rules: Record<string, Rule> = { ...trainRules() };
  for (const key of NOT_IN_FOLDS) delete rules[key];
  return rules;
}

const foldCount = () => rule((v) => Number.isSafeInteger(v) && (v as number) >= 2, 'an integer of at least 2');

/** Checks an option set whose keys are `own`'s plus train's (for a fold), then train's part through train's parser. */
function splitChecked(
  what: string, options: unknown, own: Record<string, Rule>, required: readonly string[], varied: readonly string[] = [],
): { own: Record<string, unknown>; train: FoldTrainOptions } {
  if (!isPlainObject(options)) throw new OptionsError('(options)', `${what} options must be an object such as { target: "promoted", folds: 5 }, got ${quote(options)}`);
  const filled = given(options);
  check(filled, { ...foldTrainRules(), ...own }, ['target', ...required]);
  const mine: Record<string, unknown> = {};
  const train: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filled)) (key in own ? mine : train)[key] = value;
  // patience needs val > 0: when a grid varies either, the pairing is checked per trial (trialOf).
  const { patience, ...rest } = train;
  if (patience === undefined || !(varied.includes('val') || varied.includes('patience'))) return { own: mine, train: parseTrainOptions(train) as FoldTrainOptions };
  return { own: mine, train: { ...(parseTrainOptions(rest) as FoldTrainOptions), patience: patience as number } };
}

/** `crossValidate`'s options checked: the fold settings and the train options every fold uses (defaults filled in). */
export function parseCrossValidateOptions(options: unknown): { folds: number; jobs: number; onFold?: (done: number, total: number) => void; train: FoldTrainOptions } {
  const { own, train } = splitChecked('crossValidate', options, { folds: foldCount(), jobs: positiveInteger(), onFold: callback() }, []);
  return { folds: (own.folds as number | undefined) ?? 5, jobs: (own.jobs as number | undefined) ?? 1, onFold: own.onFold as never, train };
}

function rangeOf(key: string, value: Record<string, unknown>): NumericRange {
  const field = `grid.${key}`;
  if (!NUMERIC_OPTIONS.has(key)) throw new OptionsError(field, `${field}: a range needs a numeric option (${[...NUMERIC_OPTIONS].join(', ')}), got ${quote(value)}`);
  for (const k of Object.keys(value)) {
    if (!['lo', 'hi', 'log'].includes(k)) throw new OptionsError(field, `${field}: unknown key "${k}" in a range; a range is { lo, hi, log? }`);
  }
  const { lo, hi, log = false } = value;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo < hi)) throw new OptionsError(field, `${field} must be a range { lo, hi } with lo < hi, got ${quote(value)}`);
  if (typeof log !== 'boolean') throw new OptionsError(`${field}.log`, `${field}.log must be true or false, got ${quote(log)}`);
  if (log && !(lo > 0)) throw new OptionsError(field, `${field}: a log range must start above 0, got ${quote(value)}`);
  return { lo, hi, log, integer: INTEGER_OPTIONS.has(key) };
}

/** One grid value or range end checked as train checks the option; the error names `grid.<option>`. */
function checkGridValue(base: FoldTrainOptions, key: string, value: unknown): void {
  try {
    parseTrainOptions({ ...base, ...(key === 'patience' ? { val: 0.2 } : { patience: undefined }), [key]: value });
  } catch (err) {
    if (err instanceof OptionsError && err.option === key) throw new OptionsError(`grid.${key}`, `grid.${err.message}`);
    throw err;
  }
}

/**
 * `tune`'s options checked: the search space (each value checked as train's option), the base
 * train options and the search settings. `metrics` are tune.ts's, passed in so that checking
 * does not load the search code with the library.
 */
export function parseTuneOptions(options: unknown, metrics: readonly string[]): {
  space: [string, readonly unknown[] | NumericRange][]; random?: number; folds: number; metric: string; jobs: number;
  onProgress?: (done: number, total: number) => void; train: FoldTrainOptions;
} {
  const { own, train } = splitChecked('tune', options, {
    grid: object('an object of option: [values], such as { hidden: [[2], [4]], lr: [0.1, 0.5] }'),
    random: positiveInteger(), folds: foldCount(), metric: oneOf(metrics), jobs: positiveInteger(), onProgress: callback(),
  }, ['grid'], isPlainObject(options) && isPlainObject(options.grid) ? Object.keys(options.grid) : []);
  const grid = own.grid as Record<string, unknown>;
  const entries = Object.entries(grid);
  if (entries.length === 0) throw new OptionsError('grid', 'grid must name at least one option to vary, got {}');
  const space = entries.map(([key, values]): [string, readonly unknown[] | NumericRange] => {
    if (!(TUNABLE_OPTIONS as readonly string[]).includes(key)) {
      throw new OptionsError(`grid.${key}`, `grid: unknown option "${key}"; tune varies ${TUNABLE_OPTIONS.join(', ')}`);
    }
    if (Array.isArray(values)) {
      if (values.length === 0) throw new OptionsError(`grid.${key}`, `grid.${key} must list at least one value, got []`);
      for (const v of values) checkGridValue(train, key, v);
      return [key, values];
    }
    if (!isPlainObject(values)) throw new OptionsError(`grid.${key}`, `grid.${key} must be a list of values or a range { lo, hi, log? }, got ${quote(values)}`);
    if (own.random === undefined) throw new OptionsError(`grid.${key}`, `grid.${key} is a range: ranges are drawn from with random: N`);
    const range = rangeOf(key, values);
    checkGridValue(train, key, range.lo);
    checkGridValue(train, key, range.hi);
    return [key, range];
  });
  return {
    space, random: own.random as number | undefined, folds: (own.folds as number | undefined) ?? 5,
    metric: (own.metric as string | undefined) ?? 'logLoss', jobs: (own.jobs as number | undefined) ?? 1,
    onProgress: own.onProgress as never, train,
  };
}

/** A trial's full train options: the base with its params, checked again as a whole (patience needs val, …). */
export function trialOf(base: FoldTrainOptions, params: TrialParams): Trial {
  return { params, train: parseTrainOptions({ ...base, ...params }) as FoldTrainOptions };
}
