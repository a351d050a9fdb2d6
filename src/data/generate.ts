/**
 * Synthetic promotion data with a documented ground truth (data/README.md). Pure: the rows come
 * from the injected generator only.
 *
 * Schema "simple": years_experience ~ U[0, 20], performance_score ~ U[40, 100] (one decimal each);
 * promoted = 1 exactly when years_experience ≥ 5 AND performance_score ≥ 70, then each label is
 * flipped with probability `noise` (default 0.08). The Bayes-optimal classifier is the rule itself,
 * so the Bayes rate is 1 − noise in expectation, and exactly the share of unflipped rows in a file.
 */
import type { Rng } from '../math/rng.js';

export interface SimpleRow {
  years_experience: number;
  performance_score: number;
  promoted: 0 | 1;
}

export interface GeneratedSimple {
  columns: ['years_experience', 'performance_score', 'promoted'];
  rows: SimpleRow[];
  /** Share of rows whose label equals the noiseless rule: the Bayes classifier's accuracy on this sample. */
  bayesAccuracy: number;
}

export const SIMPLE_RULE = { minYears: 5, minScore: 70 } as const;

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function promotionRule(years: number, score: number): 0 | 1 {
  return years >= SIMPLE_RULE.minYears && score >= SIMPLE_RULE.minScore ? 1 : 0;
}

export function generateSimple(rows: number, rng: Rng, noise = 0.08): GeneratedSimple {
  const out: SimpleRow[] = [];
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    const years = round1(rng.next() * 20);
    const score = round1(40 + rng.next() * 60);
    const truth = promotionRule(years, score);
    const flip = rng.next() < noise;
    const label = (flip ? 1 - truth : truth) as 0 | 1;
    if (!flip) agree++;
    out.push({ years_experience: years, performance_score: score, promoted: label });
  }
  return { columns: ['years_experience', 'performance_score', 'promoted'], rows: out, bayesAccuracy: rows ? agree / rows : 1 };
}
