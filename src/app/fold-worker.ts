/** A worker thread of fold-pool.ts: holds the table, runs the fold tasks it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { DataError } from '../data/csv.js';
import { tableFromPortable, type PortableTable } from '../data/folds.js';
import { runFold, type FoldTask } from './cross-validate.js';
import type { FoldReply } from './fold-pool.js';

const table = tableFromPortable((workerData as { table: PortableTable }).table);

parentPort?.on('message', ({ index, task }: { index: number; task: FoldTask }) => {
  let reply: FoldReply;
  try {
    reply = { index, metrics: runFold(table, task) };
  } catch (e) {
    // The user's input (bad data, a fold the data cannot fill) exits 2, as in the main thread.
    const exitCode = e instanceof DataError || (e as { exitCode?: number }).exitCode === 2 ? 2 : 1;
    reply = { index, error: e instanceof Error ? e.message : String(e), exitCode };
  }
  parentPort?.postMessage(reply);
});
