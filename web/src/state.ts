/** The one state object of the page, owned by the controller and passed to every view. */
import type { ModelLayer } from '../../src/model/schema.js';
import type { NetworkExplanation } from '../../src/explain/index.js';
import type { RunConfig } from './config.js';
import type { PlaygroundData } from './datasets.js';
import type { EpochLoss } from './session.js';
import type { Lesson, Net1Sample, NotesCase, NotesNet } from './notes.js';
import type { UploadSpec } from './upload.js';
import type { PointAttributions } from './attributions.js';

/** A parameter of the network: weights[unit][input] of a layer, or bias[unit] when input is undefined. */
export interface ParamRef {
  layer: number;
  unit: number;
  input?: number;
}

export interface PlaygroundState {
  config: RunConfig;
  data: PlaygroundData;
  runId: number;
  running: boolean;
  /** True until the worker's first snapshot of this run (it may be replaying a linked run). */
  loading: boolean;
  epoch: number;
  layers: ModelLayer[] | null;
  history: EpochLoss[];
  grid: Float64Array | null;
  gridSize: number;
  /** Hidden units' activations over the same plane, UNIT_GRID_SIZE² values per unit. */
  unitGrids: Float64Array | null;
  selection: { param: ParamRef | null; point: number };
  /** The explain module's document for the selected parameter and training point. */
  explanation: NetworkExplanation | null;
  /** The selected point's Shapley values and integrated gradients with conductance (null before the first snapshot). */
  attributions?: PointAttributions | null;
  error: string | null;
  /** The notes mode: open or not, which network, which step of its lesson. */
  notes: { open: boolean; net: NotesNet; step: number; net1: Net1Sample };
  /** The lesson of the open notes mode (null when closed, or Net 2 without a 2-2-1 run). */
  lesson: Lesson | null;
  notesCase: NotesCase | null;
  /** The CSV behind dataset "upload". */
  upload: UploadSpec | null;
  /** A message about the data (a CSV that could not be read, naming its row and column). */
  dataMessage: string | null;
  /** The server offers its model (serve --share-model). */
  sharedModel: boolean;
}

export function paramKey(ref: ParamRef): string {
  return ref.input === undefined ? `layers[${ref.layer}].bias[${ref.unit}]` : `layers[${ref.layer}].weights[${ref.unit}][${ref.input}]`;
}

export function parseParamKey(key: string): ParamRef | null {
  const w = /^layers\[(\d+)\]\.weights\[(\d+)\]\[(\d+)\]$/.exec(key);
  if (w) return { layer: Number(w[1]), unit: Number(w[2]), input: Number(w[3]) };
  const b = /^layers\[(\d+)\]\.bias\[(\d+)\]$/.exec(key);
  return b ? { layer: Number(b[1]), unit: Number(b[2]) } : null;
}

export function paramValue(layers: ModelLayer[], ref: ParamRef): number {
  const layer = layers[ref.layer];
  return ref.input === undefined ? layer.bias[ref.unit] : layer.weights[ref.unit][ref.input];
}
