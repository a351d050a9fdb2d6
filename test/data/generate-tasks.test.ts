/**
 * The bundled multi-class and regression data (data/level.csv, data/salary.csv): gen-data
 * reproduces them byte for byte, and their ceilings — recomputed here from the rules as
 * data/README.md writes them, not from the generators — equal what gen-data prints and what the
 * README states. Class balance, the noise's split between the other classes, and the salary
 * noise's σ are checked against the documented distributions within sampling error (4 standard
 * errors).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { generateLevel } from '../../src/data/generate-level.js';
import { assertBuilt, REPO, removeTempDirs, runCli, tempDir } from './helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const DATA_README = readFileSync(join(REPO, 'data/README.md'), 'utf8');

/** The data/README.md section that starts at the heading naming `file`, its line breaks as spaces. */
function readmeSection(file: string): string {
  const start = DATA_README.indexOf(`## \`${file}\``);
  expect(start, `data/README.md has a section for ${file}`).toBeGreaterThanOrEqual(0);
  const end = DATA_README.indexOf('\n## ', start + 1);
  return DATA_README.slice(start, end < 0 ? undefined : end).replace(/\s+/g, ' ');
}

function csvRows(path: string): { header: string; rows: string[][] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header, rows: lines.map((line) => line.split(',')) };
}

async function regenerates(schema: string, file: string): Promise<string> {
  const dir = tempDir();
  const [one, other] = await Promise.all([
    runCli(['gen-data', '--schema', schema, '--rows', '2000', '--seed', '1', '--out', 'a.csv'], dir),
    runCli(['gen-data', '--schema', schema, '--rows', '2000', '--seed', '2', '--out', 'b.csv'], dir),
  ]);
  expect(one.status, one.stderr).toBe(0);
  expect(other.status, other.stderr).toBe(0);
  const made = readFileSync(join(dir, 'a.csv'));
  expect(made.equals(readFileSync(join(REPO, 'data', file))), `${file} is gen-data's output`).toBe(true);
  expect(readFileSync(join(dir, 'b.csv')).equals(made)).toBe(false);
  return one.stderr;
}

/** The rule of data/README.md, written out again here. */
function levelRule(years: number, score: number): string {
  if (years >= 10 && score >= 80) return 'lead';
  if (years >= 4 && score >= 65) return 'senior';
  return 'none';
}

describe('data/level.csv (three classes)', () => {
  const LEVEL = join(REPO, 'data/level.csv');
  const P = 0.1;

  it('gen-data --schema level --rows 2000 --seed 1 reproduces it byte for byte and prints the Bayes rate recomputed from the rule, as data/README.md states it', async () => {
    const stderr = await regenerates('level', 'level.csv');
    const { header, rows } = csvRows(LEVEL);
    expect(header).toBe('years_experience,performance_score,level');
    expect(rows).toHaveLength(2000);
    const agree = rows.filter(([y, s, level]) => levelRule(Number(y), Number(s)) === level).length;
    const bayes = ((100 * agree) / rows.length).toFixed(2);
    const count = (level: string) => rows.filter((row) => row[2] === level).length;
    expect(stderr).toContain(`2000 rows (${count('none')} none, ${count('senior')} senior, ${count('lead')} lead), Bayes rate on this sample ${bayes}%`);
    expect(readmeSection('level.csv')).toContain(`**Bayes rate is 90% in expectation and ${bayes}% on this file**`);
    // 1 − p in expectation: within 4 standard errors of a binomial share.
    expect(Math.abs(agree / rows.length - (1 - P))).toBeLessThan(4 * Math.sqrt((P * (1 - P)) / rows.length));
  });

  it('class balance: each level within 4 standard errors of its share from the rule geometry, the counts as documented', async () => {
    const { rows } = csvRows(LEVEL);
    // Noiseless shares of the regions (years U[0,20], score U[40,100]), then the noise moves p of
    // each class evenly to the other two: share = (1 − p)·q + p/2·(1 − q). Rounding the features to
    // one decimal moves the continuous q by less than 0.005 (the extra tolerance).
    const lead = (10 / 20) * (20 / 60);
    const senior = (16 / 20) * (35 / 60) - lead;
    const q: Record<string, number> = { none: 1 - senior - lead, senior, lead };
    const n = rows.length;
    const counts: Record<string, number> = { none: 0, senior: 0, lead: 0 };
    for (const [, , level] of rows) counts[level]++;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(n);
    for (const level of ['none', 'senior', 'lead']) {
      const share = (1 - P) * q[level] + (P / 2) * (1 - q[level]);
      expect(Math.abs(counts[level] / n - share), level).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n) + 0.005);
      expect(counts[level] / n, `${level} is not a token class`).toBeGreaterThan(0.15);
    }
    const section = readmeSection('level.csv');
    const pct = (k: number) => `${((100 * k) / n).toFixed(1)}%`;
    expect(section).toContain(`${counts.none.toLocaleString('en-US')} none (${pct(counts.none)}), ${counts.senior} senior (${pct(counts.senior)}), ${counts.lead} lead (${pct(counts.lead)})`);
  });

  it('a replaced level goes to either other level alike (binomial ½ within 4 standard errors)', () => {
    const { rows } = csvRows(LEVEL);
    const order = ['none', 'senior', 'lead'];
    let replaced = 0;
    let shiftOne = 0;
    for (const [y, s, level] of rows) {
      const truth = order.indexOf(levelRule(Number(y), Number(s)));
      const label = order.indexOf(level);
      if (label === truth) continue;
      replaced++;
      if ((label - truth + 3) % 3 === 1) shiftOne++;
    }
    expect(replaced).toBeGreaterThan(100);
    expect(Math.abs(shiftOne / replaced - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / replaced));
  });

  it('noise p = 0.6 < 2/3: the rule\'s level is still the most frequent in every region (40% against 30% each); p = 2/3 is refused', () => {
    const data = generateLevel(30000, createRng(7), 0.6);
    for (const region of ['none', 'senior', 'lead']) {
      const labels = data.rows.filter((r) => levelRule(r.years_experience, r.performance_score) === region).map((r) => r.level);
      const share = (level: string) => labels.filter((l) => l === level).length / labels.length;
      for (const other of ['none', 'senior', 'lead'].filter((l) => l !== region)) {
        expect(share(region), `${region} region: ${region} beats ${other}`).toBeGreaterThan(share(other));
      }
    }
    expect(() => generateLevel(10, createRng(1), 2 / 3)).toThrow('level noise must be in [0, 2/3) for the rule to stay Bayes-optimal, got 0.6666666666666666');
    const clean = generateLevel(500, createRng(3), 0);
    expect(clean.bayesAccuracy).toBe(1);
    expect(clean.rows.every((r) => r.level === levelRule(r.years_experience, r.performance_score))).toBe(true);
  });
});

describe('data/salary.csv (regression)', () => {
  const SALARY = join(REPO, 'data/salary.csv');
  const SIGMA = 6000;
  const BASE: Record<string, number> = { Engineering: 62000, Sales: 48000, Operations: 42000, Support: 36000 };
  /** f of data/README.md, written out again here. */
  const f = (years: number, score: number, department: string): number =>
    BASE[department] + 45000 * (1 - Math.exp(-years / 7)) + 600 * (score - 70) + 30 * years * (score - 70);

  function residuals(): { y: number[]; e: number[]; years: number[]; departments: string[] } {
    const { header, rows } = csvRows(SALARY);
    expect(header).toBe('years_experience,performance_score,department,salary');
    for (const row of rows) expect(BASE[row[2]], `department ${row[2]}`).toBeDefined();
    const y = rows.map((r) => Number(r[3]));
    return { y, e: rows.map((r, i) => y[i] - f(Number(r[0]), Number(r[1]), r[2])), years: rows.map((r) => Number(r[0])), departments: rows.map((r) => r[2]) };
  }

  it('gen-data --schema salary --rows 2000 --seed 1 reproduces it byte for byte and prints the noise ceiling recomputed from f, as data/README.md states it', async () => {
    const stderr = await regenerates('salary', 'salary.csv');
    const { y, e } = residuals();
    expect(y).toHaveLength(2000);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const ceiling = 1 - e.reduce((s, v) => s + v * v, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(stderr).toContain(`noise ceiling R² on this sample ${ceiling.toFixed(4)}`);
    expect(readmeSection('salary.csv')).toContain(`R² ${ceiling.toFixed(4)} on this file**`);
    expect(ceiling).toBeGreaterThan(0.85);
    expect(ceiling).toBeLessThan(0.97);
  });

  it('the expected ceiling 1 − σ²/(Var f + σ²), summed here over the grid of rounded inputs, is the README\'s', () => {
    // years = round1(20u): 0.0 … 20.0, the ends with half weight; likewise the score on 40.0 … 100.0.
    const grid = (lo: number, steps: number) => Array.from({ length: steps + 1 }, (_, k) => [lo + k / 10, k === 0 || k === steps ? 0.5 / steps : 1 / steps]);
    let m1 = 0;
    let m2 = 0;
    for (const [years, wy] of grid(0, 200)) {
      for (const [score, ws] of grid(40, 600)) {
        for (const department of Object.keys(BASE)) {
          const v = f(years, score, department);
          const w = wy * ws * 0.25;
          m1 += w * v;
          m2 += w * v * v;
        }
      }
    }
    const varF = m2 - m1 * m1;
    const section = readmeSection('salary.csv');
    expect(section).toContain(`Var(f) = ${Math.round(Math.sqrt(varF)).toLocaleString('en-US')}²`);
    expect(section).toContain(`**R² ${(1 - SIGMA ** 2 / (varF + SIGMA ** 2)).toFixed(4)} in expectation`);
  });

  it('the residuals y − f have the documented σ = 6000 and mean 0 within 4 standard errors, a Gaussian share within ±σ, no trend in years', () => {
    const { e, years, departments } = residuals();
    const n = e.length;
    const mean = e.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / n);
    expect(Math.abs(mean)).toBeLessThan((4 * SIGMA) / Math.sqrt(n));
    // Standard error of a normal sample's standard deviation: σ/√(2n).
    expect(Math.abs(sd - SIGMA)).toBeLessThan((4 * SIGMA) / Math.sqrt(2 * n));
    const within = e.filter((v) => Math.abs(v) <= SIGMA).length / n;
    const p1 = 0.6826894921370859;
    expect(Math.abs(within - p1)).toBeLessThan(4 * Math.sqrt((p1 * (1 - p1)) / n));
    const my = years.reduce((a, b) => a + b, 0) / n;
    const cov = e.reduce((s, v, i) => s + (v - mean) * (years[i] - my), 0) / n;
    const sy = Math.sqrt(years.reduce((s, v) => s + (v - my) ** 2, 0) / n);
    expect(Math.abs(cov / (sd * sy)), 'correlation of the noise with years').toBeLessThan(4 / Math.sqrt(n));
    for (const department of Object.keys(BASE)) {
      const share = departments.filter((d) => d === department).length / n;
      expect(Math.abs(share - 0.25), department).toBeLessThan(4 * Math.sqrt(0.1875 / n));
    }
    expect(readmeSection('salary.csv')).toContain(`standard deviation of ${Math.round(sd).toLocaleString('en-US')}`);
  });
});

it('gen-data --schema nope names the four schemas', async () => {
  const r = await runCli(['gen-data', '--schema', 'nope', '--out', 'x.csv'], tempDir());
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--schema must be one of simple, hr, level, salary, got nope');
});
