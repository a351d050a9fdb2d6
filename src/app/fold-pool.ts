/**
 * Cross-validation folds in worker threads (Node only): each worker gets the table once, then
 * fold tasks one at a time from a shared queue, so a slow fold does not hold the others back.
 * Results are put back in task order; a fold's result does not depend on the worker it ran in.
 */
import { Worker } from 'node:worker_threads';
import type { Table } from '../data/csv.js';
import { portableTable } from '../data/folds.js';
import type { FoldMetrics, FoldTask } from './cross-validate.js';

/** What a worker answers for a task: its metrics, or the error's message and exit code. */
export type FoldReply = { index: number; metrics: FoldMetrics } | { index: number; error: string; exitCode: number };

/** An error from a fold in a worker, with the exit code it had there (2 for the user's input). */
export class FoldWorkerError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'FoldWorkerError';
  }
}

/** fold-worker.js beside this module; under a TypeScript runner (vitest) the built one. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/app/fold-worker.js', import.meta.url)
    : new URL('./fold-worker.js', import.meta.url);
}

export function runInWorkers(
  table: Table, tasks: FoldTask[], jobs: number, onDone?: (done: number, total: number) => void,
): Promise<FoldMetrics[]> {
  const results: FoldMetrics[] = new Array(tasks.length);
  const data = portableTable(table);
  const workers = Array.from({ length: Math.min(jobs, tasks.length) }, () => new Worker(workerUrl(), { workerData: { table: data } }));
  let next = 0;
  let done = 0;
  return new Promise<FoldMetrics[]>((resolve, reject) => {
    let failed = false;
    const finish = (err?: Error) => {
      if (failed) return;
      if (err) failed = true;
      void Promise.all(workers.map((w) => w.terminate())).then(() => (err ? reject(err) : resolve(results)));
    };
    const feed = (worker: Worker) => {
      if (next < tasks.length) {
        const index = next++;
        worker.postMessage({ index, task: tasks[index] });
      }
    };
    for (const worker of workers) {
      worker.on('message', (reply: FoldReply) => {
        if ('error' in reply) {
          finish(new FoldWorkerError(reply.error, reply.exitCode));
          return;
        }
        results[reply.index] = reply.metrics;
        done++;
        onDone?.(done, tasks.length);
        if (done === tasks.length) finish();
        else feed(worker);
      });
      worker.on('error', (err) => finish(err));
      worker.on('exit', (code) => {
        if (done < tasks.length && code !== 0) finish(new Error(`a cross-validation worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
