/**
 * Synthetic three-class promotion-level data with a documented ground truth (data/README.md).
 * Pure and browser-safe: the rows come from the injected generator only.
 *
 * Schema "level": years_experience ~ U[0, 20], performance_score ~ U[40, 100] (one decimal each);
 * the noiseless level is `lead` when years_experience ≥ 10 AND performance_score ≥ 80, else
 * `senior` when years_experience ≥ 4 AND performance_score ≥ 65, else `none` — two nested
 * AND-shaped regions, four axis-aligned thresholds a 2-layer network draws with one hidden unit
 * each. Label noise: with probability `noise` a row's level is replaced by one of the two *other*
 * levels, drawn uniformly.
 *
 * Why the rule stays Bayes-optimal: given the features, the rule's level has probability 1 − p and
 * each other level p/2, so the rule is the most probable level exactly when 1 − p > p/2, i.e.
 * p < 2/3 (the generator refuses p ≥ 2/3). The Bayes accuracy is then 1 − p in expectation and,
 * on a file, the share of rows whose level equals the rule applied to the written (rounded)
 * features — computable on any subset of rows.
 */
import type { Rng } from '../math/rng.js';

export const LEVELS = ['none', 'senior', 'lead'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_RULE = {
  senior: { minYears: 4, minScore: 65 },
  lead: { minYears: 10, minScore: 80 },
} as const;

/** Default label noise: 10% of levels replaced, so the Bayes accuracy is 90% in expectation. */
export const LEVEL_NOISE = 0.1;

export interface LevelRow {
  years_experience: number;
  performance_score: number;
  level: Level;
}

export interface GeneratedLevel {
  columns: ['years_experience', 'performance_score', 'level'];
  rows: LevelRow[];
  /** Rows per level in LEVELS order, after the noise. */
  counts: [number, number, number];
  /** Share of rows whose level equals the noiseless rule: the Bayes classifier's accuracy on this sample. */
  bayesAccuracy: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The noiseless level, the Bayes classifier for any noise below 2/3. */
export function levelRule(years: number, score: number): Level {
  const { senior, lead } = LEVEL_RULE;
  if (years >= lead.minYears && score >= lead.minScore) return 'lead';
  if (years >= senior.minYears && score >= senior.minScore) return 'senior';
  return 'none';
}

export function generateLevel(rows: number, rng: Rng, noise = LEVEL_NOISE): GeneratedLevel {
  if (!(noise >= 0 && noise < 2 / 3)) throw new RangeError(`level noise must be in [0, 2/3) for the rule to stay Bayes-optimal, got ${noise}`);
  const out: LevelRow[] = [];
  const counts: [number, number, number] = [0, 0, 0];
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    const years = round1(rng.next() * 20);
    const score = round1(40 + rng.next() * 60);
    const truth = LEVELS.indexOf(levelRule(years, score));
    // A replaced level is one of the two others: shift by 1 or 2 (mod 3), each with probability 1/2.
    const label = rng.next() < noise ? (truth + 1 + rng.int(2)) % 3 : truth;
    if (label === truth) agree++;
    counts[label]++;
    out.push({ years_experience: years, performance_score: score, level: LEVELS[label] });
  }
  return { columns: ['years_experience', 'performance_score', 'level'], rows: out, counts, bayesAccuracy: rows ? agree / rows : 1 };
}

export function levelCsv(data: GeneratedLevel): string {
  const lines = [data.columns.join(',')];
  for (const r of data.rows) lines.push(`${r.years_experience},${r.performance_score},${r.level}`);
  return `${lines.join('\n')}\n`;
}
