/**
 * Synthetic salary data (a regression target) with a documented ground truth (data/README.md).
 * Pure and browser-safe: the rows come from the injected generator only.
 *
 * Schema "salary": years_experience ~ U[0, 20], performance_score ~ U[40, 100] (one decimal each),
 * department uniform over four; salary = f(features) + ε rounded to a whole unit, ε ~ N(0, σ²),
 * σ = 6000, with the smooth mean
 *   f = base(department) + 45000·(1 − e^(−years/7)) + 600·(score − 70) + 30·years·(score − 70)
 * (experience pays with diminishing returns, a good score pays more the longer one has been there).
 * No model beats f, so the noise ceiling is R² = 1 − σ²/Var(y) in expectation and, on a file,
 * 1 − Σ(y − f)² / Σ(y − ȳ)² with f applied to the written features (computable on any subset).
 */
import type { Rng } from '../math/rng.js';

/** Departments in draw order with their base salary (f at 0 years and a score of 70). */
export const SALARY_DEPARTMENTS: readonly (readonly [string, number])[] = [
  ['Engineering', 62000], ['Sales', 48000], ['Operations', 42000], ['Support', 36000],
];

export const SALARY_TRUTH = {
  /** Asymptotic pay for experience, reached with time constant `yearsScale`. */
  experience: 45000,
  yearsScale: 7,
  /** Per performance point above 70. */
  score: 600,
  /** Per year × performance point above 70. */
  yearsByScore: 30,
  /** Standard deviation of the Gaussian noise. */
  sigma: 6000,
} as const;

export interface SalaryRow {
  years_experience: number;
  performance_score: number;
  department: string;
  salary: number;
}

export interface GeneratedSalary {
  columns: ['years_experience', 'performance_score', 'department', 'salary'];
  rows: SalaryRow[];
  /** 1 − Σ(y − f)² / Σ(y − ȳ)²: the R² of the true mean f on this sample, the ceiling for any model. */
  ceilingR2: number;
  /** √(Σ(y − f)² / n): the noise on this sample, σ up to sampling error (and rounding to a unit). */
  noiseStd: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The noiseless mean salary f (data/README.md); `department` must be one of SALARY_DEPARTMENTS. */
export function salaryMean(years: number, score: number, department: string): number {
  const entry = SALARY_DEPARTMENTS.find(([name]) => name === department);
  if (!entry) throw new RangeError(`department must be one of ${SALARY_DEPARTMENTS.map(([n]) => n).join(', ')}, got ${department}`);
  const t = SALARY_TRUTH;
  return entry[1] + t.experience * (1 - Math.exp(-years / t.yearsScale)) + t.score * (score - 70) + t.yearsByScore * years * (score - 70);
}

export function generateSalary(rows: number, rng: Rng, sigma: number = SALARY_TRUTH.sigma): GeneratedSalary {
  const out: SalaryRow[] = [];
  const truth: number[] = [];
  for (let r = 0; r < rows; r++) {
    const years = round1(rng.next() * 20);
    const score = round1(40 + rng.next() * 60);
    const department = SALARY_DEPARTMENTS[rng.int(SALARY_DEPARTMENTS.length)][0];
    const f = salaryMean(years, score, department);
    truth.push(f);
    out.push({ years_experience: years, performance_score: score, department, salary: Math.round(f + sigma * rng.normal()) });
  }
  const mean = out.reduce((s, r) => s + r.salary, 0) / Math.max(rows, 1);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    residual += (out[i].salary - truth[i]) ** 2;
    total += (out[i].salary - mean) ** 2;
  }
  return {
    columns: ['years_experience', 'performance_score', 'department', 'salary'],
    rows: out,
    ceilingR2: total > 0 ? 1 - residual / total : 1,
    noiseStd: Math.sqrt(residual / Math.max(rows, 1)),
  };
}

export function salaryCsv(data: GeneratedSalary): string {
  const lines = [data.columns.join(',')];
  for (const r of data.rows) lines.push(`${r.years_experience},${r.performance_score},${r.department},${r.salary}`);
  return `${lines.join('\n')}\n`;
}
