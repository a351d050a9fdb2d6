/** `chainrule predict`: the prediction of the model's task for each row of a CSV file or a JSON input (scored by app/predict.ts). */
import type { Command } from 'commander';
import { readTable } from '../../data/csv.js';
import type { Table } from '../../data/csv.js';
import type { EncodeStats } from '../../model/encoding.js';
import { loadModel } from '../../model/file.js';
import type { ModelFile } from '../../model/schema.js';
import {
  predictRecords, predictTable, type BinaryPrediction, type MulticlassPrediction, type Prediction, type RegressionPrediction,
} from '../../app/predict.js';
import { InputError } from '../../errors.js';
import { UsageError } from '../errors.js';
import { printJson } from '../options.js';

interface PredictFlags {
  model: string;
  data?: string;
  input?: string;
  json?: boolean;
}

/** Reads a CSV for scoring with `model`: only its inputs are stored, categorical ones with every level. */
export function readForModel(model: ModelFile, file: string, extra: readonly string[] = []): Promise<Table> {
  const names = model.inputs.map((input) => input.name);
  return readTable(file, {
    only: [...names, ...extra],
    keepLevels: model.inputs.filter((input) => input.kind === 'categorical').map((input) => input.name),
  });
}

export function warnUnknown(stats: EncodeStats): void {
  for (const [name, count] of Object.entries(stats.unknown)) {
    process.stderr.write(`warning: ${count} row(s) had a category of ${name} unseen in training; encoded as all zeros\n`);
  }
}

function parseInput(text: string): Record<string, unknown>[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input must be JSON (an object or an array of objects), got ${text} (${(err as Error).message})`);
  }
  const rows = Array.isArray(value) ? value : [value];
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new UsageError(`--input${Array.isArray(value) ? `[${i}]` : ''} must be an object such as {"years_experience": 5, "performance_score": 80}`);
    }
  });
  return rows as Record<string, unknown>[];
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('for each input row: binary, the probability and decision; multiclass, each class\'s probability and the most probable class; regression, the value')
    .requiredOption('--model <file>', 'model file')
    .option('--data <file>', 'CSV file of rows to score')
    .option('--input <json>', 'one row as a JSON object (or an array of them)')
    .option('--json', 'print one JSON document')
    .action(async (flags: PredictFlags) => {
      if ((flags.data === undefined) === (flags.input === undefined)) throw new UsageError('give exactly one of --data FILE or --input JSON');
      const model = loadModel(flags.model);
      const stats: EncodeStats = { unknown: {} };
      let predictions: Prediction[];
      if (flags.data !== undefined) {
        predictions = predictTable(model, await readForModel(model, flags.data), { stats });
      } else {
        try {
          predictions = predictRecords(model, parseInput(flags.input as string), { stats });
        } catch (err) {
          if (err instanceof InputError) err.message = `--input: ${err.message}`;
          throw err;
        }
      }
      warnUnknown(stats);
      if (flags.json) {
        printJson({ predictions });
        return;
      }
      process.stdout.write(`${formatPredictions(model, predictions)}\n`);
    });
}

/** The terminal table: the target's values, not the JSON's 1/0 (DESIGN.md). */
function formatPredictions(model: ModelFile, predictions: Prediction[]): string {
  const row = (i: number): string => String(i + 1).padStart(5);
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    const width = Math.max(10, ...classes.map((c) => c.length + 2));
    const head = `  row${classes.map((c) => `P(${c})`.padStart(width + 3)).join('')}  predicted ${model.target.name}`;
    const lines = (predictions as MulticlassPrediction[]).map((p, i) =>
      `${row(i)}${classes.map((c) => p.probabilities[c].toFixed(6).padStart(width + 3)).join('')}  ${p.label}`);
    return [head, ...lines].join('\n');
  }
  if (model.task === 'regression') {
    const lines = (predictions as RegressionPrediction[]).map((p, i) => `${row(i)}  ${Number(p.value.toPrecision(8))}`);
    return [`  row  ${model.target.name}`, ...lines].join('\n');
  }
  const { positive, name } = model.target;
  const lines = (predictions as BinaryPrediction[]).map((p, i) => `${row(i)}  ${p.probability.toFixed(6)}  ${p.label === 1 ? positive : 'not ' + positive}`);
  return [`  row  probability  decision (${name}, threshold ${model.threshold})`, ...lines].join('\n');
}
