/**
 * Worker threads leave the reference bytes: `fit` with a pool of 1, 2 and 3 threads must give
 * exactly the weights, loss history and optimizer state of `kernels: 'reference'`, on shapes
 * chosen to split unevenly (odd widths, a single output column, deep nets) with every activation,
 * both losses, sample weights, L2 and every optimizer. `setMinParallelWork(0)` sends every phase
 * through the threads, however small; if a worker skipped its share, the outputs it owns would
 * keep stale values and the bytes would differ. The pool's workers run the built dist/ (vitest
 * runs the sources; `npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { createMemory, Epilogue, gemmModule, instantiateKernels } from '../../src/accel/wasm/simdKernels.js';
import { matmul } from '../../src/math/kernels.js';
import { createNetwork } from '../../src/math/init.js';
import type { NetworkSpec } from '../../src/math/init.js';
import type { Network } from '../../src/math/network.js';
import { cloneNetwork, parameterBuffers } from '../../src/math/network.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import { setMinParallelWork } from '../../src/accel/fastDenseWasm.js';
import { fit } from '../../src/train/fit.js';
import type { Dataset, FitOptions } from '../../src/train/fit.js';
import type { ThreadPool } from '../../src/accel/threadPool.js';
import { CONTROL_BYTES, createDispatcher, makeCall, shapeCall } from '../../src/accel/threadPool.js';
import { createThreadPool, resolveThreads } from '../../src/accel/threads.js';
import { assertBuilt, REPO, removeTempDirs, runCliAsync, tempDir } from '../cli/helpers.js';
import { expectSameBits } from './same-bits.js';

function randomArray(rng: Rng, len: number, scale = 1): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = (2 * rng.next() - 1) * scale;
  return a;
}

function dataset(rng: Rng, n: number, k: number, m: number, weights: boolean): Dataset {
  const X = randomArray(rng, n * k, 2);
  const Y = Float64Array.from({ length: n * m }, () => rng.next());
  const sampleWeight = weights ? Float64Array.from({ length: n }, () => 0.25 + 2 * rng.next()) : undefined;
  return { X, Y, n, sampleWeight };
}

const pools = new Map<number, ThreadPool | undefined>();

beforeAll(async () => {
  pools.set(1, undefined);
  pools.set(2, await createThreadPool(2));
  pools.set(3, await createThreadPool(3));
});

afterAll(async () => {
  setMinParallelWork();
  for (const pool of pools.values()) await pool?.close();
  removeTempDirs();
});

describe('the dispatcher splits one product among threads', () => {
  for (const [m, k, n, rows] of [[29, 19, 37, false], [9, 7, 1, true], [2, 300, 13, false], [64, 256, 12, true]] as const) {
    it(`${m}×${k} · ${k}×${n}, split by ${rows ? 'rows' : 'columns'}, on 3 threads: every element as the reference`, () => {
      const module = gemmModule(true)!;
      const bytes = CONTROL_BYTES + 8 * (m * k + k * n + m * n);
      const memory = createMemory(bytes, true);
      const kernels = instantiateKernels(module, memory);
      const rng = createRng(m + k + n);
      const A = randomArray(rng, m * k), M = randomArray(rng, k * n);
      const aAt = CONTROL_BYTES, mAt = aAt + 8 * m * k, outAt = mAt + 8 * k * n;
      new Float64Array(memory.buffer, aAt, m * k).set(A);
      new Float64Array(memory.buffer, mAt, k * n).set(M);
      const out = new Float64Array(memory.buffer, outAt, m * n).fill(Number.NaN);
      const call = makeCall([outAt, 8 * n, aAt, 8 * k, 8, mAt, 8 * n, 0, 0, 0, n, Epilogue.plain, 0, 0]);
      shapeCall(call, m, k);
      expect(call[14], 'split along the longer dimension').toBe(rows ? 1 : 0);
      const pool = pools.get(3)!;
      pool.attach(memory, module, 0);
      const dispatcher = createDispatcher(kernels, memory, 0, pool);
      try {
        dispatcher.run([call], true);
      } finally {
        dispatcher.detach();
      }
      const ref = new Float64Array(m * n);
      matmul(ref, A, M, m, k, n);
      expectSameBits(out, ref, 'A·M');
    });
  }
});

interface Case {
  name: string;
  spec: NetworkSpec;
  n: number;
  batchSize: number | 'full';
  optimizer: OptimizerName;
  lr: number;
  l2?: number;
  weights?: boolean;
  shuffle?: boolean;
}

const cases: Case[] = [
  { name: '12-64-64-1 relu, bce, adam, batch 64 (workload B\'s shape)', spec: { inputs: 12, hidden: [64, 64], activation: 'relu' }, n: 150, batchSize: 64, optimizer: 'adam', lr: 1e-3 },
  { name: '7-13-5-3 tanh, bce, momentum, batch 9, sample weights', spec: { inputs: 7, hidden: [13, 5], activation: 'tanh', outputs: 3 }, n: 61, batchSize: 9, optimizer: 'momentum', lr: 0.05, weights: true },
  { name: '5-9-1 sigmoid, full batch sgd, l2', spec: { inputs: 5, hidden: [9] }, n: 47, batchSize: 'full', optimizer: 'sgd', lr: 0.5, l2: 0.01 },
  { name: '3-11-1 linear hidden, mse on a linear output, sgd batch 6', spec: { inputs: 3, hidden: [11], activation: 'linear', outputActivation: 'linear', loss: 'mse' }, n: 40, batchSize: 6, optimizer: 'sgd', lr: 0.01 },
  { name: '6-17-2 relu, mse on a sigmoid output, adam, l2, sample weights', spec: { inputs: 6, hidden: [17], activation: 'relu', outputs: 2, loss: 'mse' }, n: 55, batchSize: 10, optimizer: 'adam', lr: 0.01, l2: 0.001, weights: true },
  { name: 'deep 4-8-8-8-8-1 relu, unshuffled batches of 13, momentum', spec: { inputs: 4, hidden: [8, 8, 8, 8], activation: 'relu' }, n: 70, batchSize: 13, optimizer: 'momentum', lr: 0.02, shuffle: false },
  { name: '2-3-1 tanh (not the 2-2-1 path), one row at a time, adam', spec: { inputs: 2, hidden: [3], activation: 'tanh' }, n: 23, batchSize: 1, optimizer: 'adam', lr: 0.01 },
];

function trainWith(c: Case, net: Network, data: Dataset, extra: Partial<FitOptions>) {
  const copy = cloneNetwork(net);
  const result = fit(copy, data, {
    epochs: 4, batchSize: c.batchSize, optimizer: optimizerConfig(c.optimizer, c.lr), l2: c.l2, shuffle: c.shuffle,
    rng: createRng(31), ...extra,
  });
  return { params: parameterBuffers(copy), losses: result.history.map((h) => h.loss), state: result.optimizer.getState() };
}

describe('fit with 1, 2 and 3 threads leaves the reference bytes', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rng = createRng(17);
      const net = createNetwork(c.spec, rng);
      const data = dataset(rng, c.n, c.spec.inputs, c.spec.outputs ?? 1, c.weights ?? false);
      const ref = trainWith(c, net, data, { kernels: 'reference' });
      setMinParallelWork(0);
      try {
        for (const [threads, pool] of pools) {
          const got = trainWith(c, net, data, { pool });
          got.params.forEach((p, b) => expectSameBits(p, ref.params[b], `${threads} threads: parameter buffer ${b}`));
          expectSameBits(got.losses, ref.losses, `${threads} threads: epoch loss`);
          expect(got.state, `${threads} threads: optimizer state`).toEqual(ref.state);
        }
      } finally {
        setMinParallelWork();
      }
      expect(ref.losses[3]).not.toBe(ref.losses[0]);
    });
  }

  it('with the default crossover (only big phases threaded) on 12-48-48-1 relu, batches of 512', () => {
    const c: Case = { name: '', spec: { inputs: 12, hidden: [48, 48], activation: 'relu' }, n: 1500, batchSize: 512, optimizer: 'adam', lr: 1e-3 };
    const rng = createRng(5);
    const net = createNetwork(c.spec, rng);
    const data = dataset(rng, c.n, 12, 1, false);
    const ref = trainWith(c, net, data, { kernels: 'reference' });
    const got = trainWith(c, net, data, { pool: pools.get(2) });
    got.params.forEach((p, b) => expectSameBits(p, ref.params[b], `parameter buffer ${b}`));
    expectSameBits(got.losses, ref.losses, 'epoch loss');
  });

  it('resolves a thread count: a positive integer, or auto for the cores Node reports', () => {
    expect(resolveThreads(3)).toBe(3);
    expect(resolveThreads('auto')).toBeGreaterThanOrEqual(1);
    expect(() => resolveThreads(0)).toThrow("threads must be a positive integer or 'auto', got 0");
    expect(() => resolveThreads(1.5)).toThrow('got 1.5');
  });
});

describe('a process that trains with a pool exits', () => {
  const script = (close: boolean) => `
    import { createThreadPool } from ${JSON.stringify(join(REPO, 'dist/accel/threads.js'))};
    import { fit } from ${JSON.stringify(join(REPO, 'dist/train/fit.js'))};
    import { createNetwork } from ${JSON.stringify(join(REPO, 'dist/math/init.js'))};
    import { createRng } from ${JSON.stringify(join(REPO, 'dist/math/rng.js'))};
    import { optimizerConfig } from ${JSON.stringify(join(REPO, 'dist/math/optimizers.js'))};
    const pool = await createThreadPool(2);
    const n = 2000, rng = createRng(1);
    const X = Float64Array.from({ length: n * 8 }, () => rng.next());
    const Y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
    const net = createNetwork({ inputs: 8, hidden: [64, 64], activation: 'relu' }, createRng(2));
    const r = fit(net, { X, Y, n }, { epochs: 2, batchSize: 1000, optimizer: optimizerConfig('adam', 1e-3), rng: createRng(3), pool });
    ${close ? 'await pool.close();' : ''}
    console.log(r.history.length);
  `;
  for (const close of [true, false]) {
    it(`${close ? 'after pool.close()' : 'without closing the pool (its workers are unref\'d)'}`, () => {
      const file = join(tempDir(), 'train.mjs');
      writeFileSync(file, script(close));
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error, 'the process did not exit within 20 s').toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe('2');
    });
  }
});

describe('chainrule train --threads', () => {
  // Wide enough, and batches big enough, that the layers' products do go through the threads.
  // --data given, so the bundled run's monotone defaults (which take the reference loop) do not apply.
  const common = ['train', '--data', join(REPO, 'data/promotion.csv'), '--layers', '64,64', '--activation', 'relu', '--optimizer', 'adam', '--lr', '0.001', '--batch-size', '500', '--quiet'];

  it('--threads 2 writes the same model file as --threads 1, and a checkpoint of a 2-thread run resumes with 1 thread to the same bytes', async () => {
    assertBuilt();
    const dir = tempDir();
    const [one, two] = await Promise.all([
      runCliAsync([...common, '--epochs', '3', '--threads', '1', '--out', 'one.json'], dir),
      runCliAsync([...common, '--epochs', '3', '--threads', '2', '--checkpoint-every', '1', '--out', 'two.json'], dir),
    ]);
    expect(one.stderr).toBe('');
    expect(two.stderr).toBe('');
    expect([one.status, two.status]).toEqual([0, 0]);
    const bytes = readFileSync(join(dir, 'one.json'), 'utf8');
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(bytes);
    expect(bytes).not.toMatch(/thread/i);
    expect(readFileSync(join(dir, 'two.json.ckpt.json'), 'utf8')).not.toMatch(/thread/i);

    const resumed = await runCliAsync(['train', '--resume', 'two.json.ckpt.json', '--threads', '1', '--quiet', '--out', 'resumed.json'], dir);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(readFileSync(join(dir, 'resumed.json'), 'utf8')).toBe(bytes);
  });

  for (const bad of ['0', 'two', '1.5', '-2']) {
    it(`--threads ${bad} exits 2 with one line naming the flag`, async () => {
      const r = await runCliAsync(['train', '--epochs', '1', `--threads=${bad}`, '--out', 'm.json'], tempDir());
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`--threads must be a positive integer or auto, got ${bad}`);
    });
  }
});
