/**
 * `chainrule tune`: grid or random search over train flags, each setting cross-validated on the
 * same folds; the trials as a table (or JSON), the best setting, and with --out the best setting
 * retrained on every row.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  gridPoints, randomPoints, tune, TUNE_METRICS, type Dimension, type NumericRange, type Trial, type TrialParams, type TuneResult,
} from '../../app/tune.js';
import { trainModel } from '../../app/train-model.js';
import { checkWritable, saveModel } from '../../model/file.js';
import { positiveInteger, printJson } from '../options.js';
import { UsageError } from '../errors.js';
import { addTrainFlags, foldTrainOptions, readFoldTable, trainOptionsForFolds, type FoldFlags } from '../train-flags.js';
import { foldCount } from './cv.js';

interface TuneFlags extends FoldFlags {
  grid: string;
  random?: number;
  folds: number;
  metric: string;
  jobs: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The train flags a grid may vary, by their flag names. */
export const TUNABLE = ['layers', 'activation', 'optimizer', 'lr', 'batch-size', 'l2', 'epochs', 'patience', 'val', 'schedule'] as const;

/** Flags a range may be given for, and whether their values are integers. */
const NUMERIC: Readonly<Record<string, boolean>> = { lr: false, l2: false, val: false, epochs: true, patience: true, 'batch-size': true };

/** `1e-4..1`, `log:1e-4..1`: a range for random search. */
const RANGE = /^(log:)?\s*([^.\s][^\s]*?)\s*\.\.\s*([^\s]+)$/;

interface ParsedSpace {
  space: [string, Dimension][];
  /** Train's parser of each parameter (by camelCase name), for values drawn from a range. */
  parsers: Map<string, (value: string) => unknown>;
}

/** Reads --grid: inline `key=v1|v2;key=v1` text, or a JSON file `{ "key": [v1, v2] }` (a path ending in .json, or @path). */
export function readGrid(value: string): [string, string[]][] {
  const isFile = value.startsWith('@') || /\.json$/i.test(value.trim());
  if (!isFile) {
    return value.split(';').map((part) => part.trim()).filter((part) => part !== '').map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`--grid: expected flag=value|value, got ${JSON.stringify(part)}`);
      const values = part.slice(eq + 1).split('|').map((v) => v.trim());
      if (values.some((v) => v === '')) throw new UsageError(`--grid: an empty value in ${JSON.stringify(part)}`);
      return [part.slice(0, eq).trim(), values];
    });
  }
  const path = value.startsWith('@') ? value.slice(1) : value.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--grid: cannot read ${path} as JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--grid: ${path} must hold an object of flag: [values]`);
  return Object.entries(parsed as Record<string, unknown>).map(([key, values]) => {
    // A string alone is a range ("log:1e-4..1") or a single value.
    if (typeof values === 'string') return [key, [values]];
    if (!Array.isArray(values) || values.length === 0) throw new UsageError(`--grid: ${path}: ${key} must be a non-empty array of values, got ${JSON.stringify(values)}`);
    // [4, 8] inside the list is a layers value: "4,8".
    return [key, values.map((v) => (Array.isArray(v) ? v.join(',') : String(v)))];
  });
}

/** The grid's values parsed by train's own parsers; keys become the option's camelCase name. */
export function parseSpace(entries: [string, string[]][]): ParsedSpace {
  const options = new Map<string, Option>(trainOptionsForFolds().map((o) => [o.long?.replace(/^--/, '') ?? '', o]));
  const seen = new Set<string>();
  const parsers = new Map<string, (value: string) => unknown>();
  const space = entries.map(([rawKey, values]): [string, Dimension] => {
    const key = rawKey.replace(/^--/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!(TUNABLE as readonly string[]).includes(key)) {
      const what = options.has(key) ? 'is a train flag that tune does not vary' : 'is not a train flag';
      throw new UsageError(`--grid: unknown flag ${JSON.stringify(rawKey)}: it ${what} (tunable: ${TUNABLE.join(', ')})`);
    }
    if (seen.has(key)) throw new UsageError(`--grid: ${key} is given twice`);
    seen.add(key);
    const option = options.get(key) as Option;
    const parseArg = (option as unknown as { parseArg?: (value: string, previous: unknown) => unknown }).parseArg;
    const parse = (v: string): unknown => (parseArg ? parseArg(v, undefined) : v);
    parsers.set(option.attributeName(), parse);
    const range = values.length === 1 ? RANGE.exec(values[0]) : null;
    if (range) return [option.attributeName(), parseRange(key, values[0], range, parse)];
    return [option.attributeName(), values.map(parse)];
  });
  return { space, parsers };
}

function parseRange(key: string, text: string, match: RegExpExecArray, parse: (value: string) => unknown): NumericRange {
  if (!(key in NUMERIC)) throw new UsageError(`--grid: ${key}=${text}: a range needs a numeric flag (${Object.keys(NUMERIC).join(', ')})`);
  const log = match[1] !== undefined;
  // Each end goes through the flag's own parser, so "0" for --lr is refused as train refuses it.
  const lo = parse(match[2]) as number;
  const hi = parse(match[3]) as number;
  if (!(lo < hi)) throw new UsageError(`--grid: ${key}=${text}: the range must go from a lower to a higher value`);
  if (log && !(lo > 0)) throw new UsageError(`--grid: ${key}=${text}: a log range must start above 0`);
  return { lo, hi, log, integer: NUMERIC[key] };
}

/** A drawn value goes through the flag's parser like a typed one (integers stay integers; a float's shortest text is itself). */
function checkDrawn(point: TrialParams, parsers: Map<string, (value: string) => unknown>, space: [string, Dimension][]): TrialParams {
  const out: TrialParams = { ...point };
  for (const [key, d] of space) if (!Array.isArray(d)) out[key] = (parsers.get(key) as (value: string) => unknown)(String(point[key]));
  return out;
}

const show = (v: unknown): string => (Array.isArray(v) ? (v.length ? v.join(',') : 'none') : String(v));
export const describeParams = (params: Record<string, unknown>): string => Object.entries(params).map(([k, v]) => `${k}=${show(v)}`).join(' ');

function formatTable(result: TuneResult, metric: string): string {
  const labels = result.trials.map((t) => describeParams(t.params));
  const width = Math.max(7, ...labels.map((l) => l.length));
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'n/a');
  const head = `${'  #'.padEnd(5)}${'setting'.padEnd(width + 2)}${`${metric} (mean ± std)`.padEnd(24)}${TUNE_METRICS.filter((m) => m !== metric).map((m) => m.padStart(10)).join('')}`;
  const rows = result.trials.map((t, i) => {
    const mark = i === result.bestIndex ? '*' : ' ';
    const main = `${num(t.mean[metric])} ± ${num(t.std[metric])}`;
    return `${mark}${String(i + 1).padStart(3)} ${labels[i].padEnd(width + 2)}${main.padEnd(24)}${TUNE_METRICS.filter((m) => m !== metric).map((m) => num(t.mean[m]).padStart(10)).join('')}`;
  });
  return [head, ...rows, '', `best (*): ${labels[result.bestIndex]}`].join('\n');
}

function metricName(value: string): string {
  if (!(TUNE_METRICS as readonly string[]).includes(value)) throw new UsageError(`--metric must be one of ${TUNE_METRICS.join(', ')}, got ${value}`);
  return value;
}

/** A bar on a terminal, a line per tenth of the runs otherwise; on stderr either way. */
function progress(total: number, quiet: boolean): { update: (done: number) => void; stop: () => void } {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: 'tune [{bar}] {value}/{total} fold runs  ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const every = Math.max(1, Math.round(total / 10));
  return {
    update: (done) => {
      if (done % every === 0 || done === total) process.stderr.write(`tune: ${done}/${total} fold runs done\n`);
    },
    stop: () => undefined,
  };
}

export function registerTune(program: Command): void {
  const cmd = program
    .command('tune')
    .description('grid or random search over train flags, each setting cross-validated on the same folds')
    .requiredOption('--grid <spec>', `the values to try: 'layers=2|4,8;lr=0.1|0.5' (flag=value|value, flags separated by ;) or a JSON file {"layers": ["2", "4,8"], "lr": [0.1, 0.5]}; with --random also ranges: lr=log:1e-4..1, epochs=50..300; tunable: ${TUNABLE.join(', ')}`)
    .option('--random <n>', 'random search: try n distinct settings, drawn with --seed from the listed values and ranges (default: every setting of the grid)', positiveInteger('--random'))
    .option('--folds <k>', 'cross-validation folds per setting, at least 2', foldCount, 5)
    .addOption(new Option('--metric <name>', `the metric whose mean over folds picks the best setting: ${TUNE_METRICS.join(', ')} (logLoss: lowest; others: highest)`).argParser(metricName).default('logLoss'))
    .option('--jobs <n>', 'worker threads for the fold runs; the result is the same for any count', positiveInteger('--jobs'), 1)
    .option('--out <file>', 'retrain the best setting on every row and write the model file here')
    .option('--json', 'print one JSON document: { trials: [ { params, mean, std } ], best: { params, mean } }')
    .option('--quiet', 'no progress on stderr');
  addTrainFlags(cmd)
    .addHelpText('after', `
The other train flags set what every trial shares. Every trial is cross-validated on the same
folds (dealt with --seed), so settings are compared on the same held-out rows; ties go to the
earlier trial. Grid order: the first flag varies slowest.`)
    .action(async (flags: TuneFlags) => {
      if (flags.out !== undefined) checkWritable(flags.out, '--out', (message) => new UsageError(message));
      const { space, parsers } = parseSpace(readGrid(flags.grid));
      if (space.length === 0) throw new UsageError('--grid: no flags given');
      const ranged = space.find(([, d]) => !Array.isArray(d));
      if (ranged && flags.random === undefined) throw new UsageError(`--grid: ${ranged[0]} is a range: ranges are drawn from with --random N`);
      const points = flags.random !== undefined
        ? randomPoints(space, flags.random, flags.seed).map((p) => checkDrawn(p, parsers, space))
        : gridPoints(space);
      const { table, target } = await readFoldTable(flags);
      const trials: Trial[] = points.map((params) => ({ params, train: foldTrainOptions({ ...flags, ...params } as FoldFlags, target) }));
      const bar = progress(trials.length * flags.folds, flags.quiet ?? false);
      let result: TuneResult;
      try {
        result = await tune(table, trials, {
          folds: flags.folds, metric: flags.metric, jobs: flags.jobs,
          notify: (message) => process.stderr.write(`${message}\n`),
          onProgress: (done) => bar.update(done),
        });
      } finally {
        bar.stop();
      }
      if (flags.out !== undefined) {
        const { model } = trainModel(table, trials[result.bestIndex].train);
        saveModel(flags.out, model);
      }
      if (flags.json) {
        printJson({ trials: result.trials, best: result.best });
        return;
      }
      process.stdout.write(`${formatTable(result, flags.metric)}\n${flags.out !== undefined ? `best setting retrained on all ${table.n} rows: ${flags.out}\n` : ''}`);
    });
}

