/**
 * Bad input through the built CLI: exit code 2 and one stderr line naming the file and, where there
 * is one, the row and column. A constant column is not an error: a warning, and no NaN.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, runCli, tempDir, writeIn } from './helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** The chainrule: error line, after checking there is exactly one line on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

const TRAIN = ['train', '--epochs', '2', '--quiet', '--out', 'm.json'];

describe('train refuses bad files with exit 2 and one line', () => {
  it.each([
    ['ragged.csv', 'x,z,y\n1,a,0\n2,b\n', [], 'ragged.csv: row 3: expected 3 fields as in the header, got 2 (column y is missing)'],
    ['empty.csv', '', [], 'empty.csv: empty file (a header row is required)'],
    ['header.csv', 'x,y\n', [], 'header.csv: header only, no data rows'],
    ['notarget.csv', 'x,z\n1,0\n2,1\n', ['--target', 'promoted'], 'notarget.csv: target column "promoted" not found (columns: x, z)'],
    // Version 2: a third value is a task of its own under --task auto; --task binary keeps the old refusal.
    ['three.csv', 'x,y\n1,0\n2,1\n3,2\n', ['--task', 'binary'], 'three.csv: row 4, column y: target must have two values, found a third: "2" (after "0", "1")'],
    ['abc.csv', 'x,w,y\n1,5,0\n2,abc,1\n3,7,0\n', ['--numeric', 'w'], 'abc.csv: row 3, column w: expected a number, got "abc"'],
    ['many.csv', `c,y\n${Array.from({ length: 80 }, (_, i) => `v${i % 60},${i % 2}`).join('\n')}\n`, [], 'many.csv: row 52, column c: a categorical column may have at most 50 levels, this one has more than 50 (the 51st distinct value, "v50", is here)'],
  ])('%s', async (name, content, extra, message) => {
    const dir = tempDir();
    writeIn(dir, name, content);
    const r = await runCli([...TRAIN, '--data', name, ...extra as string[]], dir);
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toContain(`chainrule: ${message}`);
  });

  it('a file that is not text (PNG bytes)', async () => {
    const dir = tempDir();
    writeIn(dir, 'image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]));
    const r = await runCli([...TRAIN, '--data', 'image.csv'], dir);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe('chainrule: image.csv: not a text file (a NUL byte at byte 8; CSV must be UTF-8 text)');
  });

  it('an all-constant feature warns (file and column) and trains without NaN', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 10},3,${i % 10 >= 5 ? 1 : 0}`);
    writeIn(dir, 'const.csv', `x,k,y\n${rows.join('\n')}\n`);
    const r = await runCli([...TRAIN, '--data', 'const.csv'], dir);
    expect(r.status, r.stderr).toBe(0);
    // Besides the warning, --task auto says which task it chose (tested in test/tasks).
    const stderr = r.stderr.split('\n').filter((line) => !line.startsWith('task: ')).join('\n');
    expect(oneLine(stderr)).toBe('warning: const.csv: column k is constant (3) in the training rows; it carries no information and is encoded as 0');
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(model.inputs[1]).toEqual({ name: 'k', kind: 'numeric', mean: 3, std: 0, min: 3, max: 3 });
    for (const layer of model.layers) for (const row of layer.weights) for (const w of row) expect(Number.isFinite(w)).toBe(true);
  });
});

describe('predict and evaluate name a missing model input', () => {
  it('a CSV without a model input column, and --input JSON without the field', async () => {
    const dir = tempDir();
    writeIn(dir, 'train.csv', `a,b,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2}`).join('\n')}\n`);
    expect((await runCli([...TRAIN, '--data', 'train.csv'], dir)).status).toBe(0);
    writeIn(dir, 'rows.csv', 'a,y\n1,0\n');
    const p = await runCli(['predict', '--model', 'm.json', '--data', 'rows.csv'], dir);
    expect(p.status).toBe(2);
    expect(oneLine(p.stderr)).toBe('chainrule: rows.csv: model input "b" not found (columns: a, y)');
    const e = await runCli(['evaluate', '--model', 'm.json', '--data', 'rows.csv'], dir);
    expect(e.status).toBe(2);
    expect(oneLine(e.stderr)).toBe('chainrule: rows.csv: model input "b" not found (columns: a, y)');
    const j = await runCli(['predict', '--model', 'm.json', '--input', '{"a": 1}'], dir);
    expect(j.status).toBe(2);
    expect(oneLine(j.stderr)).toBe('chainrule: --input: b: missing input (the model needs a, b)');
  });
});
