/**
 * What `predict` hands back to a user (issue 14 item 13), and what a model file remembers of how
 * its data was read (`--missing`):
 * - the terminal table prints the target's values (1/0, yes/no, or a recorded other value), never
 *   `not 1`;
 * - `--out preds.csv [--id COL]` writes a CSV that joins back to the input, whose numbers are
 *   `predict --json`'s, for every task; an absent --id column and an unwritable --out are exit 2
 *   before any scoring, leaving no file;
 * - `gen-data` without --out writes only the CSV to stdout, the same bytes as --out, and a reader
 *   that stops early ends it quietly;
 * - `train --missing` is recorded in the model (only when it adds tokens), and predict/evaluate
 *   read data with it.
 * The CSV files are parsed here with csv-parse, not with the writer under test.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, REPO, removeTempDirs, runCliAsync, tempDir } from './helpers.js';
import { parseModel } from '../../src/model/schema.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const BUNDLED = join(REPO, 'data/promotion.csv');

/** 80 rows of x, y in [0, 10] and a target of the two values `pos`/`neg` (pos when x + y > 10), seeded by a plain LCG. */
function twoValued(pos: string, neg: string, extra?: (i: number) => Record<string, string>): string {
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const extraNames = extra ? Object.keys(extra(0)) : [];
  const lines = [[...extraNames, 'x', 'y', 'answer'].join(',')];
  for (let i = 0; i < 80; i++) {
    const x = Math.round(next() * 100) / 10;
    const y = Math.round(next() * 100) / 10;
    const more = extra ? Object.values(extra(i)) : [];
    lines.push([...more, x, y, x + y > 10 ? pos : neg].join(','));
  }
  return `${lines.join('\n')}\n`;
}

interface Table {
  header: string[];
  rows: string[][];
}

function readCsv(path: string): Table {
  const [header, ...rows] = parse(readFileSync(path, 'utf8'), { relax_column_count: false }) as string[][];
  return { header, rows };
}

/** The terminal table's decision column (the last field of each line after the header). */
function decisions(stdout: string): { probability: number; decision: string }[] {
  return stdout.trim().split('\n').slice(1).map((line) => {
    const [, probability, ...rest] = line.trim().split(/\s+/);
    return { probability: Number(probability), decision: rest.join(' ') };
  });
}

async function ok(args: string[], cwd: string) {
  const r = await runCliAsync(args, cwd);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

describe('predict: the table prints the target\'s values', () => {
  it('a 0/1 target (the bundled data) prints 1 and 0, each as probability > threshold decides', async () => {
    const dir = tempDir();
    await ok(['train', '--quiet', '--epochs', '20', '--out', 'm.json'], dir);
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    // The usual partner of "1" is not written, so default runs keep their bytes.
    expect(model.target).toEqual({ name: 'promoted', positive: '1' });
    const r = await ok(['predict', '--model', 'm.json', '--data', BUNDLED], dir);
    const rows = decisions(r.stdout);
    expect(rows).toHaveLength(1000);
    for (const { probability, decision } of rows) expect(decision).toBe(probability > 0.5 ? '1' : '0');
    expect(new Set(rows.map((row) => row.decision))).toEqual(new Set(['0', '1']));
    expect(r.stdout).not.toMatch(/not 1/);
  });

  it('a yes/no target prints yes and no; Stayed/Left with --positive Left records "negative": "Stayed" and prints it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'yesno.csv'), twoValued('yes', 'no'));
    writeFileSync(join(dir, 'left.csv'), twoValued('Left', 'Stayed'));
    await Promise.all([
      ok(['train', '--data', 'yesno.csv', '--target', 'answer', '--quiet', '--epochs', '30', '--out', 'yesno.json'], dir),
      ok(['train', '--data', 'left.csv', '--target', 'answer', '--positive', 'Left', '--quiet', '--epochs', '30', '--out', 'left.json'], dir),
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'yesno.json'), 'utf8')).target).toEqual({ name: 'answer', positive: 'yes' });
    expect(JSON.parse(readFileSync(join(dir, 'left.json'), 'utf8')).target).toEqual({ name: 'answer', positive: 'Left', negative: 'Stayed' });
    for (const [model, data, pos, neg] of [['yesno.json', 'yesno.csv', 'yes', 'no'], ['left.json', 'left.csv', 'Left', 'Stayed']]) {
      const rows = decisions((await ok(['predict', '--model', model, '--data', data], dir)).stdout);
      expect(rows).toHaveLength(80);
      for (const { probability, decision } of rows) expect(decision).toBe(probability > 0.5 ? pos : neg);
      expect(new Set(rows.map((row) => row.decision))).toEqual(new Set([pos, neg]));
    }
  });

  it('a hand-written model of positive "Yes" and no negative prints "No"; of positive "promoted", "not promoted"', async () => {
    const dir = tempDir();
    const model = (positive: string) => ({
      format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }],
      target: { name: 't', positive }, layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }],
    });
    writeFileSync(join(dir, 'yes.json'), JSON.stringify(model('Yes')));
    writeFileSync(join(dir, 'word.json'), JSON.stringify(model('promoted')));
    const input = '[{"x": 2}, {"x": -2}]';
    expect(decisions((await ok(['predict', '--model', 'yes.json', '--input', input], dir)).stdout).map((r) => r.decision)).toEqual(['Yes', 'No']);
    expect(decisions((await ok(['predict', '--model', 'word.json', '--input', input], dir)).stdout).map((r) => r.decision)).toEqual(['promoted', 'not promoted']);
  });
});

describe('predict --out', () => {
  it('binary: row, probability, label (in the target\'s values) equal predict --json\'s numbers; --json with --out prints the JSON and writes the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'yesno.csv'), twoValued('yes', 'no'));
    await ok(['train', '--data', 'yesno.csv', '--target', 'answer', '--quiet', '--epochs', '30', '--out', 'm.json'], dir);
    const [json, both] = await Promise.all([
      ok(['predict', '--model', 'm.json', '--data', 'yesno.csv', '--json'], dir),
      ok(['predict', '--model', 'm.json', '--data', 'yesno.csv', '--json', '--out', 'p.csv'], dir),
    ]);
    expect(both.stdout).toBe(json.stdout);
    const predictions = JSON.parse(json.stdout).predictions as { probability: number; label: number }[];
    const csv = readCsv(join(dir, 'p.csv'));
    expect(csv.header).toEqual(['row', 'probability', 'label']);
    expect(csv.rows).toHaveLength(80);
    csv.rows.forEach(([row, probability, label], i) => {
      expect(row).toBe(String(i + 1));
      expect(Number(probability)).toBe(predictions[i].probability);
      expect(label).toBe(predictions[i].label === 1 ? 'yes' : 'no');
    });
    // Without --json: nothing on stdout, the count on stderr.
    const quiet = await ok(['predict', '--model', 'm.json', '--data', 'yesno.csv', '--out', 'q.csv'], dir);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('wrote 80 predictions to q.csv\n');
    expect(readFileSync(join(dir, 'q.csv'), 'utf8')).toBe(readFileSync(join(dir, 'p.csv'), 'utf8'));
  });

  it('multiclass: p_<class> per class in the model\'s order and label; regression: value; both equal predict --json', async () => {
    const dir = tempDir();
    await Promise.all([
      ok(['gen-data', '--schema', 'level', '--rows', '150', '--seed', '3', '--out', 'level.csv'], dir),
      ok(['gen-data', '--schema', 'salary', '--rows', '150', '--seed', '3', '--out', 'salary.csv'], dir),
    ]);
    await Promise.all([
      ok(['train', '--data', 'level.csv', '--target', 'level', '--layers', '4', '--quiet', '--epochs', '10', '--out', 'level.json'], dir),
      ok(['train', '--data', 'salary.csv', '--target', 'salary', '--layers', '4', '--quiet', '--epochs', '10', '--out', 'salary.json'], dir),
    ]);
    const classes = JSON.parse(readFileSync(join(dir, 'level.json'), 'utf8')).target.classes as string[];
    expect(classes.length).toBe(3);
    const [levelJson, salaryJson] = await Promise.all([
      ok(['predict', '--model', 'level.json', '--data', 'level.csv', '--json', '--out', 'level-p.csv'], dir),
      ok(['predict', '--model', 'salary.json', '--data', 'salary.csv', '--json', '--out', 'salary-p.csv'], dir),
    ]);
    const levelPred = JSON.parse(levelJson.stdout).predictions as { probabilities: Record<string, number>; label: string }[];
    const level = readCsv(join(dir, 'level-p.csv'));
    expect(level.header).toEqual(['row', ...classes.map((c) => `p_${c}`), 'label']);
    expect(level.rows).toHaveLength(150);
    level.rows.forEach((fields, i) => {
      expect(fields[0]).toBe(String(i + 1));
      classes.forEach((c, k) => expect(Number(fields[1 + k])).toBe(levelPred[i].probabilities[c]));
      expect(fields[1 + classes.length]).toBe(levelPred[i].label);
      expect(classes).toContain(fields[1 + classes.length]);
    });
    const salaryPred = JSON.parse(salaryJson.stdout).predictions as { value: number }[];
    const salary = readCsv(join(dir, 'salary-p.csv'));
    expect(salary.header).toEqual(['row', 'value']);
    expect(salary.rows.map(([row, value]) => [Number(row), Number(value)])).toEqual(salaryPred.map((p, i) => [i + 1, p.value]));
  });

  it('--id copies the id column first, its values in the input\'s order (commas and quotes quoted); with --input the key is the record number', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: 80 }, (_, i) => (i % 3 === 0 ? `Smith, "J" ${i}` : `e${1000 - i}`));
    writeFileSync(join(dir, 'ids.csv'), twoValued('1', '0', (i) => ({ employee: `"${ids[i].replace(/"/g, '""')}"` })));
    await ok(['train', '--data', 'ids.csv', '--target', 'answer', '--features', 'x,y', '--quiet', '--epochs', '20', '--out', 'm.json'], dir);
    const [, json] = await Promise.all([
      ok(['predict', '--model', 'm.json', '--data', 'ids.csv', '--id', 'employee', '--out', 'p.csv'], dir),
      ok(['predict', '--model', 'm.json', '--data', 'ids.csv', '--json'], dir),
    ]);
    const csv = readCsv(join(dir, 'p.csv'));
    expect(csv.header).toEqual(['employee', 'probability', 'label']);
    expect(csv.rows.map((r) => r[0])).toEqual(ids);
    const predictions = JSON.parse(json.stdout).predictions as { probability: number; label: number }[];
    expect(csv.rows.map((r) => [Number(r[1]), r[2]])).toEqual(predictions.map((p) => [p.probability, String(p.label)]));
    await ok(['predict', '--model', 'm.json', '--input', '[{"x": 1, "y": 2}, {"x": 9, "y": 9}]', '--out', 'in.csv'], dir);
    expect(readCsv(join(dir, 'in.csv')).rows.map((r) => r[0])).toEqual(['1', '2']);
  });

  it('an --id column not in the data, or named like an output column: exit 2 naming it, no file written', async () => {
    const dir = tempDir();
    await ok(['train', '--quiet', '--epochs', '5', '--out', 'm.json'], dir);
    const r = await runCliAsync(['predict', '--model', 'm.json', '--data', BUNDLED, '--id', 'employee_id', '--out', 'p.csv'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^chainrule: .*promotion\.csv: --id column "employee_id" not found \(columns: years_experience, performance_score, promoted\)\n$/);
    expect(readdirSync(dir).sort()).toEqual(['m.json']);
    // An id column named like an output column would make a file of two "label" columns.
    writeFileSync(join(dir, 'named.csv'), 'label,years_experience,performance_score\nA-1,3,70\n');
    const clash = await runCliAsync(['predict', '--model', 'm.json', '--data', 'named.csv', '--id', 'label', '--out', 'p.csv'], dir);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toBe('chainrule: --id label: the output has a column of that name already (probability, label); a join could not tell them apart\n');
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
  });

  it('an unwritable --out is exit 2 before any scoring (data that cannot be scored is not even read), leaving no file', async () => {
    const dir = tempDir();
    await ok(['train', '--quiet', '--epochs', '5', '--out', 'm.json'], dir);
    // No input column the model needs: scoring would fail with a data error.
    writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n');
    const missingFolder = await runCliAsync(['predict', '--model', 'm.json', '--data', 'bad.csv', '--out', 'nowhere/p.csv'], dir);
    expect(missingFolder.status).toBe(2);
    expect(missingFolder.stderr).toBe('chainrule: --out nowhere/p.csv: the folder nowhere does not exist\n');
    mkdirSync(join(dir, 'taken.csv'));
    const folder = await runCliAsync(['predict', '--model', 'm.json', '--data', 'bad.csv', '--out', 'taken.csv'], dir);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toBe('chainrule: --out taken.csv: is a folder; give a file name\n');
    // Writable, then scoring fails: nothing is left behind, not even a temp file.
    mkdirSync(join(dir, 'out'));
    const scoring = await runCliAsync(['predict', '--model', 'm.json', '--data', 'bad.csv', '--out', 'out/p.csv'], dir);
    expect(scoring.status).toBe(2);
    expect(scoring.stderr).toMatch(/years_experience/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});

describe('gen-data without --out', () => {
  it('writes only the CSV to stdout, the same bytes as --out for the same seed; the summary goes to stderr', async () => {
    const dir = tempDir();
    for (const schema of ['simple', 'hr']) {
      const [piped, file] = await Promise.all([
        ok(['gen-data', '--schema', schema, '--rows', '300', '--seed', '7'], dir),
        ok(['gen-data', '--schema', schema, '--rows', '300', '--seed', '7', '--out', `${schema}.csv`], dir),
      ]);
      expect(piped.stdout).toBe(readFileSync(join(dir, `${schema}.csv`), 'utf8'));
      expect(piped.stderr).toMatch(/^gen-data: 300 rows, /);
      expect(file.stdout).toBe('');
    }
    // A sample of one class has no AUC: the summary says so rather than printing NaN.
    const few = await ok(['gen-data', '--schema', 'hr', '--rows', '3', '--seed', '1'], dir);
    expect(few.stderr).toContain('no ROC AUC (the sample holds one class only)');
    expect(few.stderr).not.toContain('NaN');
  });

  it('a reader that stops after the first chunk (as `| head` does) ends it with exit 0 and no error on stderr', async () => {
    const child = spawn(process.execPath, [CLI, 'gen-data', '--rows', '300000'], { env: { ...process.env, CHAINRULE_DEBUG: '' } });
    let stderr = '';
    let first = '';
    child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
    child.stdout.setEncoding('utf8').once('data', (s: string) => {
      first = s;
      child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.startsWith('years_experience,performance_score,promoted\n')).toBe(true);
    expect(status).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
  });
});

describe('train --missing is recorded in the model file', () => {
  /** Every 7th row's x is "-": a token only --missing makes missing. */
  function dashed(): string {
    const lines = twoValued('1', '0').trim().split('\n');
    return `${lines.map((line, i) => (i > 0 && i % 7 === 3 ? line.replace(/^[^,]*/, '-') : line)).join('\n')}\n`;
  }

  it('only when it adds tokens; predict and evaluate then read "-" as missing, as training did', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dashed.csv'), dashed());
    await Promise.all([
      ok(['train', '--data', 'dashed.csv', '--target', 'answer', '--missing', '-, unknown,NA', '--quiet', '--epochs', '30', '--out', 'm.json'], dir),
      ok(['train', '--quiet', '--epochs', '5', '--missing', 'NA,?', '--out', 'default-tokens.json'], dir),
      ok(['train', '--quiet', '--epochs', '5', '--out', 'plain.json'], dir),
    ]);
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    // NA is a default token: only the added ones are recorded.
    expect(model.missing).toEqual(['-', 'unknown']);
    expect(model.inputs.map((i: { name: string; kind: string }) => [i.name, i.kind])).toEqual([['x', 'numeric'], ['y', 'numeric']]);
    // Tokens that add nothing leave the bytes of a run without --missing.
    expect(readFileSync(join(dir, 'default-tokens.json'), 'utf8')).toBe(readFileSync(join(dir, 'plain.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8'))).not.toHaveProperty('missing');

    const [json, evaluation] = await Promise.all([
      ok(['predict', '--model', 'm.json', '--data', 'dashed.csv', '--json'], dir),
      ok(['evaluate', '--model', 'm.json', '--data', 'dashed.csv', '--json'], dir),
    ]);
    const predictions = JSON.parse(json.stdout).predictions as { probability: number }[];
    expect(predictions).toHaveLength(80);
    expect(JSON.parse(evaluation.stdout).rows).toBe(80);
    // Row 3 (0-based 2) has x "-": its probability is that of x missing (the mean), as --input null says.
    const y3 = readFileSync(join(dir, 'dashed.csv'), 'utf8').split('\n')[3].split(',');
    expect(y3[0]).toBe('-');
    const alone = await ok(['predict', '--model', 'm.json', '--input', JSON.stringify({ x: null, y: Number(y3[1]) }), '--json'], dir);
    expect(predictions[2].probability).toBe(JSON.parse(alone.stdout).predictions[0].probability);
  });

  it('cv reads --missing too: "-" with --missing - gives the folds of the same file with those cells blank', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dashed.csv'), dashed());
    writeFileSync(join(dir, 'blank.csv'), dashed().replace(/^-,/gm, ','));
    const flags = ['--target', 'answer', '--folds', '2', '--epochs', '5', '--json'];
    const [dashedRun, blankRun] = await Promise.all([
      ok(['cv', '--data', 'dashed.csv', '--missing', '-', ...flags], dir),
      ok(['cv', '--data', 'blank.csv', ...flags], dir),
    ]);
    expect(JSON.parse(dashedRun.stdout)).toEqual(JSON.parse(blankRun.stdout));
  });

  it('the schema: `missing` must be a list of strings and `target.negative` a string, named when not; version-1 files take them too', () => {
    const base = {
      format: 'chainrule/model', version: 1, inputs: [{ name: 'x', kind: 'numeric' }],
      target: { name: 't', positive: 'a' }, layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }],
    };
    const v1 = parseModel({ ...base, missing: ['-'], target: { name: 't', positive: 'a', negative: 'b' } });
    expect(v1.missing).toEqual(['-']);
    expect(v1.target).toEqual({ name: 't', positive: 'a', negative: 'b' });
    expect(() => parseModel({ ...base, missing: '-' })).toThrow(/^missing: /);
    expect(() => parseModel({ ...base, target: { name: 't', positive: 'a', negative: 0 } })).toThrow(/^target\.negative: /);
    const v2 = parseModel({ ...base, version: 2, task: 'binary', missing: ['?x'] });
    expect(v2.missing).toEqual(['?x']);
  });
});
