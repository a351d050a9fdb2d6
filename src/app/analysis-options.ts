/**
 * The option sets of the library's buildReport, explainAttributions and importance, checked by
 * the rules train's options use (app/options.ts): an unknown key is named with the known ones, a
 * mistyped value throws an OptionsError naming the option and quoting the value. Whether a value
 * suits the model (an input, a class, a metric for its task) is the use case's check (InputError).
 */
import type { Table } from '../data/table.js';
import { OptionsError } from '../errors.js';
import { ATTRIBUTION_METHODS, MAX_BACKGROUND_SIZE, type AttributionRequest } from './attributions.js';
import type { ImportanceOptions } from './importance.js';
import { IMPORTANCE_METRICS } from './importance.js';
import { check, given, integer, isPlainObject, oneOf, positiveInteger, quote, rule } from './options.js';

/** Options of `buildReport`. */
export interface ReportConfig {
  /** The data's name on the page (default: the table's file). */
  file?: string;
}

/** Options of `explainAttributions`: the method and its reference rows. */
export type AttributionsConfig = Omit<AttributionRequest, 'method'> & { readonly method: (typeof ATTRIBUTION_METHODS)[number] };

/** `buildReport`'s options checked. */
export function parseReportOptions(options: unknown, table: Table): { file: string } {
  if (options === undefined) return { file: table.file };
  if (!isPlainObject(options)) throw new OptionsError('(options)', `buildReport options must be an object such as { file: "promotion.csv" }, got ${quote(options)}`);
  const filled = given(options);
  check(filled, { file: rule((v) => typeof v === 'string' && v.length > 0, 'a file name') }, []);
  return { file: (filled.file as string | undefined) ?? table.file };
}

const backgroundRule = rule(
  (v) => (Array.isArray(v) && v.every(isPlainObject)) || (isPlainObject(v) && typeof v.n === 'number' && Array.isArray(v.header) && Array.isArray(v.columns)),
  'rows (objects of input name → value) or a table (readCsv, tableFromRows)',
);

/** `explainAttributions`' options checked by type; the rows themselves are checked against the model by the use case. */
export function parseAttributionsOptions(options: unknown): AttributionRequest {
  if (!isPlainObject(options)) throw new OptionsError('(options)', `explainAttributions options must be an object such as { method: "shapley" }, got ${quote(options)}`);
  const filled = given(options);
  check(filled, {
    method: oneOf(ATTRIBUTION_METHODS),
    background: backgroundRule,
    backgroundSize: rule((v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_BACKGROUND_SIZE, `an integer from 1 to ${MAX_BACKGROUND_SIZE}`),
    baseline: rule(isPlainObject, 'one row: an object of input name → value'),
    seed: integer(),
    class: rule((v) => typeof v === 'string', 'a class name'),
  }, ['method']);
  return filled as unknown as AttributionRequest;
}

/** `importance`'s options checked by type; whether the metric suits the model's task is the use case's check. */
export function parseImportanceOptions(options: unknown): ImportanceOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new OptionsError('(options)', `importance options must be an object such as { repeats: 5, seed: 0 }, got ${quote(options)}`);
  const filled = given(options);
  check(filled, {
    repeats: rule((v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1000, 'an integer from 1 to 1000'),
    seed: integer(),
    metric: oneOf(IMPORTANCE_METRICS),
    class: rule((v) => typeof v === 'string', 'a class name'),
    gridSize: rule((v) => Number.isSafeInteger(v) && (v as number) >= 2, 'an integer of at least 2'),
    iceRows: rule((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer'),
  }, []);
  return filled as ImportanceOptions;
}
