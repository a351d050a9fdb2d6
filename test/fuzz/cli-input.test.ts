/**
 * Fuzzing the CLI's --input JSON (predict and explain) in-process: the real commander program and
 * commands, with stdout/stderr captured and errors sent through the CLI's own funnel
 * (errors.ts). Property: exit 0 with finite numbers in the JSON document, or exit 2 with one line
 * naming what was wrong — never exit 1 (an unexpected exception). A few spawned runs confirm the
 * same through the built binary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerCommands } from '../../src/cli/commands/index.js';
import { exitCodeFor } from '../../src/cli/errors.js';
import { saveModel } from '../../src/model/file.js';
import { assertBuilt, runCliAsync } from '../cli/helpers.js';
import { validModel } from './models.js';
import { params, runs, timeout } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-fuzz-input-'));
const modelPath = join(dir, 'model.json');
beforeAll(() => saveModel(modelPath, validModel()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string; error?: unknown }

/** Runs `chainrule <args>` in this process, as main.ts does, capturing the output. */
async function runInProcess(args: string[]): Promise<Run> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await registerCommands(program, args[0]);
  program.commands.forEach((cmd) => cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }));
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { stdout += s; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { stderr += s; return true; }) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'chainrule', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout, stderr, error };
    return { code: exitCodeFor(error), stdout, stderr, error };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(1e300, -1e300, 5e-324, 0, -0, 'Sales', 'HR', 'Eng', '', 'NA', '1e400', 'abc', null, true),
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const record = fc.oneof(
  fc.record({ years_experience: value, department: value }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('years_experience', 'department', 'promoted', 'extra', '__proto__'), value, { maxKeys: 4 }),
);
const inputText = fc.oneof(
  record.map((r) => JSON.stringify(r)),
  fc.array(record, { maxLength: 4 }).map((rs) => JSON.stringify(rs)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 40 }),
  record.map((r) => JSON.stringify(r).slice(0, -1)),
  fc.constantFrom('@', '@missing.json', '{"years_experience": NaN}', '{"years_experience": 1e999, "department": "HR"}'),
);
const target = fc.oneof(
  { arbitrary: fc.constantFrom('0', '1', '0.5', '1e-320'), weight: 4 },
  { arbitrary: fc.oneof(fc.constantFrom('-1', '2', 'x', '', 'NaN'), fc.double().map(String)), weight: 1 },
);
/** Mostly one well-formed record, so that the explain path itself gets exercised. */
const explainInput = fc.oneof({ arbitrary: record.map((r) => JSON.stringify(r)), weight: 4 }, { arbitrary: inputText, weight: 1 });

function checkRun(r: Run, kind: 'predict' | 'explain'): void {
  expect([0, 2], `exit ${r.code}: ${r.stderr} ${String(r.error)}`).toContain(r.code);
  if (r.code === 2 && !(r.error instanceof CommanderError)) expect(r.stderr === '' ? String((r.error as Error).message) : r.stderr).not.toMatch(/\n./);
  if (r.code !== 0) return;
  const doc = JSON.parse(r.stdout);
  if (kind === 'predict') {
    for (const p of doc.predictions) expect(Number.isFinite(p.probability)).toBe(true);
  } else {
    expect(Number.isFinite(doc.loss)).toBe(true);
    expect(Number.isFinite(doc.prediction)).toBe(true);
  }
}

describe(`CLI --input fuzz, in process (${runs(300)} runs each, fixed seed)`, () => {
  test('predict --input: exit 0 with finite probabilities or exit 2, never 1', async () => {
    let ok = 0;
    await fc.assert(fc.asyncProperty(inputText, async (text) => {
      const r = await runInProcess(['predict', '--model', modelPath, '--input', text, '--json']);
      if (r.code === 0) ok++;
      checkRun(r, 'predict');
    }), params(300));
    expect(ok).toBeGreaterThan(5);
  }, timeout(300));

  test('explain --input --target: exit 0 with a finite loss or exit 2, never 1', async () => {
    let ok = 0;
    await fc.assert(fc.asyncProperty(explainInput, target, async (text, y) => {
      const r = await runInProcess(['explain', '--model', modelPath, '--input', text, '--target', y, '--json']);
      if (r.code === 0) ok++;
      checkRun(r, 'explain');
    }), params(300));
    expect(ok).toBeGreaterThan(5);
  }, timeout(300));
});

describe('CLI --input fuzz through the built binary (6 samples, fixed seed)', () => {
  beforeAll(assertBuilt);
  test('predict --input: exit 0 or 2 with one line on stderr', async () => {
    const samples = fc.sample(inputText, { seed: 5, numRuns: 6 });
    const results = await Promise.all(samples.map((text) => runCliAsync(['predict', '--model', modelPath, '--input', text, '--json'], dir)));
    for (const r of results) {
      expect([0, 2], r.stderr).toContain(r.status);
      if (r.status === 2) expect(r.stderr).toMatch(/^chainrule: [^\n]+\n$/);
    }
  }, 120_000);
});
