/**
 * Synthetic HR promotion data with the columns of the well-known public HR analytics data set
 * (employee_id … is_promoted; `KPIs_met >80%` is spelled `KPIs_met_80`), realistic ranges and
 * shares, blanks in education and previous_year_rating, and about 8% promoted. Pure: every value
 * comes from the injected generator. The ground truth is the logistic score `hrLogit`, written
 * down in data/README.md: is_promoted ~ Bernoulli(σ(hrLogit(row))).
 */
import type { Rng } from '../math/rng.js';
import { rocAuc } from './metrics.js';

export const HR_COLUMNS = [
  'employee_id', 'department', 'region', 'education', 'gender', 'recruitment_channel', 'no_of_trainings', 'age',
  'previous_year_rating', 'length_of_service', 'KPIs_met_80', 'awards_won', 'avg_training_score', 'is_promoted',
] as const;

export interface HrRow {
  employee_id: number;
  department: string;
  region: string;
  education: string;
  gender: string;
  recruitment_channel: string;
  no_of_trainings: number;
  age: number;
  /** Blank (undefined) for employees in their first year, as in the public data. */
  previous_year_rating?: number;
  length_of_service: number;
  KPIs_met_80: 0 | 1;
  awards_won: 0 | 1;
  avg_training_score: number;
  is_promoted: 0 | 1;
}

/** Department shares and the mean of its avg_training_score (training tests differ by department). */
const DEPARTMENTS: readonly [string, number, number][] = [
  ['Sales & Marketing', 0.31, 50], ['Operations', 0.21, 60], ['Technology', 0.13, 80], ['Procurement', 0.13, 70],
  ['Analytics', 0.10, 84], ['Finance', 0.05, 60], ['HR', 0.04, 50], ['Legal', 0.02, 59], ['R&D', 0.01, 84],
];
const EDUCATION: readonly [string, number][] = [["Bachelor's", 0.67], ["Master's & above", 0.27], ['Below Secondary', 0.015], ['', 0.045]];
const GENDER: readonly [string, number][] = [['m', 0.70], ['f', 0.30]];
const CHANNEL: readonly [string, number][] = [['other', 0.555], ['sourcing', 0.424], ['referred', 0.021]];
const RATING: readonly [number, number][] = [[1, 0.12], [2, 0.08], [3, 0.37], [4, 0.19], [5, 0.24]];
/** region_1 … region_34: a few large regions, a long tail (shares proportional to these weights). */
const REGION_WEIGHTS = [
  6, 22, 1, 3, 1.5, 1.3, 9, 1.2, 0.2, 1.2, 2.4, 0.9, 4.8, 1.5, 5.1, 2.7, 1.5, 0.1, 1.6, 1.6,
  0.8, 11.7, 2.2, 0.9, 1.5, 4.1, 3, 2.4, 1.8, 1.2, 3.5, 1.7, 0.5, 0.6,
];

/** Coefficients of the ground-truth logit (data/README.md). */
export const HR_TRUTH = {
  intercept: -4.1,
  kpisMet80: 1.9,
  awardsWon: 2.0,
  /** Per point of avg_training_score above 65. */
  trainingScore: 0.07,
  /** Per rating point above 3; a blank rating contributes 0. */
  rating: 0.35,
  /** Per training beyond the first. */
  extraTrainings: -0.2,
  /** Per year of age above 35. */
  age: -0.015,
  mastersOrAbove: 0.25,
} as const;

/** The ground-truth logit z; is_promoted = 1 with probability σ(z). */
export function hrLogit(row: Omit<HrRow, 'is_promoted'>): number {
  const t = HR_TRUTH;
  return t.intercept
    + t.kpisMet80 * row.KPIs_met_80
    + t.awardsWon * row.awards_won
    + t.trainingScore * (row.avg_training_score - 65)
    + (row.previous_year_rating === undefined ? 0 : t.rating * (row.previous_year_rating - 3))
    + t.extraTrainings * (row.no_of_trainings - 1)
    + t.age * (row.age - 35)
    + (row.education === "Master's & above" ? t.mastersOrAbove : 0);
}

function pick<T>(rng: Rng, table: readonly (readonly [T, number, ...unknown[]])[]): readonly [T, number, ...unknown[]] {
  let u = rng.next() * table.reduce((s, e) => s + e[1], 0);
  for (const entry of table) {
    u -= entry[1];
    if (u < 0) return entry;
  }
  return table[table.length - 1];
}

const REGIONS: readonly [string, number][] = REGION_WEIGHTS.map((w, i) => [`region_${i + 1}`, w]);
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export interface GeneratedHr {
  rows: HrRow[];
  positives: number;
  /** ROC AUC of the true logit on this sample: what a perfect model of the rule would score. */
  truthAuc: number;
}

export function generateHr(count: number, rng: Rng): GeneratedHr {
  const rows: HrRow[] = [];
  const logits = new Float64Array(count);
  const labels = new Float64Array(count);
  let id = 0;
  let positives = 0;
  for (let r = 0; r < count; r++) {
    id += 1 + rng.int(15);
    const [department, , scoreMean] = pick(rng, DEPARTMENTS) as readonly [string, number, number];
    const age = Math.round(clamp(35 + 7.5 * rng.normal(), 20, 60));
    const service = Math.round(clamp(Math.exp(1.6 + 0.7 * rng.normal()), 1, Math.min(37, age - 19)));
    const rating = service === 1 ? undefined : (pick(rng, RATING)[0] as number);
    const kpiChance = 0.12 + 0.09 * ((rating ?? 3) - 1);
    const kpi = rng.next() < kpiChance ? 1 : 0;
    const trainings = rng.next() < 0.81 ? 1 : Math.min(10, 2 + Math.floor(-Math.log(1 - rng.next()) * 0.6));
    const row: Omit<HrRow, 'is_promoted'> = {
      employee_id: id,
      department,
      region: pick(rng, REGIONS)[0] as string,
      education: pick(rng, EDUCATION)[0] as string,
      gender: pick(rng, GENDER)[0] as string,
      recruitment_channel: pick(rng, CHANNEL)[0] as string,
      no_of_trainings: trainings,
      age,
      previous_year_rating: rating,
      length_of_service: service,
      KPIs_met_80: kpi,
      awards_won: rng.next() < 0.023 ? 1 : 0,
      avg_training_score: Math.round(clamp(scoreMean + 3 * kpi + 8 * rng.normal(), 39, 99)),
    };
    const z = hrLogit(row);
    const promoted = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    logits[r] = z;
    labels[r] = promoted;
    positives += promoted;
    rows.push({ ...row, is_promoted: promoted });
  }
  return { rows, positives, truthAuc: rocAuc(logits, labels) };
}

const field = (v: string | number | undefined): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The rows as CSV text with a header line. */
export function hrCsv(rows: readonly HrRow[]): string {
  const lines = [HR_COLUMNS.join(',')];
  for (const row of rows) lines.push(HR_COLUMNS.map((c) => field(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}
