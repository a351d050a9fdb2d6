/**
 * `chainrule notes`: every formula of the two notes evaluated as written at several seeded random
 * points (and, for note 000, the README's example point first), compared with central finite
 * differences of the true function. A formula holds when it agrees at every point.
 */
import { createRng, type Rng } from '../../math/rng.js';
import type { FormulaSpec } from './formula.js';
import { agrees } from './formula.js';
import { NET1_FORMULAS, NOTE_000, README_POINT, type Net1Point } from './net1.js';
import { NET2_FORMULAS, NOTE_004, type Net2Point } from './net2.js';

export interface NoteFormula {
  /** The note's seed file name. */
  readonly note: string;
  /** What the note is about, as a user reads it: "Net 1" (the 1-1-1 chain) or "Net 2" (the 2-2-1 classifier). */
  readonly net: string;
  readonly name: string;
  readonly asWritten: string;
  readonly latex: string;
  readonly reading?: string;
  /** Value as written and finite difference at the first point. */
  readonly value: number;
  readonly finiteDifference: number;
  readonly verdict: 'holds' | 'slips';
  /** The correct formula for a slip, null when it holds. */
  readonly corrected: string | null;
  /** The README's slip number, for a slip. */
  readonly slip?: number;
  /** Every point: value as written and finite difference. */
  readonly points: readonly { value: number; finiteDifference: number }[];
}

export interface NotesReport {
  readonly seed: number;
  /** The evaluation points, by note file. */
  readonly points: Record<string, readonly (Net1Point | Net2Point)[]>;
  readonly formulas: NoteFormula[];
}

export const NOTES_SEED = 4;
export const RANDOM_POINTS = 5;

/** Uniform in (−1.5, 1.5): keeps ŷ away from 0 and 1 so every log is accurately differentiable. */
const u = (rng: Rng) => 3 * rng.next() - 1.5;
const label = (rng: Rng) => (rng.next() < 0.5 ? 0 : 1);

export function net1Points(rng: Rng, count: number): Net1Point[] {
  const random = Array.from({ length: count }, () => ({ x: u(rng), y: label(rng), w1: u(rng), b1: u(rng), w2: u(rng), b2: u(rng) }));
  return [README_POINT, ...random];
}

export function net2Points(rng: Rng, count: number): Net2Point[] {
  return Array.from({ length: count + 1 }, () => ({
    x1: u(rng), x2: u(rng), y: label(rng),
    w11: u(rng), w21: u(rng), w12: u(rng), w22: u(rng), b1: u(rng), b2: u(rng),
    w1: u(rng), w2: u(rng), b3: u(rng), eta: 0.5,
  }));
}

/** The notes' networks by seed file name. */
export const NOTE_NETS: Readonly<Record<string, { net: string; shape: string }>> = {
  [NOTE_000]: { net: 'Net 1', shape: 'the 1-1-1 chain' },
  [NOTE_004]: { net: 'Net 2', shape: 'the 2-2-1 promotion classifier' },
};

function evaluate<P>(note: string, spec: FormulaSpec<P>, points: readonly P[]): NoteFormula {
  const at = points.map((p) => ({ value: spec.value(p), finiteDifference: spec.finiteDifference(p) }));
  const holds = at.every((r) => agrees(r.value, r.finiteDifference));
  return {
    note,
    net: NOTE_NETS[note].net,
    name: spec.name,
    asWritten: spec.asWritten,
    latex: spec.latex,
    ...(spec.reading ? { reading: spec.reading } : {}),
    value: at[0].value,
    finiteDifference: at[0].finiteDifference,
    verdict: holds ? 'holds' : 'slips',
    corrected: holds ? null : spec.corrected,
    ...(!holds && spec.slip !== undefined ? { slip: spec.slip } : {}),
    points: at,
  };
}

export function checkNotes(seed = NOTES_SEED, randomPoints = RANDOM_POINTS): NotesReport {
  const rng = createRng(seed);
  const p1 = net1Points(rng, randomPoints);
  const p2 = net2Points(rng, randomPoints);
  return {
    seed,
    points: { [NOTE_000]: p1, [NOTE_004]: p2 },
    formulas: [
      ...NET1_FORMULAS.map((spec) => evaluate(NOTE_000, spec, p1)),
      ...NET2_FORMULAS.map((spec) => evaluate(NOTE_004, spec, p2)),
    ],
  };
}
