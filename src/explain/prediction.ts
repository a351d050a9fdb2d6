/**
 * Explaining a prediction to the person it scores: how ŷ moves with each input in the input's own
 * raw units, and for each numeric input the smallest change of that input alone that moves ŷ
 * across the decision threshold (a counterfactual), searched within the input's observed range.
 * For a multiclass or regression model (`DecisionLabels.head`) ŷ is the predicted class's
 * probability or the value in raw units, and the counterfactual is where another class takes
 * over ("classified as X at …") or where the value reaches the target ("reaches V at …").
 */
import type { Network } from '../math/network.js';
import { createWorkspace, forward } from '../math/network.js';
import type { CategoricalInput, ModelInput, NumericInput } from '../model/schema.js';
import { isMissing, numericScaling, parseNumeric } from '../model/encoding.js';
import type { Trace } from './trace.js';
import { predictionInputGradient } from './trace.js';
import { num, signed } from './format.js';

/** Stop bisecting once ŷ is this close to the threshold. */
export const COUNTERFACTUAL_TOLERANCE = 1e-9;
/** Grid steps per side used to find the first crossing before bisecting it. */
const SCAN_STEPS = 400;

export interface Counterfactual {
  readonly found: boolean;
  /** The raw value of the input at which ŷ reaches the threshold. */
  readonly value?: number;
  /** value − current value. */
  readonly change?: number;
  /** ŷ at `value` (within 1e-9 of the threshold). */
  readonly prediction?: number;
  /** The decision just past `value`. */
  readonly label?: string;
  /** The raw range searched, [low, high]. */
  readonly range: readonly [number, number];
  readonly sentence: string;
}

export interface NumericInputExplanation {
  readonly name: string;
  readonly kind: 'numeric';
  /** Raw value used (the mean, or 0 when raw, if the record left it missing). */
  readonly value: number;
  /** ∂ŷ/∂x in the input's own units (per 1 raw unit, the standardisation undone). */
  readonly dyhatDx: number;
  readonly sentence: string;
  readonly counterfactual: Counterfactual;
}

export interface CategoryAlternative {
  readonly category: string;
  readonly prediction: number;
  readonly change: number;
  readonly crossesThreshold: boolean;
}

export interface CategoricalInputExplanation {
  readonly name: string;
  readonly kind: 'categorical';
  readonly value: string;
  /** ŷ when switching this input to each other category, the rest unchanged. */
  readonly alternatives: readonly CategoryAlternative[];
  readonly sentence: string;
}

export type InputExplanation = NumericInputExplanation | CategoricalInputExplanation;

export interface DecisionLabels {
  readonly threshold: number;
  /** How a positive / negative decision reads, e.g. "promoted" / "not promoted". */
  readonly positive: string;
  readonly negative: string;
  /** A head other than one sigmoid: how to read a row of outputs (then `threshold` is 0 on `margin`). */
  readonly head?: OutputReading;
}

export interface OutputReading {
  /** ŷ as explained: P(the predicted class) or the value in raw units. */
  value(out: Float64Array): number;
  /** Positive while the current decision holds; the counterfactual is its zero crossing. */
  margin(out: Float64Array): number;
  /** The decision an output row stands for (the class, or which side of the target). */
  decision(out: Float64Array): string;
  /** How the decision reads just past a crossing, e.g. "classified as lead", "reaches 80000". */
  crossing(out: Float64Array): string;
}

/** The range searched for a counterfactual: the observed min/max, else mean ± 4·std, else ±(|x|+1)·1e3; always containing x. */
export function searchRange(input: NumericInput, x: number): [number, number] {
  let lo: number;
  let hi: number;
  if (input.mean !== undefined && input.std !== undefined) {
    lo = input.mean - 4 * input.std;
    hi = input.mean + 4 * input.std;
  } else {
    lo = x - (Math.abs(x) + 1) * 1e3;
    hi = x + (Math.abs(x) + 1) * 1e3;
  }
  if (input.min !== undefined) lo = input.min;
  if (input.max !== undefined) hi = input.max;
  return [Math.min(lo, x), Math.max(hi, x)];
}

function makePredictor(net: Network, row: readonly number[], read: (out: Float64Array) => number = (out) => out[0]): (column: number, encoded: number) => number {
  const ws = createWorkspace(net, 1);
  const X = Float64Array.from(row);
  return (column, encoded) => {
    const saved = X[column];
    X[column] = encoded;
    const yhat = read(forward(net, X, 1, ws));
    X[column] = saved;
    return yhat;
  };
}

/** The whole output row with one encoded column changed (a copy: the caller may keep it). */
function makeOutputs(net: Network, row: readonly number[]): (column: number, encoded: number) => Float64Array {
  const ws = createWorkspace(net, 1);
  const X = Float64Array.from(row);
  const units = net.layers[net.layers.length - 1].units;
  return (column, encoded) => {
    const saved = X[column];
    X[column] = encoded;
    const out = Float64Array.from(forward(net, X, 1, ws).subarray(0, units));
    X[column] = saved;
    return out;
  };
}

/** Nearest crossing of the threshold from x0 toward `bound`, bisected to 1e-9 in ŷ; undefined if none on the grid. */
function crossingToward(yhatAt: (x: number) => number, x0: number, bound: number, threshold: number): number | undefined {
  const positive = yhatAt(x0) > threshold;
  if (bound === x0) return undefined;
  let inside = x0;
  for (let k = 1; k <= SCAN_STEPS; k++) {
    const x = k === SCAN_STEPS ? bound : x0 + ((bound - x0) * k) / SCAN_STEPS;
    if ((yhatAt(x) > threshold) !== positive) return bisect(yhatAt, inside, x, threshold, positive);
    inside = x;
  }
  return undefined;
}

/** Bisection on ŷ − threshold between `same` (current decision) and `flipped`. */
function bisect(yhatAt: (x: number) => number, same: number, flipped: number, threshold: number, positive: boolean): number {
  let a = same;
  let b = flipped;
  let best = Math.abs(yhatAt(a) - threshold) < Math.abs(yhatAt(b) - threshold) ? a : b;
  for (let iter = 0; iter < 200; iter++) {
    const mid = a + (b - a) / 2;
    if (mid === a || mid === b) break;
    const value = yhatAt(mid);
    if (Math.abs(value - threshold) < Math.abs(yhatAt(best) - threshold)) best = mid;
    if (Math.abs(value - threshold) <= COUNTERFACTUAL_TOLERANCE) return mid;
    if ((value > threshold) === positive) a = mid;
    else b = mid;
  }
  return best;
}

export function counterfactual(
  input: NumericInput, x0: number, yhatAt: (x: number) => number, labels: DecisionLabels,
  crossingAt?: (x: number) => { label: string; prediction: number },
): Counterfactual {
  const range = searchRange(input, x0);
  const candidates = [crossingToward(yhatAt, x0, range[0], labels.threshold), crossingToward(yhatAt, x0, range[1], labels.threshold)]
    .filter((x): x is number => x !== undefined)
    .sort((p, q) => Math.abs(p - x0) - Math.abs(q - x0));
  if (candidates.length === 0) {
    return {
      found: false,
      range,
      sentence: `none in the observed range: no ${input.name} in [${num(range[0], 4)}, ${num(range[1], 4)}] changes the decision on its own`,
    };
  }
  const value = candidates[0];
  const change = value - x0;
  const positiveNow = yhatAt(x0) > labels.threshold;
  const past = crossingAt?.(value);
  const label = past?.label ?? (positiveNow ? labels.negative : labels.positive);
  return {
    found: true,
    value,
    change,
    prediction: past?.prediction ?? yhatAt(value),
    label,
    range,
    sentence: `${label} at ${input.name} = ${num(value, 4)} instead of ${num(x0, 4)} (${signed(change, 4)})`,
  };
}

function explainNumeric(
  input: NumericInput, raw: unknown, column: number, gradient: readonly number[],
  predictAt: (column: number, encoded: number) => number, labels: DecisionLabels,
  outputsAt?: (column: number, encoded: number) => Float64Array,
): NumericInputExplanation {
  // The encoder's own scaling (model/encoding.ts), so ∂ŷ/∂x in raw units undoes exactly what was applied.
  const { shift, scale, fill } = numericScaling(input);
  const x0 = parseNumeric(raw, input.name) ?? fill;
  const dyhatDx = gradient[column] / scale;
  const yhatAt = (x: number) => predictAt(column, (x - shift) / scale);
  const head = labels.head;
  const crossingAt = head && outputsAt ? (x: number) => {
    const out = outputsAt(column, (x - shift) / scale);
    return { label: head.crossing(out), prediction: head.value(out) };
  } : undefined;
  return {
    name: input.name,
    kind: 'numeric',
    value: x0,
    dyhatDx,
    sentence: `ŷ changes by ${signed(dyhatDx, 3)} per unit of ${input.name} (at ${num(x0, 4)})`,
    counterfactual: counterfactual(input, x0, yhatAt, labels, crossingAt),
  };
}

function explainCategorical(
  input: CategoricalInput, raw: unknown, column: number, row: readonly number[], net: Network, yhat: number, labels: DecisionLabels,
): CategoricalInputExplanation {
  const value = isMissing(raw) ? '(missing)' : String(raw);
  const ws = createWorkspace(net, 1);
  const X = Float64Array.from(row);
  const head = labels.head;
  const now = head ? head.decision(forward(net, Float64Array.from(row), 1, ws)) : '';
  const alternatives = input.categories.filter((c) => c !== value).map((category) => {
    input.categories.forEach((c, k) => { X[column + k] = c === category ? 1 : 0; });
    const out = forward(net, X, 1, ws);
    if (head) {
      const prediction = head.value(out);
      return { category, prediction, change: prediction - yhat, crossesThreshold: head.decision(out) !== now };
    }
    const prediction = out[0];
    return { category, prediction, change: prediction - yhat, crossesThreshold: (prediction > labels.threshold) !== (yhat > labels.threshold) };
  });
  const parts = alternatives.map((alt) => `${alt.category}: ŷ = ${num(alt.prediction, 4)} (${signed(alt.change, 3)})${alt.crossesThreshold ? ' crosses the threshold' : ''}`);
  return {
    name: input.name,
    kind: 'categorical',
    value,
    alternatives,
    sentence: alternatives.length ? `switching ${input.name} from ${value} to ${parts.join('; ')}` : `${input.name} has no other category`,
  };
}

/** Per-input sensitivity and counterfactuals for one encoded row (the record gives the raw values). */
export function explainInputs(
  net: Network, inputs: readonly ModelInput[], record: Record<string, unknown>, trace: Trace, labels: DecisionLabels,
): InputExplanation[] {
  const head = labels.head;
  const out = Float64Array.from(trace.a[trace.a.length - 1]);
  // ∂ŷ/∂x of the explained output: the predicted class's probability, or the raw value.
  const unit = head && out.length > 1 ? out.indexOf(head.value(out)) : 0;
  let gradient = predictionInputGradient(net, trace, unit);
  if (head && out.length === 1) {
    // A regression head in raw units is affine in the output: value = out·s + m, so ∂value/∂x = s·∂out/∂x.
    const s = head.value(Float64Array.of(1)) - head.value(Float64Array.of(0));
    gradient = gradient.map((g) => g * s);
  }
  const predictAt = makePredictor(net, trace.x, head ? head.margin : undefined);
  const outputsAt = head ? makeOutputs(net, trace.x) : undefined;
  const yhat = head ? head.value(out) : trace.yhat;
  let column = 0;
  return inputs.map((input) => {
    const at = column;
    if (input.kind === 'numeric') {
      column += 1;
      return explainNumeric(input, record[input.name], at, gradient, predictAt, labels, outputsAt);
    }
    column += input.categories.length;
    return explainCategorical(input, record[input.name], at, trace.x, net, yhat, labels);
  });
}
