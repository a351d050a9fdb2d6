/**
 * `chainrule predict`: the prediction of the model's task for each row of a CSV file or a JSON
 * input (scored by app/predict.ts), as a terminal table, one JSON document, or a CSV file that
 * joins back to the input (`--out`, app/predictions-csv.ts).
 */
import type { Command } from 'commander';
import { readTable } from '../../data/csv.js';
import type { DataFormat, Table } from '../../data/csv.js';
import { formatOption } from '../format-flag.js';
import type { EncodeStats } from '../../model/encoding.js';
import { checkWritable, loadModel, writeFileAtomic } from '../../model/file.js';
import type { ModelFile } from '../../model/schema.js';
import { negativeValue } from '../../model/schema.js';
import { idColumn, predictionsCsv, rowNumbers, type KeyColumn } from '../../app/predictions-csv.js';
import {
  predictRecords, predictTable, type BinaryPrediction, type MulticlassPrediction, type Prediction, type RegressionPrediction,
} from '../../app/predict.js';
import { InputError } from '../../errors.js';
import { UsageError } from '../errors.js';
import { printJson } from '../options.js';

interface PredictFlags {
  model: string;
  data?: string;
  format?: DataFormat;
  input?: string;
  json?: boolean;
  out?: string;
  id?: string;
}

/**
 * Reads a CSV for scoring with `model`: only its inputs (and `extra`) are stored, categorical ones
 * with every level, and `keep` columns with every value as written; the values the model's
 * training read as missing (its `missing`) are missing here too.
 */
export function readForModel(
  model: ModelFile, file: string, extra: readonly string[] = [], keep: readonly string[] = [], format?: DataFormat,
): Promise<Table> {
  const names = model.inputs.map((input) => input.name);
  return readTable(file, {
    only: [...names, ...extra, ...keep],
    keepLevels: [...model.inputs.filter((input) => input.kind === 'categorical').map((input) => input.name), ...keep],
    missing: model.missing,
    format,
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
    .option('--data <file>', 'data file of rows to score: CSV, Parquet or NDJSON')
    .addOption(formatOption())
    .option('--input <json>', 'one row as a JSON object (or an array of them)')
    .option('--json', 'print one JSON document (with --out too: the file gets the CSV, stdout the JSON)')
    .option('--out <file>', 'write the predictions as CSV, one line per input row in order: the key column, then binary probability,label (label in the target\'s values); multiclass p_<class> per class,label; regression value. Written atomically; the table is not printed')
    .option('--id <column>', 'with --data: copy this column of the data first in --out\'s CSV (default: a "row" column numbering the data rows from 1, the header not counted)')
    .action(async (flags: PredictFlags) => {
      if ((flags.data === undefined) === (flags.input === undefined)) throw new UsageError('give exactly one of --data FILE or --input JSON');
      if (flags.id !== undefined && flags.out === undefined) throw new UsageError('--id COLUMN names the first column of --out\'s CSV: give --out FILE too');
      if (flags.id !== undefined && flags.data === undefined) throw new UsageError('--id COLUMN is a column of --data FILE; --input rows have no id column');
      const model = loadModel(flags.model);
      // Before any scoring: a folder that cannot take the file is said at once.
      if (flags.out !== undefined) checkWritable(flags.out, '--out', (message) => new UsageError(message));
      const stats: EncodeStats = { unknown: {} };
      let predictions: Prediction[];
      let key: (n: number) => KeyColumn = rowNumbers;
      if (flags.data !== undefined) {
        const id = flags.id;
        const table = await readForModel(model, flags.data, [], id !== undefined ? [id] : [], flags.format);
        if (id !== undefined) {
          const column = idColumn(table, id);
          key = () => column;
        }
        predictions = predictTable(model, table, { stats });
      } else {
        try {
          predictions = predictRecords(model, parseInput(flags.input as string), { stats });
        } catch (err) {
          if (err instanceof InputError) err.message = `--input: ${err.message}`;
          throw err;
        }
      }
      warnUnknown(stats);
      if (flags.out !== undefined) {
        writeFileAtomic(flags.out, predictionsCsv(model, predictions, key(predictions.length)));
        process.stderr.write(`wrote ${predictions.length} prediction${predictions.length === 1 ? '' : 's'} to ${flags.out}\n`);
      }
      if (flags.json) {
        printJson({ predictions });
        return;
      }
      if (flags.out === undefined) process.stdout.write(`${formatPredictions(model, predictions)}\n`);
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
  const negative = negativeValue(model.target);
  const lines = (predictions as BinaryPrediction[]).map((p, i) => `${row(i)}  ${p.probability.toFixed(6)}  ${p.label === 1 ? positive : negative}`);
  return [`  row  probability  decision (${name}, threshold ${model.threshold})`, ...lines].join('\n');
}
