/**
 * chainrule as a library: build, train and run small neural networks, explain every gradient as
 * its chain-rule factors, save and load model files, and export them to ONNX.
 *
 * Two levels, both typed:
 * - **Model level** (raw records in, a {@link ModelFile} out): {@link readCsv} → {@link train} →
 *   {@link predict} / {@link explain} / {@link evaluateModel} →
 *   {@link saveModel} / {@link exportOnnx}.
 * - **Network level** (encoded Float64Array rows): {@link createNetwork} + {@link createRng} →
 *   {@link fit} with an `onEpoch` callback → {@link predictNetwork}.
 *
 * ```ts
 * import { readCsv, train, predict, explain } from 'chainrule';
 * const table = await readCsv('promotion.csv');
 * const { model } = train(table, { target: 'promoted', hidden: [2], epochs: 200 });
 * predict(model, [{ years_experience: 6, performance_score: 82 }]);
 * explain(model, { years_experience: 6, performance_score: 82 }, 1).factors;
 * ```
 *
 * @packageDocumentation
 */
import type { ModelFile } from './model/schema.js';
import { loadModel as loadModelFile, saveModel as saveModelFile } from './model/file.js';
import type { FileReadOptions, ReadOptions, Table } from './data/csv.js';
import type { ThreadPool } from './accel/threadPool.js';

// Everything that runs anywhere (browser.ts exports the same): networks, training, model JSON,
// tables from rows or CSV text, predict, evaluate, explain, attributions.
export * from './portable.js';

// Cross-validation, hyper-parameter search and the HTML report (their code loads on first use).
export * from './analysis-node.js';

// ---- Node only: threads, files, ONNX -------------------------------------------------------------

/**
 * Worker threads for {@link fit}: `const pool = await createThreadPool(2)` (or `'auto'`, one per
 * core), then `fit(net, data, { ..., pool })` splits each dense layer's matrix products among the
 * threads for batches big enough to pay for it (about 1M multiply-adds in a layer's biggest
 * product, e.g. 256 rows × 64 × 64). The trained bytes are the same for any thread count. The
 * workers do not keep the process alive; `await pool.close()` ends them. One fit at a time per
 * pool; Node only.
 */
export async function createThreadPool(threads: number | 'auto'): Promise<ThreadPool> {
  // Loaded here, not with the library (worker_threads and the pool's workers are for a few callers).
  return (await import('./accel/threads.js')).createThreadPool(threads);
}

/**
 * Reads and validates a model file (format `chainrule/model`, version 1).
 *
 * @throws ModelFileError naming the file and, for a malformed model, the field
 *   (`model.json: layers[1].weights[0]: expected 2 weights …`).
 */
export function loadModel(path: string): ModelFile {
  return loadModelFile(path);
}

/** Writes a model file atomically (temp file, fsync, rename): a crash leaves the old file or the new one. */
export function saveModel(path: string, model: ModelFile): void {
  saveModelFile(path, model);
}

/**
 * Reads a CSV file (header row required; `,` `;` or tab detected; quotes and a BOM handled),
 * streaming, into a column table for {@link train} and {@link evaluateModel}. `options.only`
 * keeps just the named columns. ({@link tableFromCsv} reads CSV text instead, in any runtime.)
 *
 * @throws DataError naming the file and the row.
 */
export async function readCsv(path: string, options?: ReadOptions): Promise<Table> {
  return readTable(path, { ...options, format: 'csv' });
}

/**
 * Reads a data file into the same column table as {@link readCsv}: by `options.format`, else by
 * extension — `.parquet` (typed columns; INT64 beyond ±2^53 refused), `.ndjson` / `.jsonl` (one
 * JSON object per line; the union of keys, absent = missing; nested values refused), anything else
 * CSV. The same type inference and encoders apply to all three.
 *
 * @throws DataError naming the file and the row (NDJSON: the line).
 */
export async function readTable(path: string, options?: FileReadOptions): Promise<Table> {
  // The readers (file streams, csv-parse, Parquet) load on the first read, not with the library.
  return (await import('./data/csv.js')).readTable(path, options);
}
export type { DataFormat, FileReadOptions } from './data/formats.js';

export {
  exportOnnx, modelToOnnx, decodeOnnx, onnxColumns, onnxMetadata, foldStandardization, OnnxExportError,
  ONNX_OPSET, ONNX_IR_VERSION, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME,
} from './model/onnx.js';
export type { OnnxColumn } from './model/onnx.js';
