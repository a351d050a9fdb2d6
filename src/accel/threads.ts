/**
 * Worker threads for `fit` in Node: `await createThreadPool(n)` starts n − 1 workers (the calling
 * thread is the n-th), and `fit(..., { pool })` splits the dense layers' matrix products among
 * them. The bytes of the trained model do not depend on n (see threadPool.ts). Node-only, so
 * nothing that runs in the browser imports it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasm/simdKernels.js';
import type { AttachMessage, ThreadPool } from './threadPool.js';
import { attachWorkers, warmUp } from './threadPool.js';

/**
 * The worker script beside this module: threadWorker.js in the build; under a TypeScript runner
 * (vitest runs the sources) the built one, since a worker cannot load TypeScript by itself.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/accel/threadWorker.js', import.meta.url)
    : new URL('./threadWorker.js', import.meta.url);
}

/** How long `attach` waits for the workers to take a new memory before it gives up. */
const ATTACH_TIMEOUT_MS = 10_000;

/** 'auto' is the number of cores Node reports; anything else must be a positive integer. */
export function resolveThreads(threads: number | 'auto'): number {
  if (threads === 'auto') return availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer or 'auto', got ${threads}`);
  return threads;
}

/**
 * A pool of `threads` threads (the caller's included) for `fit`'s `pool` option. Its workers do
 * not keep the process alive; `close()` ends them. One `fit` at a time may use a pool.
 */
export async function createThreadPool(threads: number | 'auto'): Promise<ThreadPool> {
  const size = resolveThreads(threads);
  const workers = Array.from({ length: size - 1 }, () => new Worker(workerUrl()));
  await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`thread pool: a worker exited with code ${code} while starting`)));
  })));
  for (const worker of workers) {
    worker.removeAllListeners();
    worker.unref();
  }
  let attached: { memory: WasmMemory; id: number } | undefined;
  const pool: ThreadPool = {
    size,
    attach(memory: WasmMemory, module: WasmModule, control: number) {
      if (attached?.memory !== memory) attached = { memory, id: (attached?.id ?? 0) + 1 };
      const message = { id: attached.id, memory, module, control, size };
      attachWorkers(memory, control, workers.length, () => {
        workers.forEach((worker, i) => worker.postMessage({ ...message, index: i + 1 } satisfies AttachMessage));
      }, ATTACH_TIMEOUT_MS);
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
  warmUp(pool);
  return pool;
}
