/**
 * The playground's CSV path (csv-parse's browser entry into src/data/table.ts) against the CLI's
 * Node path (readTable streaming the same bytes from a file): the same columns, encoders and
 * encoded rows, and the same messages naming the file, row and column. Plus the feature crosses
 * and L2 of a session, against values written out here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTable } from '../../src/data/csv.js';
import { encodeTable, fitInputs, inferTarget, selectFeatures } from '../../src/data/prepare.js';
import { prepareUpload, readTableText } from '../../web/src/upload.js';
import { makeData, networkInputs } from '../../web/src/datasets.js';
import { createSession } from '../../web/src/session.js';
import { DEFAULT_CONFIG, HIDDEN_ACTIVATIONS } from '../../web/src/config.js';
import { ACTIVATIONS } from '../../src/math/activations.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CSV = 'hours;dept;score;passed\n"12.5";HR;70;yes\n3;IT;;no\n7.25;"Sales, EU";88;yes\n\n1;HR;40;no\n9;IT;65;yes\n';

describe('CSV in the browser', () => {
  it('builds the same table, encoders and encoded rows as the CLI reads from a file', async () => {
    const file = join(dir, 'mixed.csv');
    writeFileSync(file, CSV);
    const node = await readTable(file);
    const web = readTableText(file, CSV);
    expect(web.header).toEqual(node.header);
    expect(web.n).toBe(node.n);
    expect(web.columns).toEqual(node.columns);
    expect([0, 1, 2, 3, 4].map((r) => web.row(r))).toEqual([0, 1, 2, 3, 4].map((r) => node.row(r)));
    const target = inferTarget(node, 'passed');
    const features = selectFeatures(node, { target: 'passed' });
    const rows = [4, 0, 2];
    const inputs = fitInputs(node, { features, standardize: true, fitRows: rows });
    const upload = prepareUpload({ file, text: CSV }, () => [4, 0, 2, 1, 3], 0.6);
    expect(upload.target).toEqual(target);
    expect(upload.trainRows).toEqual(rows);
    expect(upload.inputs).toEqual(inputs);
    expect(Array.from(upload.X)).toEqual(Array.from(encodeTable(node, inputs)));
    // The hours column standardised by hand: mean and population std of rows 4, 0, 2 (9, 12.5, 7.25).
    const mean = (9 + 12.5 + 7.25) / 3;
    const std = Math.sqrt(((9 - mean) ** 2 + (12.5 - mean) ** 2 + (7.25 - mean) ** 2) / 3);
    expect(upload.X[0]).toBeCloseTo((12.5 - mean) / std, 14);
  });

  it('names the file, row and column of a bad record as the CLI does', async () => {
    for (const [name, text] of [
      ['ragged.csv', 'a,b,y\n1,2,0\n3,4\n'],
      ['extra.csv', 'a,b,y\n1,2,0,9\n'],
      ['dup.csv', 'a,a,y\n1,2,0\n'],
      ['quote.csv', 'a,b,y\n1,"2,0\n'],
      ['header.csv', 'a,b,y\n'],
    ]) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const expected = await readTable(file).then(() => 'no error', (err: Error) => err.message);
      expect(() => readTableText(file, text), name).toThrow(expected);
    }
    expect(() => readTableText('blank.csv', '\n\n')).toThrow('blank.csv: empty file (a header row is required)');
  });

  it('picks the last binary column as the target, and says why when none is', () => {
    const order = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(prepareUpload({ file: 't.csv', text: 'y,a,b\n0,1,5\n1,2,6\n0,3,7\n' }, order, 0.7).target).toEqual({ name: 'y', positive: '1' });
    expect(() => prepareUpload({ file: 'n.csv', text: 'a,b\n1,5\n2,6\n3,7\n' }, order, 0.7))
      .toThrow('no column is a binary target (two values such as 0/1, yes/no): n.csv: row 4, column b: target must have two values, found a third: "7" (after "5", "6")');
  });

  it('a table of two numeric inputs and a binary target gets the map; others train on all encoded columns', () => {
    const two = makeData({ dataset: 'upload', noise: 0, trainRatio: 50, seed: 1 }, { file: 'two.csv', text: 'u,v,c\n1,2,0\n2,1,1\n3,5,0\n4,4,1\n' });
    expect(two.axes?.map((a) => a.name)).toEqual(['u', 'v']);
    expect(two.train).toHaveLength(2);
    const wide = makeData({ dataset: 'upload', noise: 0, trainRatio: 50, seed: 1 }, { file: 'w.csv', text: CSV });
    expect(wide.axes).toBeNull();
    // hours, score numeric (1 column each), dept one-hot over its 3 levels seen in training or fewer.
    expect(wide.width).toBe(2 + (wide.inputs.find((i) => i.name === 'dept') as { categories: string[] }).categories.length);
    const session = createSession({ ...DEFAULT_CONFIG, dataset: 'upload', trainRatio: 50 }, { file: 'w.csv', text: CSV });
    expect(session.net.layers[0].inputs).toBe(wide.width);
    expect(Number.isFinite(session.runEpoch().train)).toBe(true);
  });
});

describe('feature crosses and L2', () => {
  it('the network reads x1, x2 and their crosses of the standardised point', () => {
    const data = makeData({ dataset: 'xor', noise: 0, trainRatio: 50, seed: 3 });
    const features = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2'] as const;
    const X = networkInputs(data, [...features], data.trainX);
    const p = data.train[5];
    const u1 = (p.x1 - data.mean[0]) / data.std[0];
    const u2 = (p.x2 - data.mean[1]) / data.std[1];
    expect(Array.from(X.subarray(5 * 7, 6 * 7))).toEqual([u1, u2, u1 * u1, u2 * u2, u1 * u2, Math.sin(u1), Math.sin(u2)]);
    const session = createSession({ ...DEFAULT_CONFIG, dataset: 'xor', features: ['x1', 'x2', 'x1x2'] });
    expect(session.net.layers[0].inputs).toBe(3);
    expect(session.grid(4)).toHaveLength(16);
  });

  it('L2 decays the weights: after 30 epochs with λ = 0.1 the sum of squared weights is smaller than with λ = 0', () => {
    const run = (l2: number) => {
      const s = createSession({ ...DEFAULT_CONFIG, dataset: 'circle', hidden: [4], optimizer: 'sgd', lr: 0.1, l2 });
      for (let k = 0; k < 30; k++) s.runEpoch();
      return s.net.layers.reduce((sum, layer) => sum + layer.weights.reduce((a, w) => a + w * w, 0), 0);
    };
    expect(run(0.1)).toBeLessThan(run(0));
  });
});

describe('the activation menu', () => {
  it('lists the library table\'s hidden activations, and each one trains in the playground', () => {
    expect(HIDDEN_ACTIVATIONS).toEqual(ACTIVATIONS);
    for (const activation of HIDDEN_ACTIVATIONS) {
      const s = createSession({ ...DEFAULT_CONFIG, dataset: 'circle', hidden: [3], activation });
      const first = s.history[0].train;
      for (let k = 0; k < 5; k++) s.runEpoch();
      expect(Number.isFinite(s.history[5].train), activation).toBe(true);
      expect(s.history[5].train, activation).not.toBe(first);
    }
  });
});
