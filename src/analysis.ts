/**
 * The library's explanations of a model beyond one gradient, checked and run anywhere (portable.ts
 * exports them to both entries): attributions of one prediction and global importance — the same
 * use cases as `chainrule explain --attributions` and `chainrule importance`, so a call and the
 * command give the same document for the same inputs. Options are checked first
 * (app/analysis-options.ts): an OptionsError names an unknown or mistyped option.
 */
import type { Table } from './data/table.js';
import type { ModelFile } from './model/schema.js';
import type { EncodeStats } from './model/encoding.js';
import type { AttributionsDocument } from './app/attributions.js';
import { explainAttributions as attributionsOf } from './app/attributions.js';
import type { ImportanceDocument, ImportanceOptions } from './app/importance.js';
import { importanceForTable } from './app/importance.js';
import type { AttributionsConfig } from './app/analysis-options.js';
import { parseAttributionsOptions, parseImportanceOptions } from './app/analysis-options.js';

export type { AttributionRequest, AttributionsDocument, ConductanceEntry } from './app/attributions.js';
export type { ImportanceDocument, ImportanceOptions } from './app/importance.js';
export type { AttributionsConfig } from './app/analysis-options.js';

/**
 * Attributions of one prediction, as `chainrule explain --attributions … --json` prints them
 * under `attributions`: exact Shapley values (a permutation estimate beyond 16 inputs) against a
 * background or a baseline, or integrated gradients from a baseline (default: every input
 * missing); `base + Σ values` reaches the prediction up to `gap`.
 *
 * @param options - `method` ('shapley' | 'integrated-gradients'), `background` (rows or a table;
 *   sampled down to `backgroundSize`, default 100, with `seed`), `baseline` (one row), `class`
 *   (multiclass: the explained class).
 * @throws OptionsError for an unknown or mistyped option; InputError naming the field of a value
 *   the model cannot encode.
 */
export function explainAttributions(model: ModelFile, input: Record<string, unknown>, options: AttributionsConfig): AttributionsDocument {
  return attributionsOf(model, input, parseAttributionsOptions(options));
}

/**
 * Permutation importance of each input on a labelled table (the metric's drop when the input's
 * column is shuffled, mean and population std over `repeats`) and partial dependence with ICE
 * curves of the numeric inputs, as `chainrule importance --json`.
 *
 * @param options - `repeats` (default 5), `seed` (default 0), `metric` (default auto: accuracy for
 *   a classifier, r2 for regression), `class`, `gridSize` (default 20), `iceRows` (default 50).
 * @param stats - when given, counts categories unseen in training per input.
 * @throws OptionsError for an unknown or mistyped option; InputError naming `metric` when it
 *   does not suit the model's task.
 */
export function importance(model: ModelFile, table: Table, options?: ImportanceOptions, stats?: EncodeStats): ImportanceDocument {
  return importanceForTable(model, table, parseImportanceOptions(options), stats);
}
