/**
 * One rule for raw records, whichever face they come through (issue 14 item 13): a key that is
 * neither a model input nor the target is refused by the library's `predict` and `explain`, by
 * `chainrule predict --input` / `explain --input` (exit 2) and by HTTP `/predict` / `/explain`
 * (400), each naming the unknown column; the target column itself is accepted everywhere, and the
 * probabilities agree across the faces with a hand-computed forward pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { FIXTURE, request, start, type Running } from '../server/helpers.js';
import { assertBuilt, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** The fixture's network by hand (test/server/fixtures/promotion-2-2-1.json). */
function byHand(years: number, score: number, department: string): number {
  const x = [(years - 10) / 5.8, (score - 70) / 17.3, ...['Sales', 'HR', '(missing)'].map((c) => (c === department ? 1 : 0))];
  const h1 = sigmoid(1.7 * x[0] + 2.1 * x[1] + 0.3 * x[2] - 0.2 * x[3] + 0.1 * x[4] - 0.5);
  const h2 = sigmoid(-1.2 * x[0] + 0.8 * x[1] - 0.4 * x[2] + 0.5 * x[3] + 0.0 * x[4] + 0.25);
  return sigmoid(3.1 * h1 - 2.4 * h2 - 0.7);
}

const good = { years_experience: 6, performance_score: 82, department: 'HR' };
const typo = { yeras_experience: 6, performance_score: 82, department: 'HR' };
const UNKNOWN = /unknown column "yeras_experience"; the model's inputs are years_experience, performance_score, department/;

let server: Running;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  server = await start();
  dir = tempDir();
});
afterAll(async () => {
  await server.app.close();
  removeTempDirs();
});

describe('an unknown column is refused by every face, naming it', () => {
  const model = api.loadModel(FIXTURE);

  it('library predict and explain throw InputError with the column as the field', () => {
    for (const call of [() => api.predict(model, [typo]), () => api.explain(model, typo, 1)]) {
      expect(call).toThrow(UNKNOWN);
      try {
        call();
      } catch (err) {
        expect(err).toBeInstanceOf(api.InputError);
        expect((err as api.InputError).field).toBe('yeras_experience');
      }
    }
    // Of several records, the row is named (1-based in the message, 0-based in .row).
    expect(() => api.predict(model, [good, typo])).toThrow(/^row 2: unknown column "yeras_experience"/);
  });

  it('chainrule predict --input and explain --input exit 2 with the same words', () => {
    const p = runCli(['predict', '--model', FIXTURE, '--input', JSON.stringify(typo)], dir);
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(UNKNOWN);
    expect(p.stderr).toMatch(/^chainrule: --input: unknown column/);
    const many = runCli(['predict', '--model', FIXTURE, '--input', JSON.stringify([good, typo])], dir);
    expect(many.status).toBe(2);
    expect(many.stderr).toMatch(/--input: row 2: unknown column "yeras_experience"/);
    const e = runCli(['explain', '--model', FIXTURE, '--input', JSON.stringify(typo), '--target', '1'], dir);
    expect(e.status, e.stderr).toBe(2);
    expect(e.stderr).toMatch(UNKNOWN);
  });

  it('HTTP /predict and /explain answer 400 naming the field', async () => {
    const one = await request(`${server.url}/predict`, 'POST', { rows: [typo] });
    expect(one.status).toBe(400);
    expect(one.body.field).toBe('yeras_experience');
    expect(one.body.error).toMatch(UNKNOWN);
    const many = await request(`${server.url}/predict`, 'POST', { rows: [good, typo] });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ field: 'yeras_experience', row: 1 });
    expect(many.body.error).toMatch(/^rows\[1\]: unknown column "yeras_experience"/);
    const e = await request(`${server.url}/explain`, 'POST', { input: typo, target: 1 });
    expect(e.status).toBe(400);
    expect(e.body.field).toBe('yeras_experience');
  });
});

describe('known columns and the target are accepted, with the same probabilities on every face', () => {
  it('library, CLI and HTTP agree with the hand-computed forward pass', async () => {
    const model = api.loadModel(FIXTURE);
    const withTarget = { ...good, promoted: '1' };
    const want = byHand(6, 82, 'HR');
    const lib = api.predict(model, [withTarget]) as { probability: number; label: number }[];
    expect(lib[0].probability).toBeCloseTo(want, 14);
    const cli = runCli(['predict', '--model', FIXTURE, '--input', JSON.stringify(withTarget), '--json'], dir);
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).predictions[0].probability).toBeCloseTo(want, 14);
    const http = await request(`${server.url}/predict`, 'POST', { rows: [withTarget] });
    expect(http.status).toBe(200);
    expect(http.body.predictions[0].probability).toBeCloseTo(want, 14);
    expect(api.explain(model, withTarget, 1).prediction).toBeCloseTo(want, 14);
  });
});
