/**
 * Predictions as a CSV that joins back to the scored rows (`predict --out`): one line per row in
 * order, a key column first (the `--id` column's values, or `row`, the 1-based data row number),
 * then the task's columns: binary `probability,label` with the label in the target's values;
 * multiclass one `p_<class>` per class and `label`; regression `value`. Numbers are written as
 * JSON writes them (shortest round-trip form), so the file holds `predict --json`'s numbers.
 * Quoting is csv-stringify's (the sync entry: no stream, no Node-only import).
 */
import { stringify } from 'csv-stringify/sync';
import type { Table } from '../data/table.js';
import type { ModelFile } from '../model/schema.js';
import { negativeValue } from '../model/schema.js';
import type { BinaryPrediction, MulticlassPrediction, Prediction, RegressionPrediction } from './predict.js';
import { DataError } from '../errors.js';

/** The first column: its header name and one value per prediction. */
export interface KeyColumn {
  name: string;
  values: readonly string[];
}

/** The task's columns after the key, in order. */
export function predictionColumns(model: ModelFile): string[] {
  if (model.task === 'multiclass') return [...model.target.classes.map((c) => `p_${c}`), 'label'];
  if (model.task === 'regression') return ['value'];
  return ['probability', 'label'];
}

/** The task's fields of one prediction, in predictionColumns' order. */
function fields(model: ModelFile, prediction: Prediction): (string | number)[] {
  if (model.task === 'multiclass') {
    const p = prediction as MulticlassPrediction;
    return [...model.target.classes.map((c) => p.probabilities[c]), p.label];
  }
  if (model.task === 'regression') return [(prediction as RegressionPrediction).value];
  const p = prediction as BinaryPrediction;
  return [p.probability, p.label === 1 ? model.target.positive : negativeValue(model.target)];
}

/**
 * The CSV text. A key column named like one of the task's columns is refused (a DataError naming
 * it): the file would have two columns of one name, and no reader could tell which to join on.
 */
export function predictionsCsv(model: ModelFile, predictions: readonly Prediction[], key: KeyColumn): string {
  const columns = predictionColumns(model);
  if (columns.includes(key.name)) {
    throw new DataError(`--id ${key.name}: the output has a column of that name already (${columns.join(', ')}); a join could not tell them apart`);
  }
  const rows = predictions.map((p, i) => [key.values[i], ...fields(model, p)]);
  // String(x) is the shortest round-trip form, as in JSON.
  return stringify(rows, { header: true, columns: [key.name, ...columns], cast: { number: (x) => String(x) } });
}

/** `row` key: 1 for the first data row (the header not counted), as in the terminal table. */
export function rowNumbers(n: number): KeyColumn {
  return { name: 'row', values: Array.from({ length: n }, (_, i) => String(i + 1)) };
}

/**
 * The key column `name` of a table read with it among `keepLevels` (so every distinct value is
 * kept as written): each row's text, empty where missing. A column absent from the table is a
 * DataError naming the file, the column and the table's columns.
 */
export function idColumn(table: Table, name: string): KeyColumn {
  const at = table.header.indexOf(name);
  const column = at < 0 ? undefined : table.columns[at];
  if (!column) throw new DataError(`${table.file}: --id column "${name}" not found (columns: ${table.header.join(', ')})`);
  const { codes, levels } = column;
  if (!codes) throw new RangeError(`column ${name} was read without keeping its values (keepLevels)`);
  return { name, values: Array.from(codes, (code) => (code < 0 ? '' : levels[code])) };
}
