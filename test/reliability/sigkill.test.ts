/**
 * kill -9 at random moments never leaves a truncated or half-written model or checkpoint file:
 * writes go to a temp file, are fsynced, then renamed over the real name. 20 runs of `train`
 * (checkpointing every epoch, so a write is nearly always in flight), each SIGKILLed at a seeded
 * random moment across its whole life (start-up, training, checkpoint writes, the final save);
 * half of them over an existing good model. Afterwards every file at a real name loads, and the
 * model at --out is the old one byte for byte or a complete new one.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import { loadModel } from '../../src/model/file.js';
import { loadCheckpoint } from '../../src/app/checkpoint.js';
import { assertBuilt, CLI, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const RUNS = 20;
const PARALLEL = 4;

function trainArgs(i: number): string[] {
  const big = i % 2 === 0; // bigger files: longer writes to land a kill in
  return ['train', '--epochs', String(20 + 5 * (i % 5)), '--checkpoint-every', '1', '--out', `m${i}.json`, '--quiet',
    ...(big ? ['--layers', '32,32', '--activation', 'relu', '--optimizer', 'adam', '--lr', '0.01'] : [])];
}

/** Spawns train and SIGKILLs it after `delayMs` (if still running); resolves with how it ended. */
function killAfter(args: string[], cwd: string, delayMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

test(`SIGKILL at ${RUNS} random moments: every model and checkpoint file present is complete and loads`, async () => {
  const dir = tempDir();
  // Calibrate on this machine, with a wave as parallel as the test's: how long a whole run takes,
  // so that the kills spread over all of it.
  const t0 = performance.now();
  const calib = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => runCliAsync([...trainArgs(i), '--out', `calibration${i}.json`], dir)));
  for (const c of calib) expect(c.status, c.stderr).toBe(0);
  const whole = performance.now() - t0;

  const old = readFileSync(join(dir, 'calibration0.json'), 'utf8');
  const rng = createRng(20261123);
  const plan = Array.from({ length: RUNS }, (_, i) => ({ i, delay: Math.round(whole * (0.2 + 1.0 * rng.next())), preexisting: i % 4 < 2 }));
  for (const p of plan) if (p.preexisting) writeFileSync(join(dir, `m${p.i}.json`), old);

  const outcomes: { i: number; killed: boolean; code: number | null }[] = [];
  for (let start = 0; start < RUNS; start += PARALLEL) {
    const wave = plan.slice(start, start + PARALLEL);
    outcomes.push(...await Promise.all(wave.map(async (p) => ({ i: p.i, ...await killAfter(trainArgs(p.i), dir, p.delay) }))));
  }

  let newModels = 0;
  let checkpoints = 0;
  for (const { i, killed, code } of outcomes) {
    if (!killed) expect(code).toBe(0);
    const out = join(dir, `m${i}.json`);
    if (existsSync(out)) {
      const text = readFileSync(out, 'utf8');
      const model = loadModel(out); // throws on a truncated or half-written file
      if (text !== old) {
        newModels++;
        expect(model.training?.epochs).toBe(20 + 5 * (i % 5));
      }
    } else {
      expect(plan[i].preexisting).toBe(false);
    }
    const ckpt = join(dir, `m${i}.json.ckpt.json`);
    if (existsSync(ckpt)) {
      checkpoints++;
      expect(loadCheckpoint(ckpt).state.epoch).toBeGreaterThan(0);
    }
  }
  // Temp files a kill can leave are dot-files beside the target, never at a real name.
  const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  for (const f of leftovers) expect(f).toMatch(/^\.m\d+\.json(\.ckpt\.json)?\.\d+\.tmp$/);
  const killed = outcomes.filter((o) => o.killed).length;
  console.log(`sigkill: ${killed}/${RUNS} killed, ${RUNS - killed} finished, ${newModels} new models, ${checkpoints} checkpoints, ${leftovers.length} temp files left, whole run ${Math.round(whole)} ms`);
  // The spread must reach both kinds of ending, or the test proves little.
  expect(killed).toBeGreaterThan(RUNS / 4);
  expect(checkpoints).toBeGreaterThan(0);
}, 180_000);
