/**
 * Constrained counterfactuals of one prediction of a model file: what `explain --counterfactuals`,
 * `/explain`'s `counterfactuals` and the library call. The goal is the task's: binary the other
 * decision at the model's threshold; multiclass a desired class predicted (`desiredClass`, default
 * any class other than the predicted one, the nearest); regression the value inside
 * `desiredRange` [lo, hi] in raw units (required; null leaves an end open). The search is
 * src/explain/attributions/counterfactual.ts; each answer is checked again here through the
 * model's own encoder. Bad input throws InputError naming the field (`immutable`, `ranges`,
 * `maxChanges`, `desiredClass`, `desiredRange`).
 */
import { predict } from '../math/network.js';
import { modelToNetwork } from '../model/convert.js';
import type { ModelFile } from '../model/schema.js';
import { regressionValue, taskOf } from '../model/schema.js';
import type { ConstrainedCounterfactual, CounterfactualGoal } from '../explain/attributions/index.js';
import { constrainedCounterfactuals, inputGroups } from '../explain/attributions/index.js';
import { argmaxRows } from '../data/metrics.js';
import { InputError } from '../errors.js';
import { encodeOne, outputHead } from './explained-output.js';

export interface CounterfactualRequest {
  readonly immutable?: readonly string[];
  /** Allowed raw values per numeric input, [lo, hi]. */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  readonly maxChanges?: number;
  readonly limit?: number;
  /** Multiclass: the class to reach (default: any class other than the predicted one, whichever is nearest). */
  readonly desiredClass?: string;
  /** Regression (required there): the raw value range [lo, hi] to reach; null leaves that end open. */
  readonly desiredRange?: readonly (number | null)[];
}

export interface CounterfactualDocument extends ConstrainedCounterfactual {
  /**
   * The outcome at the changed input: binary the decision ("promoted" / "not promoted"),
   * multiclass the class predicted (`prediction` is its probability), regression "salary in
   * [lo, hi]" (`prediction` is the value in raw units).
   */
  readonly label: string;
}

function checkConstraints(model: ModelFile, request: CounterfactualRequest): void {
  const byName = new Map(model.inputs.map((i) => [i.name, i]));
  const names = model.inputs.map((i) => i.name).join(', ');
  for (const name of request.immutable ?? []) {
    if (!byName.has(name)) throw new InputError('immutable', `immutable: unknown input ${JSON.stringify(name)}; the model's inputs are ${names}`);
  }
  for (const [name, range] of Object.entries(request.ranges ?? {})) {
    const input = byName.get(name);
    if (!input) throw new InputError('ranges', `ranges: unknown input ${JSON.stringify(name)}; the model's inputs are ${names}`);
    if (input.kind !== 'numeric') throw new InputError('ranges', `ranges: ${name} is categorical; a range applies to a numeric input`);
    const [lo, hi] = range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
      throw new InputError('ranges', `ranges: ${name} needs finite lo ≤ hi, got ${JSON.stringify(range)}`);
    }
  }
  const k = request.maxChanges ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > 3) throw new InputError('maxChanges', `maxChanges must be 1, 2 or 3, got ${JSON.stringify(request.maxChanges)}`);
}

/** "[40000, 60000]", with an open end as −∞ or ∞. */
function showRange(lo: number, hi: number): string {
  return `[${Number.isFinite(lo) ? lo : '−∞'}, ${Number.isFinite(hi) ? hi : '∞'}]`;
}

/** The desired range as [lo, hi] with open ends infinite; the errors name `desiredRange`. */
function desiredRange(model: ModelFile, range: CounterfactualRequest['desiredRange']): [number, number] {
  const got = JSON.stringify(range);
  if (range === undefined) {
    throw new InputError('desiredRange', `desiredRange is required for a regression model: the range [lo, hi] of ${model.target.name} to reach, in raw units`);
  }
  const ok = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
  if (!Array.isArray(range) || range.length !== 2 || !range.every(ok) || (range[0] === null && range[1] === null)) {
    throw new InputError('desiredRange', `desiredRange must be [lo, hi] with numbers (null for an open end, not both), got ${got}`);
  }
  const lo = range[0] ?? -Infinity;
  const hi = range[1] ?? Infinity;
  if (!(lo < hi)) throw new InputError('desiredRange', `desiredRange needs lo < hi, got ${got}`);
  return [lo, hi];
}

/** An output row read for the goal: reached (no margin: the search already cleared it by one), its label and prediction. */
type Outcome = { reached: boolean; label: string; prediction: number };

/** The task's goal for the encoded row x, and how to read an output row of the full output layer. */
function goalOf(model: ModelFile, x: Float64Array, request: CounterfactualRequest): { goal: CounterfactualGoal; outcome: (p: Float64Array) => Outcome } {
  const task = taskOf(model);
  if (request.desiredClass !== undefined && task !== 'multiclass') {
    throw new InputError('desiredClass', `desiredClass is only for a multiclass model; this model's task is ${task}`);
  }
  if (request.desiredRange !== undefined && task !== 'regression') {
    throw new InputError('desiredRange', `desiredRange is only for a regression model; this model's task is ${task}`);
  }
  const now = predict(modelToNetwork(model), x, 1);
  if (model.task === 'multiclass') {
    const { classes } = model.target;
    const current = argmaxRows(now, classes.length)[0];
    let units = classes.map((_c, i) => i).filter((i) => i !== current);
    if (request.desiredClass !== undefined) {
      const wanted = classes.indexOf(request.desiredClass);
      if (wanted < 0) throw new InputError('desiredClass', `desiredClass must be one of ${classes.join(', ')}, got ${JSON.stringify(request.desiredClass)}`);
      if (wanted === current) throw new InputError('desiredClass', `desiredClass: the input is already classified as ${classes[current]}; ask for another class`);
      units = [wanted];
    }
    return {
      goal: { kind: 'class', units },
      outcome: (p) => {
        const c = argmaxRows(p, classes.length)[0];
        return { reached: units.includes(c), label: classes[c], prediction: p[c] };
      },
    };
  }
  if (model.task === 'regression') {
    const [lo, hi] = desiredRange(model, request.desiredRange);
    const value = regressionValue(model, now[0]);
    if (value >= lo && value <= hi) {
      throw new InputError('desiredRange', `desiredRange: ${model.target.name} is already ${value} for this input, inside ${showRange(lo, hi)}`);
    }
    const label = `${model.target.name} in ${showRange(lo, hi)}`;
    return {
      goal: { kind: 'range', lo, hi },
      outcome: (p) => {
        const v = regressionValue(model, p[0]);
        return { reached: v >= lo && v <= hi, label, prediction: v };
      },
    };
  }
  const { threshold } = model;
  const positiveNow = now[0] > threshold;
  const label = (p: number) => (p > threshold ? model.target.name : `not ${model.target.name}`);
  return {
    goal: { kind: 'flip', threshold },
    outcome: (p) => ({ reached: (p[0] > threshold) !== positiveNow, label: label(p[0]), prediction: p[0] }),
  };
}

/**
 * Constrained counterfactuals of one raw input record, nearest first. Each one is checked again
 * here through the model's own encoder (the record with its changes, encoded and run forward).
 */
export function explainCounterfactuals(model: ModelFile, input: Record<string, unknown>, request: CounterfactualRequest): CounterfactualDocument[] {
  checkConstraints(model, request);
  const x = encodeOne(model, input, 'input');
  const { goal, outcome } = goalOf(model, x, request);
  const net = modelToNetwork(model);
  const found = constrainedCounterfactuals(net, outputHead(model), inputGroups(model.inputs), x, {
    goal, immutable: request.immutable, ranges: request.ranges, maxChanges: request.maxChanges, limit: request.limit,
  });
  return found.flatMap((cf) => {
    const changed = { ...input, ...Object.fromEntries(cf.changes.map((c) => [c.input, c.to])) };
    const o = outcome(predict(net, encodeOne(model, changed, 'input'), 1));
    return o.reached ? [{ ...cf, prediction: o.prediction, label: o.label }] : [];
  });
}
