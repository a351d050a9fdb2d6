/**
 * What every fast path promises: for the runs it `supports`, the reference loop's bytes (weights,
 * every epoch's loss, optimizer state, stop epoch). `fit` asks the paths in FAST_PATHS order
 * (fastEpoch.ts) and runs the first that supports the run and builds a runner; when none does it
 * runs the reference loop. So a capability a path does not know (a new activation, loss or
 * optimizer) is slower there, never wrong: `supports` must say no to anything it was not written for.
 */
import type { Network, Workspace } from '../math/network.js';
import type { Optimizer } from '../math/optimizers.js';
import type { ThreadPool } from './threadPool.js';

export interface EpochData {
  X: Float64Array;
  Y: Float64Array;
  n: number;
  sampleWeight?: Float64Array;
}

export interface EpochRunner {
  /**
   * One epoch: rows in `order` when `shuffled`, else in storage order. Returns Σ batchLoss·rows
   * over the batches run, or NaN at the first batch whose loss is not finite (before its update;
   * the caller restores). `shouldStop` is asked after every step, as in `fit`.
   */
  run(order: Uint32Array, shuffled: boolean, shouldStop?: () => boolean): number;
  /** True when the last `run` ended early because `shouldStop` said so. */
  stopped: boolean;
}

export interface RunnerOptions {
  /** Threads for the dense layers' products (fit's `pool`). */
  pool?: ThreadPool;
  /** fit built the optimizer from its config, so its step may run as the kernel's `update`. */
  builtinOptimizer?: boolean;
}

/** Everything about a run that a path may need to decide whether it gives the reference's bytes. */
export interface RunSpec {
  net: Network;
  data: EpochData;
  optimizer: Optimizer;
  batch: number;
  l2: number;
  options: RunnerOptions;
}

/** The buffers the runner steps: fit's parameter views, gradient views and workspace. */
export interface RunBuffers {
  params: Float64Array[];
  grads: Float64Array[];
  ws: Workspace;
}

export interface FastPath {
  readonly name: string;
  /** True only for runs this path was written for (shape, activations, loss, optimizer, batch). */
  supports(run: RunSpec): boolean;
  /** The runner, or undefined when it cannot be built after all (no WebAssembly SIMD, too big). */
  create(run: RunSpec, buffers: RunBuffers): EpochRunner | undefined;
}
