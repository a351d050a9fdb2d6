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
  /** Steps taken, counted by the worker and read by the main thread's progress bar while the worker is busy. */
  steps: Int32Array;
  /** The terminal's facts, which a worker's relayed stderr does not carry (progress bars need them). */
  stderrTTY: { isTTY: boolean; columns?: number };
}

interface Done {
  exitCode: number;
}

/** What a worker posts besides Done: progress and notices (see progress.ts), passed to `onMessage`. */
interface Relay {
  relay: unknown;
}

export interface InterruptibleOptions {
  /** Printed on stderr at the first SIGINT. */
  message?: string;
  /** Test hook: where the exit at the second SIGINT goes (default process.exit). */
  exit?: (code: number) => void;
  /** Receives what the worker `post`s, on the main thread, while the worker is still busy. */
  onMessage?: (message: unknown) => void;
  /** Prints the SIGINT message on its own line (default: stderr), e.g. below a progress bar. */
  print?: (line: string) => void;
  /** The step counter the worker's `countStep` raises; create it with `stepCounter()`. */
  steps?: Int32Array;
}

/** A step counter in shared memory, for `InterruptibleOptions.steps`. */
export function stepCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/**
 * Main thread: runs the worker module at `workerUrl` (which calls `workerTask`) with `payload`,
 * relaying SIGINT as above. Resolves to the exit code the worker reports.
 */
export function runInterruptible<T>(workerUrl: URL, payload: T, options: InterruptibleOptions = {}): Promise<number> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const data: InterruptibleData<T> = {
    payload, stop, steps: options.steps ?? stepCounter(), stderrTTY: { isTTY: Boolean(process.stderr.isTTY), columns: process.stderr.columns },
  };
  const worker = new Worker(workerUrl, { workerData: data });
  let signals = 0;
  const onSigint = () => {
    signals++;
    if (signals === 1) {
      Atomics.store(stop, 0, 1);
      const message = options.message ?? 'chainrule: interrupted; finishing the current step (Ctrl-C again to quit at once)';
      if (options.print) options.print(message);
      else process.stderr.write(`\n${message}\n`);
      return;
    }
    // The worker may be mid-save: process.exit ends it where it is, and saves are atomic (temp +
    // rename), so the file at its real name is the old one or the new one, never half of one.
    (options.exit ?? process.exit)(INTERRUPTED_EXIT);
  };
  process.on('SIGINT', onSigint);
  return new Promise<number>((resolve, reject) => {
    let exitCode: number | undefined;
    worker.on('message', (msg: Done | Relay) => {
      if ('relay' in msg) options.onMessage?.(msg.relay);
      else exitCode = msg.exitCode;
    });
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
  /** Sends `message` to the main thread's `onMessage` at once (stderr of a busy worker is held back). */
  post: (message: unknown) => void;
  /** Raises the shared step counter by one (a few nanoseconds: an atomic add, no message). */
  countStep: () => void;
  /** The shared step counter's value. */
  steps: () => number;
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
  const post = (message: unknown) => port.postMessage({ relay: message } satisfies Relay);
  const countStep = () => { Atomics.add(data.steps, 0, 1); };
  const steps = () => Atomics.load(data.steps, 0);
  Promise.resolve()
    .then(() => task({ payload: data.payload, shouldStop, post, countStep, steps }))
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
