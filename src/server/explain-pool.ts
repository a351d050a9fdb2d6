/**
 * /explain's work in worker threads (piscina), so building and serialising an explanation never
 * blocks /health, /predict or another request (DESIGN.md, HTTP /explain). Each served model is
 * written once as JSON into a SharedArrayBuffer with a version number; a worker parses it the
 * first time it meets that version and keeps it, so a reload hands the new model over without a
 * copy per request, and a request queued before the reload is answered with the model it came
 * in under. Requests beyond the running ones wait in a bounded queue; past it the caller gets
 * ExplainQueueFullError (a 503 with Retry-After). Node only: the playground never imports this.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ModelFile } from '../model/schema.js';
import type { ExplainWithAttributionsOptions } from '../app/attributions.js';

export interface ExplainPoolOptions {
  /** Worker threads (default: one less than the cores, at least 1 and at most 4). */
  readonly threads?: number;
  /** Requests that may wait for a worker besides the running ones; more get a 503 (default 32). */
  readonly queue?: number;
}

export const DEFAULT_EXPLAIN_QUEUE = 32;
/** How much lower the workers' scheduling priority is than the event loop's (Linux nice). */
const NICE_INCREMENT = 10;
/** Seconds a client is asked to wait when the queue is full. */
export const RETRY_AFTER_SECONDS = 1;

/** What a worker is given: the model (by version) and one checked request. */
export interface ExplainTask {
  readonly version: number;
  /** The model file's JSON, UTF-8, shared with every worker. */
  readonly model: SharedArrayBuffer;
  readonly input: Record<string, unknown>;
  readonly target: number | string;
  readonly options: ExplainWithAttributionsOptions;
}

/** The document's JSON bytes, or the InputError the request raised (field and message). */
export type ExplainReply = Uint8Array | { readonly field: string; readonly message: string };

export class ExplainQueueFullError extends Error {
  constructor(waiting: number) {
    super(`the server is busy explaining (${waiting} requests waiting); retry in ${RETRY_AFTER_SECONDS} s`);
    this.name = 'ExplainQueueFullError';
  }
}

/** explain-worker.js beside this module; under a TypeScript runner (vitest) the built one. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/server/explain-worker.js', import.meta.url)
    : new URL('./explain-worker.js', import.meta.url);
}

let versions = 0;

export interface ExplainPool {
  run(model: ModelFile, input: Record<string, unknown>, target: number | string, options: ExplainWithAttributionsOptions): Promise<ExplainReply>;
  /** Ends the workers (the app's onClose). */
  close(): Promise<void>;
}

export function createExplainPool(options: ExplainPoolOptions = {}): ExplainPool {
  const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  const queue = options.queue ?? DEFAULT_EXPLAIN_QUEUE;
  const shared = new WeakMap<ModelFile, { version: number; model: SharedArrayBuffer }>();
  // Started on the first /explain: an app that never explains starts no thread.
  let pool: Piscina | undefined;
  let pending = 0;

  const sharedModel = (model: ModelFile) => {
    let entry = shared.get(model);
    if (!entry) {
      const bytes = new TextEncoder().encode(JSON.stringify(model));
      const sab = new SharedArrayBuffer(bytes.length);
      new Uint8Array(sab).set(bytes);
      entry = { version: ++versions, model: sab };
      shared.set(model, entry);
    }
    return entry;
  };

  return {
    async run(model, input, target, explainOptions) {
      if (pending >= threads + queue) throw new ExplainQueueFullError(pending - threads);
      // Idle workers stay a while (unreferenced, so they never hold the process open), then end.
      // Niced: when the cores are short, the event loop (/health, /predict) runs first.
      pool ??= new Piscina({ filename: workerUrl().href, minThreads: 0, maxThreads: threads, idleTimeout: 30_000, niceIncrement: NICE_INCREMENT });
      const task: ExplainTask = { ...sharedModel(model), input, target, options: explainOptions };
      pending++;
      try {
        return (await pool.run(task)) as ExplainReply;
      } finally {
        pending--;
      }
    },
    async close() {
      const running = pool;
      pool = undefined;
      await running?.destroy();
    },
  };
}
