/**
 * How the dense layers' matrix products are shared among threads, with no Node import (so `fit`
 * can take a pool from any caller; `threads.ts` creates one with worker_threads).
 *
 * A product is split by output columns, or by output rows when it has more of those, into one
 * range per thread (multiples of 4, the kernel's tile). Each output element is still one sum
 * over the shared dimension in the reference's order, computed by the same instructions whichever
 * thread owns it, so the bytes are the same for every thread count.
 *
 * Protocol, over an Int32Array control block in the shared WebAssembly memory: the calling thread
 * writes a phase (up to MAX_CALLS products), bumps SEQ and wakes the workers; every thread
 * computes its share; each worker then adds 1 to DONE, and the caller waits until DONE = size − 1
 * before it reads any output. Workers spin briefly before sleeping in Atomics.wait, because a
 * batch has several phases a few tens of microseconds apart. A run whose workers keep arriving
 * late (an oversubscribed machine) finishes its epoch on the calling thread.
 */
import type { Kernels, WasmMemory, WasmModule } from './wasm/simdKernels.js';
import { createMemory, Epilogue, gemmModule, instantiateKernels } from './wasm/simdKernels.js';

/** Worker threads that share the matrix products of `fit` (create one with `createThreadPool`). */
export interface ThreadPool {
  /** Threads that compute, the calling thread included (workers = size − 1). */
  readonly size: number;
  /**
   * Gives every worker the shared memory, the compiled kernel and the control block's byte
   * offset; returns once all of them serve phases (until `Dispatcher.detach`).
   */
  attach(memory: WasmMemory, module: WasmModule, control: number): void;
  /** Ends the workers. */
  close(): Promise<void>;
}

/**
 * One kernel call: a product (the 14 arguments of `Gemm`, then 1 to split by rows instead of
 * columns) or an optimizer step (the 7 arguments of `Update`, split by elements); the last word
 * says which.
 */
export type Call = Int32Array;
export const CALL_INTS = 16;
const SPLIT_ROWS = 14, KIND = 15, UPDATE = 1;
const MAX_CALLS = 4;
const SEQ = 0, DONE = 1, COMMAND = 2, CALLS = 3, READY = 4, HEADER = 8;
const RUN = 1, DETACH = 2;
/** Bytes of the control block. */
export const CONTROL_BYTES = 4 * (HEADER + MAX_CALLS * CALL_INTS);
/** Spins of a waiting thread before it sleeps (about 0.5–1 ms: longer than the gap between two batches). */
const SPINS = 200_000;
/**
 * When more cores are asked for than the machine has free, a worker gets a core only now and then
 * and every phase waits a scheduler tick for it (seen: 20k instead of 500k samples/s while another
 * process was busy on a 2-core machine). After LATE_LIMIT phases in which this thread waited more
 * than LATE_MS and more than its own share took, the rest of the epoch runs on this thread alone
 * (the same bytes either way); the next epoch tries the workers again.
 */
const LATE_LIMIT = 4;
const LATE_MS = 0.2;

/** A call of `gemm` with these arguments (shape it with `shapeCall`). */
export function makeCall(args: readonly number[]): Call {
  const call = new Int32Array(CALL_INTS);
  call.set(args);
  return call;
}

/** A call of `update` with these arguments. */
export function makeUpdateCall(args: readonly number[]): Call {
  const call = makeCall(args);
  call[KIND] = UPDATE;
  return call;
}

/** Sets the rows (m) and shared length (k) of a call, and which output dimension to split. */
export function shapeCall(call: Call, m: number, k: number): void {
  call[7] = m;
  call[8] = k;
  call[SPLIT_ROWS] = m > call[10] - call[9] ? 1 : 0;
}

/** Start of thread t's share of `length` outputs: multiples of 4, the last share ends at `length`. */
function bound(length: number, t: number, size: number): number {
  return t >= size ? length : Math.min(length, 4 * Math.floor((length * t) / size / 4));
}

/** Thread t's share of one call; `words` holds the call at `at`. */
function runShare({ gemm, update }: Kernels, words: Int32Array, at: number, t: number, size: number): void {
  if (words[at + KIND] === UPDATE) {
    const len = words[at + 5], lo = 8 * bound(len, t, size), hi = 8 * bound(len, t + 1, size);
    if (hi > lo) update(words[at], words[at + 1] + lo, words[at + 2] + lo, words[at + 3] + lo, words[at + 4] + lo, (hi - lo) / 8, words[at + 6]);
    return;
  }
  const out = words[at], ldo = words[at + 1], a = words[at + 2], aRow = words[at + 3], aStep = words[at + 4];
  const mm = words[at + 5], ldm = words[at + 6], m = words[at + 7], k = words[at + 8], j0 = words[at + 9], j1 = words[at + 10];
  const mode = words[at + 11], x1 = words[at + 12], x2 = words[at + 13];
  if (size === 1 || words[at + SPLIT_ROWS] === 0) {
    const lo = j0 + bound(j1 - j0, t, size), hi = j0 + bound(j1 - j0, t + 1, size);
    if (hi > lo) gemm(out, ldo, a, aRow, aStep, mm, ldm, m, k, lo, hi, mode, x1, x2);
    return;
  }
  const lo = bound(m, t, size), hi = bound(m, t + 1, size);
  if (hi <= lo) return;
  // x1 is a matrix shaped like out for the derivative epilogues, the bias vector otherwise.
  const x1Rows = mode === Epilogue.reluGrad || mode === Epilogue.sigmoidGrad || mode === Epilogue.tanhGrad;
  gemm(out + lo * ldo, ldo, a + lo * aRow, aRow, aStep, mm, ldm, hi - lo, k, j0, j1, mode,
    x1Rows ? x1 + lo * ldo : x1, mode === Epilogue.biasRelu ? x2 + lo * ldo : x2);
}

function waitWhile(ctl: Int32Array, index: number, value: number): void {
  for (let spin = 0; Atomics.load(ctl, index) === value; spin++) {
    if (spin > SPINS) Atomics.wait(ctl, index, value);
  }
}

export interface Dispatcher {
  /** Runs the calls of one phase, on every thread when `parallel`, else on the calling thread. */
  run(calls: readonly Call[], parallel: boolean): void;
  /** Sends the workers back to their event loops. */
  detach(): void;
}

/** The calling thread's side. With no pool (or a pool of 1) every phase runs here. */
export function createDispatcher(kernels: Kernels, memory: WasmMemory, control: number, pool?: ThreadPool): Dispatcher {
  const size = pool?.size ?? 1;
  const ctl = size > 1 ? new Int32Array(memory.buffer, control, CONTROL_BYTES / 4) : new Int32Array(HEADER);

  const signal = (command: number): void => {
    Atomics.store(ctl, DONE, 0);
    ctl[COMMAND] = command;
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
  };
  const join = (): void => {
    for (let done = Atomics.load(ctl, DONE), spin = 0; done < size - 1; done = Atomics.load(ctl, DONE), spin++) {
      if (spin > SPINS) Atomics.wait(ctl, DONE, done);
    }
  };

  // Phases since the last detach in which this thread waited long for the workers.
  let late = 0;
  return {
    run(calls, parallel) {
      if (!parallel || size === 1 || late >= LATE_LIMIT) {
        for (let c = 0; c < calls.length; c++) runShare(kernels, calls[c], 0, 0, 1);
        return;
      }
      calls.forEach((call, c) => ctl.set(call, HEADER + c * CALL_INTS));
      ctl[CALLS] = calls.length;
      const start = performance.now();
      signal(RUN);
      for (let c = 0; c < calls.length; c++) runShare(kernels, ctl, HEADER + c * CALL_INTS, 0, size);
      const own = performance.now();
      join();
      if (performance.now() - own > Math.max(LATE_MS, own - start)) late++;
    },
    detach() {
      late = 0;
      if (size === 1) return;
      signal(DETACH);
      join();
    },
  };
}

/** What `attach` sends each worker. */
export interface AttachMessage {
  /** The same for every attach of one memory, so a worker instantiates the kernel once per memory. */
  id: number;
  memory: WasmMemory;
  module: WasmModule;
  control: number;
  /** 1 … size − 1 (the calling thread is 0). */
  index: number;
  size: number;
}

/** Worker side: reports ready, then serves phases until DETACH. Blocks its thread meanwhile. */
export function serve(kernels: Kernels, { memory, control, index, size }: AttachMessage): void {
  const ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  let seen = Atomics.load(ctl, SEQ);
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  for (;;) {
    waitWhile(ctl, SEQ, seen);
    seen = Atomics.load(ctl, SEQ);
    // Read before DONE: once every worker is done, the caller may write the next phase.
    const command = ctl[COMMAND];
    if (command === RUN) {
      const calls = ctl[CALLS];
      for (let c = 0; c < calls; c++) runShare(kernels, ctl, HEADER + c * CALL_INTS, index, size);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
    if (command === DETACH) return;
  }
}

/**
 * Caller side of `attach`: clears READY, lets `post` send the attach messages, then waits (up to
 * `timeoutMs`) until `workers` have reported ready.
 */
export function attachWorkers(memory: WasmMemory, control: number, workers: number, post: () => void, timeoutMs: number): void {
  const ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  Atomics.store(ctl, READY, 0);
  post();
  const deadline = Date.now() + timeoutMs;
  for (let ready = Atomics.load(ctl, READY); ready < workers; ready = Atomics.load(ctl, READY)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`thread pool: ${workers - ready} of ${workers} workers did not start within ${timeoutMs} ms`);
    Atomics.wait(ctl, READY, ready, left);
  }
}

/**
 * Runs a few hundred small phases on every thread of a new pool, so that the engine has optimised
 * the kernel and the dispatch on each of them before the first epoch (cold workers made the first
 * epoch slower with two threads than with one).
 */
export function warmUp(pool: ThreadPool): void {
  const module = gemmModule(true);
  if (!module || pool.size < 2) return;
  const n = 64, matrix = 8 * n * n;
  const memory = createMemory(CONTROL_BYTES + 3 * matrix, true);
  const a = CONTROL_BYTES, mm = a + matrix, out = mm + matrix;
  const calls = [
    makeCall([out, 8 * n, a, 8 * n, 8, mm, 8 * n, 0, 0, 0, n, Epilogue.plain, 0, 0]),
    makeCall([out, 8 * n, a, 8, 8 * n, mm, 8 * n, 0, 0, 0, n, Epilogue.reluGrad, a, 0]),
  ];
  calls.forEach((call) => shapeCall(call, n, n));
  pool.attach(memory, module, 0);
  const dispatcher = createDispatcher(instantiateKernels(module, memory), memory, 0, pool);
  try {
    for (let i = 0; i < 300; i++) dispatcher.run(calls, true);
  } finally {
    dispatcher.detach();
  }
}
