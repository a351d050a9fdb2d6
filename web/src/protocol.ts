/** Messages between the page (controller) and the training worker. */
import type { ModelInput, ModelLayer } from '../../src/model/schema.js';
import type { RunConfig } from './config.js';
import type { EpochLoss } from './session.js';
import type { UploadSpec } from './upload.js';

export type ToWorker =
  /** Start a run from the config; replays training up to config.epoch before the first snapshot. */
  | { type: 'load'; runId: number; config: RunConfig; upload?: UploadSpec; init?: { layers: ModelLayer[]; inputs: ModelInput[] } }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; speed: number };

export interface Snapshot {
  type: 'snapshot';
  runId: number;
  epoch: number;
  running: boolean;
  layers: ModelLayer[];
  /** Loss records after the ones the page already has (history[from …]). */
  from: number;
  losses: EpochLoss[];
  gridSize: number;
  grid: Float64Array;
  /** Hidden units' activations, UNIT_GRID_SIZE² values per unit (Session.unitGrids). */
  unitGrids: Float64Array;
  /** Why training stopped by itself (divergence), if it did. */
  error?: string;
}

/** The run could not start (an uploaded table the encoders refuse, say); the message names row and column. */
export interface Failed {
  type: 'failed';
  runId: number;
  error: string;
}

export type FromWorker = Snapshot | Failed;

export const GRID_SIZE = 50;
export const UNIT_GRID_SIZE = 16;
