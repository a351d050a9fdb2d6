/**
 * A formula of the notes, evaluated exactly as written at a point, next to the quantity it claims
 * to be, measured by a central finite difference of the true function at the same point.
 */

export interface FormulaSpec<P> {
  /** Short name, e.g. `factor (2) ∂ŷ/∂z'` or `∂L/∂w1`. */
  readonly name: string;
  /** The formula as the note writes it, in plain Unicode. */
  readonly asWritten: string;
  /** The note's LaTeX, verbatim. */
  readonly latex: string;
  /** How an ambiguous line is read before it is evaluated (notation only, never a correction). */
  readonly reading?: string;
  /** The README's slip number this line illustrates when it slips (annotation; the verdict is numeric). */
  readonly slip?: number;
  /** The correct formula; shown when the formula slips. */
  readonly corrected: string;
  /** The note's formula, evaluated as written. */
  value(p: P): number;
  /** The true quantity by central finite differences. */
  finiteDifference(p: P): number;
}

/** Relative step of every central difference here. */
const H = 1e-6;

/** (f(t+h) − f(t−h))/2h at t; h relative to |t| unless given. */
export function central(f: (t: number) => number, t: number, step?: number): number {
  const h = step ?? H * Math.max(1, Math.abs(t));
  return (f(t + h) - f(t - h)) / (2 * h);
}

/** The mixed tolerance a formula must meet at every point to hold. */
export function agrees(value: number, reference: number, tolerance = 1e-6): boolean {
  return Math.abs(value - reference) <= tolerance * Math.max(1, Math.abs(value), Math.abs(reference));
}

/** A central difference in a probability p ∈ (0, 1), with a step small against both p and 1 − p. */
export function centralInProbability(f: (p: number) => number, p: number): number {
  return central(f, p, H * Math.min(p, 1 - p));
}
