/**
 * Ctrl-C for long runs. The first SIGINT asks the work to stop after its current step (the work
 * then saves what it has and exits 130); a second SIGINT exits 130 at once without touching any
 * file.
 *
 * Why a worker thread: a signal handler is a JavaScript callback that runs only when the event
 * loop is free, and a training loop is synchronous, so a handler on the training thread would not
 * run until training had ended. The work runs in a worker; the main thread stays idle, takes the
 * signal, and raises a flag in shared memory that the worker reads after every step.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** The conventional exit code of a process ended by SIGINT (128 + 2). */
export const INTERRUPTED_EXIT = 130;

interface InterruptibleData<T> {
  payload: T;
  stop: Int32Array;
  /** The terminal's facts, which a worker's relayed stderr does not carry (progress bars need them). */
  stderrTTY: { isTTY: boolean; columns?: number };
}

interface Done {
  exitCode: number;
}

export interface InterruptibleOptions {
  /** Printed on stderr at the first SIGINT. */
  message?: string;
  /** Test hook: where the exit at the second SIGINT goes (default process.exit). */
  exit?: (code: number) => void;
}

/**
 * Main thread: runs the worker module at `workerUrl` (which calls `workerTask`) with `payload`,
 * relaying SIGINT as above. Resolves to the exit code the worker reports.
 */
export function runInterruptible<T>(workerUrl: URL, payload: T, options: InterruptibleOptions = {}): Promise<number> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const data: InterruptibleData<T> = {
    payload, stop, stderrTTY: { isTTY: Boolean(process.stderr.isTTY), columns: process.stderr.columns },
  };
  const worker = new Worker(workerUrl, { workerData: data });
  let signals = 0;
  const onSigint = () => {
    signals++;
    if (signals === 1) {
      Atomics.store(stop, 0, 1);
      process.stderr.write(`\n${options.message ?? 'chainrule: interrupted; finishing the current step (Ctrl-C again to quit at once)'}\n`);
      return;
    }
    // The worker may be mid-save: process.exit ends it where it is, and saves are atomic (temp +
    // rename), so the file at its real name is the old one or the new one, never half of one.
    (options.exit ?? process.exit)(INTERRUPTED_EXIT);
  };
  process.on('SIGINT', onSigint);
  return new Promise<number>((resolve, reject) => {
    let exitCode: number | undefined;
    worker.on('message', (msg: Done) => { exitCode = msg.exitCode; });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      process.off('SIGINT', onSigint);
      resolve(exitCode ?? (code === 0 ? 0 : 1));
    });
  });
}

export interface WorkerContext<T> {
  payload: T;
  /** True once SIGINT has been received: stop after the current step. */
  shouldStop: () => boolean;
}

/**
 * Worker side: runs `task` with the payload and the stop flag, and reports its exit code (its
 * return value, or the one `exitCodeFor` gives a thrown error, after `report` has printed it).
 */
export function workerTask<T>(
  task: (ctx: WorkerContext<T>) => Promise<number> | number,
  report: (err: unknown) => number,
): void {
  if (isMainThread || !parentPort) throw new Error('workerTask must run in a worker thread');
  const data = workerData as InterruptibleData<T>;
  if (data.stderrTTY.isTTY) Object.assign(process.stderr, data.stderrTTY);
  const shouldStop = () => Atomics.load(data.stop, 0) === 1;
  const port = parentPort;
  Promise.resolve()
    .then(() => task({ payload: data.payload, shouldStop }))
    .then((exitCode) => port.postMessage({ exitCode } satisfies Done), (err: unknown) => port.postMessage({ exitCode: report(err) } satisfies Done));
}

/**
 * Resolves once everything written to stderr so far has reached the main thread. A worker's
 * stdio is relayed in order per stream but not across streams, and a synchronous training loop
 * holds stderr back until it ends; waiting here keeps the progress output above the summary that
 * follows on stdout.
 */
export function drainStderr(): Promise<void> {
  return new Promise((resolve) => process.stderr.write('', () => resolve()));
}
