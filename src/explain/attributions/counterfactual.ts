/**
 * Counterfactuals under constraints: the nearest changes of up to `maxChanges` inputs that reach
 * a goal (binary: the explained output across the decision threshold; multiclass: a desired class
 * predicted; regression: the value inside a desired range), with immutable inputs left alone,
 * numeric values kept in their allowed ranges, and categorical inputs switched to another category.
 *
 * Distance is L1 in training-std units (the encoded space of a standardised input; raw units for
 * an input the model uses raw) plus 1 per categorical change. For each set of changed inputs and
 * each category choice, the numeric part is searched along a fixed fan of directions on the L1
 * unit sphere (every component non-zero, so each listed input really changes): each ray is
 * scanned on a grid inside the allowed box, the first crossing bisected, the nearest kept; the
 * best candidates are then refined by a pattern search over the direction. Everything is a fixed
 * grid or a deterministic search, so the answer is the same on every run. Every reported
 * counterfactual is rebuilt from its raw values, re-encoded and checked by a forward pass.
 *
 * Over 300 lines because the search (single changes, pairs, categories) and the verification by a
 * forward pass are one algorithm with shared candidates.
 */
import type { Network } from '../../math/network.js';
import { createWorkspace, forward } from '../../math/network.js';
import type { NumericInput } from '../../model/schema.js';
import { searchRange } from '../prediction.js';
import type { InputGroup, OutputHead } from './types.js';
import { numericScale, readOutput } from './types.js';

/** What a counterfactual must reach. */
export type CounterfactualGoal =
  /** Binary: the other side of the threshold from x's output (positive when the output is > threshold). */
  | { readonly kind: 'flip'; readonly threshold: number }
  /** Multiclass: the largest output unit is one of `units` (ahead of every other unit by MARGIN). */
  | { readonly kind: 'class'; readonly units: readonly number[] }
  /** Regression: the head's output inside [lo, hi] (an infinite end is open), by MARGIN·max(1, |end|). */
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number };

export interface CounterfactualOptions {
  /** Binary shorthand for the goal { kind: 'flip', threshold }. */
  readonly threshold?: number;
  /** What to reach (default: flip at `threshold`, else at 0.5). */
  readonly goal?: CounterfactualGoal;
  /** Inputs that may not change. */
  readonly immutable?: readonly string[];
  /** Allowed raw values [lo, hi] of a changed numeric input (default: the observed range, else mean ± 4 std). */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** At most this many inputs change together (default 2). */
  readonly maxChanges?: number;
  /** At most this many counterfactuals are reported, nearest first (default 5). */
  readonly limit?: number;
}

export interface CounterfactualChange {
  readonly input: string;
  /** Raw values: a number for a numeric input, the category for a categorical one (null: no known category). */
  readonly from: number | string | null;
  readonly to: number | string;
}

export interface ConstrainedCounterfactual {
  readonly changes: readonly CounterfactualChange[];
  /** Σ |Δ| in training-std units over the numeric changes, plus 1 per categorical change. */
  readonly distance: number;
  /** The head's output at the changed input, from a forward pass of the re-encoded raw values (the goal reached by at least MARGIN). */
  readonly prediction: number;
}

/** Grid points per ray, bisection steps per crossing, directions per axis of the fan. */
const SCAN = 48;
const BISECT = 60;
const FAN = 4;
/** A counterfactual's output clears the threshold (or the other classes, or the range's ends) by at least this much. */
export const MARGIN = 1e-9;

interface Search {
  readonly net: Network;
  readonly head: OutputHead;
  readonly groups: readonly InputGroup[];
  readonly x: Float64Array;
  /** Whether row r of a forward pass's output activations reaches the goal. */
  readonly reached: (out: Float64Array, r: number) => boolean;
  /** Allowed box per group in encoded units (numeric groups only). */
  readonly box: ([number, number] | undefined)[];
}

interface Candidate {
  /** Changed groups, ascending. */
  readonly subset: readonly number[];
  /** Category index chosen per categorical group of the subset. */
  readonly categories: ReadonlyMap<number, number>;
  /** Numeric groups of the subset and the direction and length along which they move. */
  readonly numeric: readonly number[];
  direction: Float64Array;
  t: number;
  cost: number;
}

/**
 * The goal as a test of one output row, by a margin: a point exactly on a boundary would fall
 * back under another summation order, so a counterfactual must clear it by MARGIN.
 */
function goalTest(net: Network, head: OutputHead, x: Float64Array, goal: CounterfactualGoal): Search['reached'] {
  const units = net.layers[net.layers.length - 1].units;
  switch (goal.kind) {
    case 'flip': {
      const positive = readOutput(net, head, forward(net, x, 1, createWorkspace(net, 1)), 0) > goal.threshold;
      return (out, r) => {
        const p = readOutput(net, head, out, r);
        return positive ? p <= goal.threshold - MARGIN : p > goal.threshold + MARGIN;
      };
    }
    case 'class': {
      const wanted = new Set(goal.units);
      return (out, r) => {
        let best = -Infinity;
        let other = -Infinity;
        for (let c = 0; c < units; c++) {
          const p = out[r * units + c];
          if (wanted.has(c)) best = Math.max(best, p);
          else other = Math.max(other, p);
        }
        return best > other + MARGIN;
      };
    }
    case 'range': {
      // An open end stays infinite (−∞ + margin·∞ would be NaN, and NaN is never reached).
      const lo = Number.isFinite(goal.lo) ? goal.lo + MARGIN * Math.max(1, Math.abs(goal.lo)) : goal.lo;
      const hi = Number.isFinite(goal.hi) ? goal.hi - MARGIN * Math.max(1, Math.abs(goal.hi)) : goal.hi;
      return (out, r) => {
        const v = readOutput(net, head, out, r);
        return v >= lo && v <= hi;
      };
    }
  }
}


/** x with the candidate's categories set (numeric columns still x's). */
function baseRow(s: Search, categories: ReadonlyMap<number, number>): Float64Array {
  const row = Float64Array.from(s.x);
  for (const [g, at] of categories) {
    const group = s.groups[g];
    for (let c = 0; c < group.width; c++) row[group.start + c] = c === at ? 1 : 0;
  }
  return row;
}

/** The part of the ray base + t·d (t ≥ 0) inside the numeric groups' boxes, or undefined. */
function rayInBox(s: Search, numeric: readonly number[], d: Float64Array): [number, number] | undefined {
  let tIn = 0;
  let tOut = Infinity;
  numeric.forEach((g, i) => {
    const [lo, hi] = s.box[g] as [number, number];
    const x0 = s.x[s.groups[g].start];
    const t1 = (lo - x0) / d[i];
    const t2 = (hi - x0) / d[i];
    tIn = Math.max(tIn, Math.min(t1, t2));
    tOut = Math.min(tOut, Math.max(t1, t2));
  });
  return tIn <= tOut && Number.isFinite(tOut) ? [tIn, tOut] : undefined;
}

function place(s: Search, row: Float64Array, numeric: readonly number[], d: Float64Array, t: number): void {
  numeric.forEach((g, i) => {
    const c = s.groups[g].start;
    row[c] = s.x[c] + t * d[i];
  });
}

/**
 * The nearest t along each direction where the goal is reached (Infinity where it does not): one
 * forward pass over every direction's scan grid, then the bisections of all rays together.
 */
function nearestCrossings(s: Search, base: Float64Array, numeric: readonly number[], dirs: readonly Float64Array[]): Float64Array {
  const k = base.length;
  const K = dirs.length;
  const result = new Float64Array(K).fill(Infinity);
  const spans = dirs.map((d) => rayInBox(s, numeric, d));
  const X = new Float64Array(K * (SCAN + 1) * k);
  dirs.forEach((d, r) => {
    const span = spans[r];
    for (let j = 0; j <= SCAN; j++) {
      const row = X.subarray((r * (SCAN + 1) + j) * k, (r * (SCAN + 1) + j + 1) * k);
      row.set(base);
      if (span) place(s, row, numeric, d, span[0] + ((span[1] - span[0]) * j) / SCAN);
    }
  });
  const out = forward(s.net, X, K * (SCAN + 1), createWorkspace(s.net, K * (SCAN + 1)));
  const lo = new Float64Array(K);
  const hi = new Float64Array(K);
  const open: number[] = [];
  dirs.forEach((_d, r) => {
    const span = spans[r];
    if (!span) return;
    for (let j = 0; j <= SCAN; j++) {
      if (!s.reached(out, r * (SCAN + 1) + j)) continue;
      const t = span[0] + ((span[1] - span[0]) * j) / SCAN;
      // Flipped where the ray enters the box (t > 0: x itself is outside an allowed range): nearest is the entry.
      if (j === 0) result[r] = t > 0 ? t : Infinity;
      else {
        lo[r] = span[0] + ((span[1] - span[0]) * (j - 1)) / SCAN;
        hi[r] = t;
        open.push(r);
      }
      return;
    }
  });
  if (open.length === 0) return result;
  const B = new Float64Array(open.length * k);
  const ws = createWorkspace(s.net, open.length);
  for (let iter = 0; iter < BISECT; iter++) {
    open.forEach((r, q) => {
      const row = B.subarray(q * k, (q + 1) * k);
      row.set(base);
      place(s, row, numeric, dirs[r], lo[r] + (hi[r] - lo[r]) / 2);
    });
    const mid = forward(s.net, B, open.length, ws);
    open.forEach((r, q) => {
      const t = lo[r] + (hi[r] - lo[r]) / 2;
      if (s.reached(mid, q)) hi[r] = t;
      else lo[r] = t;
    });
  }
  for (const r of open) result[r] = hi[r];
  return result;
}

/** Directions with every component in ±{1 … FAN}, scaled to L1 norm 1, duplicates removed, in a fixed order. */
function fan(m: number): Float64Array[] {
  const levels: number[] = [];
  for (let a = 1; a <= FAN; a++) levels.push(a, -a);
  const seen = new Set<string>();
  const dirs: Float64Array[] = [];
  const index = new Array<number>(m).fill(0);
  for (;;) {
    const d = Float64Array.from(index, (i) => levels[i]);
    const norm = d.reduce((sum, v) => sum + Math.abs(v), 0);
    for (let i = 0; i < m; i++) d[i] /= norm;
    const key = Array.from(d, (v) => v.toFixed(12)).join(',');
    if (!seen.has(key)) {
      seen.add(key);
      dirs.push(d);
    }
    let i = 0;
    while (i < m && ++index[i] === levels.length) index[i++] = 0;
    if (i === m) return dirs;
  }
}

function* subsets(items: readonly number[], maxSize: number, from = 0, prefix: number[] = []): Generator<number[]> {
  for (let i = from; i < items.length; i++) {
    const next = [...prefix, items[i]];
    yield next;
    if (next.length < maxSize) yield* subsets(items, maxSize, i + 1, next);
  }
}

/** Every choice of another category for each categorical group (all categories when x has none). */
function categoryChoices(s: Search, cats: readonly number[]): Map<number, number>[] {
  let choices: Map<number, number>[] = [new Map()];
  for (const g of cats) {
    const group = s.groups[g];
    const current = currentCategory(s.x, group);
    const next: Map<number, number>[] = [];
    for (const choice of choices) {
      for (let c = 0; c < group.width; c++) if (c !== current) next.push(new Map(choice).set(g, c));
    }
    choices = next;
  }
  return choices;
}

function currentCategory(x: Float64Array, group: InputGroup): number {
  for (let c = 0; c < group.width; c++) if (x[group.start + c] === 1) return c;
  return -1;
}

/** The best candidate for one set of changed inputs, or undefined if none crosses. */
function bestForSubset(s: Search, subset: readonly number[], dirsByDim: Map<number, Float64Array[]>): Candidate | undefined {
  const cats = subset.filter((g) => s.groups[g].input.kind === 'categorical');
  const numeric = subset.filter((g) => s.groups[g].input.kind === 'numeric');
  let best: Candidate | undefined;
  const choices = categoryChoices(s, cats);
  if (numeric.length === 0) {
    const X = new Float64Array(choices.length * s.x.length);
    choices.forEach((choice, q) => X.set(baseRow(s, choice), q * s.x.length));
    const out = forward(s.net, X, choices.length, createWorkspace(s.net, Math.max(1, choices.length)));
    choices.forEach((choice, q) => {
      if (!best && s.reached(out, q)) best = { subset, categories: choice, numeric, direction: new Float64Array(0), t: 0, cost: cats.length };
    });
    return best;
  }
  const dirs = dirsByDim.get(numeric.length) ?? fan(numeric.length);
  dirsByDim.set(numeric.length, dirs);
  for (const choice of choices) {
    const t = nearestCrossings(s, baseRow(s, choice), numeric, dirs);
    t.forEach((tr, r) => {
      const cost = cats.length + tr;
      if (Number.isFinite(tr) && (!best || cost < best.cost)) best = { subset, categories: choice, numeric, direction: dirs[r], t: tr, cost };
    });
  }
  return best;
}

/** Pattern search over the direction of a candidate with two or more numeric changes. */
function refine(s: Search, candidate: Candidate): void {
  const m = candidate.numeric.length;
  if (m < 2) return;
  const base = baseRow(s, candidate.categories);
  let step = 0.5 / FAN;
  for (let round = 0; round < 16; round++) {
    const trials: Float64Array[] = [];
    for (let i = 0; i < m; i++) {
      for (const sign of [1, -1]) {
        const d = Float64Array.from(candidate.direction);
        d[i] += sign * step * Math.sign(d[i]);
        if (Math.sign(d[i]) !== Math.sign(candidate.direction[i]) || d[i] === 0) continue;
        const norm = d.reduce((sum, v) => sum + Math.abs(v), 0);
        trials.push(d.map((v) => v / norm));
      }
    }
    const t = trials.length > 0 ? nearestCrossings(s, base, candidate.numeric, trials) : new Float64Array(0);
    let improved = false;
    t.forEach((tr, r) => {
      if (tr < candidate.t) {
        candidate.t = tr;
        candidate.direction = trials[r];
        improved = true;
      }
    });
    candidate.cost = candidate.categories.size + candidate.t;
    if (!improved) step /= 2;
  }
}

/** Raw value of numeric group g at encoded value e, and its re-encoding as the model's encoder does it. */
function rawOf(group: InputGroup, e: number): number {
  const { shift, scale } = numericScale(group.input);
  return e * scale + shift;
}

/**
 * The candidate as raw values, re-encoded and checked by a forward pass. The bisection's end is on
 * the goal's side in the encoded space; the raw round trip can move it by an ulp back onto the
 * threshold, so t is nudged outward (by at most ~1e-6 relative) until the re-encoded row reaches the goal.
 */
function verify(s: Search, candidate: Candidate): ConstrainedCounterfactual | undefined {
  const ws = createWorkspace(s.net, 1);
  const base = baseRow(s, candidate.categories);
  for (let attempt = 0, t = candidate.t; attempt < 12; attempt++, t *= 1 + 4 ** attempt * 1e-13) {
    const row = Float64Array.from(base);
    const raw = new Map<number, number>();
    candidate.numeric.forEach((g, i) => {
      const group = s.groups[g];
      const value = rawOf(group, s.x[group.start] + t * candidate.direction[i]);
      const { shift, scale } = numericScale(group.input);
      raw.set(g, value);
      row[group.start] = (value - shift) / scale;
    });
    // A change that rounds away in raw units (the output sat on the threshold) is no change of that input.
    if (candidate.numeric.some((g) => raw.get(g) === rawOf(s.groups[g], s.x[s.groups[g].start]))) return undefined;
    const out = forward(s.net, row, 1, ws);
    if (!s.reached(out, 0)) continue;
    const inBox = candidate.numeric.every((g) => {
      const [lo, hi] = s.box[g] as [number, number];
      return row[s.groups[g].start] >= lo && row[s.groups[g].start] <= hi;
    });
    if (!inBox) return undefined;
    const changes = candidate.subset.map((g): CounterfactualChange => {
      const group = s.groups[g];
      if (group.input.kind === 'categorical') {
        const from = currentCategory(s.x, group);
        return { input: group.name, from: from < 0 ? null : group.input.categories[from], to: group.input.categories[candidate.categories.get(g) as number] };
      }
      return { input: group.name, from: rawOf(group, s.x[group.start]), to: raw.get(g) as number };
    });
    let distance = candidate.categories.size;
    for (const g of candidate.numeric) distance += Math.abs(row[s.groups[g].start] - s.x[s.groups[g].start]);
    return { changes, distance, prediction: readOutput(s.net, s.head, out, 0) };
  }
  return undefined;
}

/** The allowed box of each numeric group in encoded units: the given raw range, else the default search range. */
function boxes(groups: readonly InputGroup[], x: Float64Array, ranges: CounterfactualOptions['ranges']): ([number, number] | undefined)[] {
  return groups.map((g) => {
    if (g.input.kind !== 'numeric') return undefined;
    const raw = rawOf(g, x[g.start]);
    const [lo, hi] = ranges?.[g.name] ?? searchRange(g.input as NumericInput, raw);
    const { shift, scale } = numericScale(g.input);
    return [(lo - shift) / scale, (hi - shift) / scale];
  });
}

/**
 * Constrained counterfactuals of the encoded row x, nearest first. Names in `immutable` and
 * `ranges` are trusted to be model inputs (the caller validates them and names the bad one).
 */
export function constrainedCounterfactuals(
  net: Network, head: OutputHead, groups: readonly InputGroup[], x: Float64Array, options: CounterfactualOptions,
): ConstrainedCounterfactual[] {
  const goal = options.goal ?? { kind: 'flip', threshold: options.threshold ?? 0.5 };
  const s: Search = { net, head, groups, x, reached: goalTest(net, head, x, goal), box: boxes(groups, x, options.ranges) };
  const immutable = new Set(options.immutable ?? []);
  const mutable = groups.map((_g, i) => i).filter((i) => !immutable.has(groups[i].name));
  const maxChanges = options.maxChanges ?? 2;
  const limit = options.limit ?? 5;
  const dirsByDim = new Map<number, Float64Array[]>();
  const candidates: Candidate[] = [];
  for (const subset of subsets(mutable, maxChanges)) {
    const best = bestForSubset(s, subset, dirsByDim);
    if (best) candidates.push(best);
  }
  const byCost = (a: Candidate, b: Candidate) => a.cost - b.cost;
  candidates.sort(byCost);
  const shortlist = candidates.slice(0, 2 * limit);
  for (const candidate of shortlist) refine(s, candidate);
  shortlist.sort(byCost);
  const result: ConstrainedCounterfactual[] = [];
  for (const candidate of shortlist) {
    const verified = verify(s, candidate);
    if (verified) result.push(verified);
    if (result.length === limit) break;
  }
  return result;
}
