/**
 * Attributions of one prediction of a model file, and the explain document with attributions and
 * counterfactuals (app/counterfactuals.ts) added: what `explain --attributions …`, `/explain`'s
 * `attributions` and the library call. Raw records (the input, a
 * baseline, background rows) and CSV tables are checked and encoded by the rules every face uses
 * (app/predict.ts checkColumns, model/encoding.ts), a background larger than `backgroundSize` is
 * sampled without replacement with a seeded generator, and the math is src/explain/attributions.
 * Bad input throws InputError naming the field (`attributions`, `background`, `backgroundSize`,
 * `baseline`, `seed`, `class`), which the CLI maps to exit 2 and HTTP to 400.
 */
import type { Table } from '../data/csv.js';
import { encodeTable } from '../data/prepare.js';
import type { Network } from '../math/network.js';
import { createRng } from '../math/rng.js';
import { modelToNetwork } from '../model/convert.js';
import { encodeRecords } from '../model/encoding.js';
import type { ModelFile } from '../model/schema.js';
import type { Attributions, InputGroup, OutputHead } from '../explain/attributions/index.js';
import { inputGroups, integratedGradients, outputAt, shapleyValues } from '../explain/attributions/index.js';
import { createNaming } from '../explain/naming.js';
import { fitBounded } from '../explain/large.js';
import { InputError } from '../errors.js';
import type { ExplainDocument, ExplainModelOptions } from './explain-model.js';
import { explainModel } from './explain-model.js';
import { checkColumns } from './predict.js';
import { encodeOne, isRecord, outputHead } from './explained-output.js';
import { explainCounterfactuals } from './counterfactuals.js';
import type { CounterfactualDocument, CounterfactualRequest } from './counterfactuals.js';

export { encodeOne, outputHead } from './explained-output.js';
export { explainCounterfactuals } from './counterfactuals.js';
export type { CounterfactualDocument, CounterfactualRequest } from './counterfactuals.js';

export const ATTRIBUTION_METHODS = ['shapley', 'integrated-gradients'] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];
/** Background rows used when the background has more (DESIGN.md: `--background-size`, default 100). */
export const DEFAULT_BACKGROUND_SIZE = 100;
/** The largest `backgroundSize`: 2^16 coalitions × 1,000 rows is already 65M rows through the network. */
export const MAX_BACKGROUND_SIZE = 1000;
/** The most background records one request may send (they are sampled down to `backgroundSize`). */
export const MAX_BACKGROUND_RECORDS = 10_000;

export interface AttributionRequest {
  /** 'shapley' or 'integrated-gradients' (checked: a client may send anything). */
  readonly method: string;
  /** Shapley's background: raw records (HTTP, library) or a table (a CSV file). */
  readonly background?: Table | readonly Record<string, unknown>[];
  /** Rows kept from a larger background (default 100). */
  readonly backgroundSize?: number;
  /** One baseline record: Shapley's only background row, or integrated gradients' starting point. */
  readonly baseline?: Record<string, unknown>;
  /** Seeds the background sample and the permutation estimate (default 0). */
  readonly seed?: number;
  /** Multiclass: the class whose probability is explained (default: the predicted class). */
  readonly class?: string;
}

export interface ConductanceEntry {
  readonly input: string;
  /** How much of the input's value flows through each first-layer unit (a1, a2 in the notes' 2-2-1 network). */
  readonly units: readonly { readonly unit: string; readonly value: number }[];
}

/** The DESIGN.md attributions document plus what produced it. */
export interface AttributionsDocument extends Attributions {
  /** Shapley: the background rows used (1 for a baseline). */
  readonly backgroundRows?: number;
  /** Shapley, estimated: permutations evaluated. */
  readonly permutations?: number;
  /** Integrated gradients: Gauss–Legendre nodes used. */
  readonly nodes?: number;
  /** Integrated gradients: each input's value split by first-layer unit (absent without a hidden layer). */
  readonly conductance?: readonly ConductanceEntry[];
}

function isTable(background: AttributionRequest['background']): background is Table {
  return background !== undefined && !Array.isArray(background);
}

/** The record with every input missing, encoded: each numeric input at its training mean (0 when raw), each categorical as "(missing)" or no category. */
function missingBaseline(model: ModelFile): Float64Array {
  return encodeOne(model, Object.fromEntries(model.inputs.map((i) => [i.name, null])), 'baseline');
}

/** Indices 0 … n−1 when n ≤ size, else a seeded sample of `size` of them without replacement, ascending. */
export function sampleRows(n: number, size: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  const rng = createRng(seed);
  // The first `size` steps of a Fisher–Yates shuffle draw a uniform sample without replacement.
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, size).sort((a, b) => a - b);
}

function encodeBackground(model: ModelFile, background: NonNullable<AttributionRequest['background']>): { X: Float64Array; n: number } {
  if (isTable(background)) {
    if (background.n < 1) throw new InputError('background', `background: ${background.file} has no data rows`);
    return { X: encodeTable(background, model.inputs), n: background.n };
  }
  if (background.length < 1) throw new InputError('background', 'background must have at least one row, got []');
  if (background.length > MAX_BACKGROUND_RECORDS) {
    throw new InputError('background', `background has ${background.length} rows; at most ${MAX_BACKGROUND_RECORDS} (they are sampled down to backgroundSize)`);
  }
  background.forEach((record, r) => {
    if (!isRecord(record)) throw new InputError('background', `background[${r}] must be an object of input name → value, got ${JSON.stringify(record)}`, r);
  });
  try {
    checkColumns(model, background);
    return encodeRecords(model.inputs, background);
  } catch (err) {
    if (err instanceof InputError) {
      throw new InputError('background', `background[${err.row ?? 0}]: ${err.detail}`, err.row ?? 0);
    }
    throw err;
  }
}

function checkRequest(request: AttributionRequest): { method: AttributionMethod; size: number; seed: number } {
  const method = request.method as AttributionMethod;
  if (!ATTRIBUTION_METHODS.includes(method)) {
    throw new InputError('attributions', `attributions must be one of ${ATTRIBUTION_METHODS.join(', ')}, got ${JSON.stringify(request.method)}`);
  }
  const size = request.backgroundSize ?? DEFAULT_BACKGROUND_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_BACKGROUND_SIZE) {
    throw new InputError('backgroundSize', `backgroundSize must be an integer from 1 to ${MAX_BACKGROUND_SIZE}, got ${JSON.stringify(request.backgroundSize)}`);
  }
  const seed = request.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InputError('seed', `seed must be an integer, got ${JSON.stringify(request.seed)}`);
  if (request.background !== undefined && request.baseline !== undefined) {
    throw new InputError('baseline', 'give either a baseline (one row) or a background, not both');
  }
  if (method === 'integrated-gradients' && request.background !== undefined) {
    throw new InputError('background', 'integrated gradients run from one baseline; a background applies to shapley only');
  }
  return { method, size, seed };
}

/** Names of the first layer's units as the explain document names them (a1, a2 for the notes' 2-2-1 network). */
function unitNames(net: Network): string[] {
  const naming = createNaming(net);
  return Array.from({ length: net.layers[0].units }, (_, h) => naming.a(0, h));
}

function shapleyDocument(
  net: Network, head: OutputHead, groups: InputGroup[], x: Float64Array, background: Float64Array, nb: number, seed: number,
): AttributionsDocument {
  const r = shapleyValues(net, head, groups, x, background, nb, { seed });
  return {
    method: 'shapley',
    output: head.output,
    ...(head.class !== undefined ? { class: head.class } : {}),
    base: r.base,
    prediction: r.prediction,
    values: groups.map((g, i) => (r.standardError
      ? { input: g.name, value: r.values[i], standardError: r.standardError[i] }
      : { input: g.name, value: r.values[i] })),
    exact: r.exact,
    gap: r.gap,
    backgroundRows: nb,
    ...(r.permutations !== undefined ? { permutations: r.permutations } : {}),
  };
}

function integratedGradientsDocument(
  net: Network, head: OutputHead, groups: InputGroup[], x: Float64Array, baseline: Float64Array,
): AttributionsDocument {
  const r = integratedGradients(net, head, groups, x, baseline);
  const names = unitNames(net);
  return {
    method: 'integrated-gradients',
    output: head.output,
    ...(head.class !== undefined ? { class: head.class } : {}),
    base: r.base,
    prediction: r.prediction,
    values: groups.map((g, i) => ({ input: g.name, value: r.values[i] })),
    exact: r.converged,
    gap: r.gap,
    nodes: r.nodes,
    ...(r.conductance ? {
      conductance: groups.map((g, i) => ({
        input: g.name,
        units: Array.from(r.conductance?.[i] ?? [], (value, h) => ({ unit: names[h], value })),
      })),
    } : {}),
  };
}

/**
 * The attributions document of one raw input record. Without a baseline or background the
 * reference point is the record with every input missing (see `missingBaseline`).
 */
export function explainAttributions(model: ModelFile, input: Record<string, unknown>, request: AttributionRequest): AttributionsDocument {
  const { method, size, seed } = checkRequest(request);
  const x = encodeOne(model, input, 'input');
  const net = modelToNetwork(model);
  const head = outputHead(model, x, request.class);
  const groups = inputGroups(model.inputs);
  const baseline = request.baseline !== undefined ? encodeOne(model, request.baseline, 'baseline') : undefined;
  if (!Number.isFinite(outputAt(net, head, x))) throw new InputError('input', 'input: the model\'s output is not a number for this input (an input far outside the training range overflows inside the network)');
  if (method === 'integrated-gradients') return integratedGradientsDocument(net, head, groups, x, baseline ?? missingBaseline(model));
  if (!request.background) return shapleyDocument(net, head, groups, x, baseline ?? missingBaseline(model), 1, seed);
  const { X, n } = encodeBackground(model, request.background);
  const rows = sampleRows(n, size, seed);
  const width = x.length;
  const background = new Float64Array(rows.length * width);
  rows.forEach((r, i) => background.set(X.subarray(r * width, (r + 1) * width), i * width));
  return shapleyDocument(net, head, groups, x, background, rows.length, seed);
}

export interface ExplainWithAttributionsOptions extends ExplainModelOptions {
  /** Adds `attributions` to the document. */
  readonly attributions?: AttributionRequest;
  /** Adds `counterfactuals` (constrained, nearest first) to the document. */
  readonly counterfactuals?: CounterfactualRequest;
}

export interface ExplainWithAttributionsDocument extends ExplainDocument {
  readonly attributions?: AttributionsDocument;
  readonly counterfactuals?: readonly CounterfactualDocument[];
}

/**
 * The explain document with what was asked for added: what `chainrule explain` and `/explain`
 * both call, so the CLI and HTTP give the same document for the same request.
 */
export function explainWithAttributions(
  model: ModelFile, input: Record<string, unknown>, target: number | string, options: ExplainWithAttributionsOptions = {},
): ExplainWithAttributionsDocument {
  const doc = explainModel(model, input, target, { lr: options.lr, param: options.param });
  // A large model's bounded document stays within its size limit with the additions too.
  return fitBounded({
    ...doc,
    ...(options.attributions ? { attributions: explainAttributions(model, input, options.attributions) } : {}),
    ...(options.counterfactuals ? { counterfactuals: explainCounterfactuals(model, input, options.counterfactuals) } : {}),
  });
}
