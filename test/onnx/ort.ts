/**
 * Running an exported file in ONNX Runtime (onnxruntime-web's wasm backend, which runs in Node
 * from the package's own files, offline), and building its `features` rows the way a user
 * without chainrule would: from the `chainrule.inputs` metadata alone.
 */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

export interface OnnxRun {
  probability: Float32Array;
  dims: readonly number[];
  inputNames: readonly string[];
  outputNames: readonly string[];
}

export async function runOnnx(bytes: Uint8Array, features: Float32Array, rows: number): Promise<OnnxRun> {
  const run = await runOnnxOutput(bytes, features, rows, 'probability');
  return { probability: run.values, dims: run.dims, inputNames: run.inputNames, outputNames: run.outputNames };
}

/** Runs the graph on `features` [rows × k] and returns the output named `output` (probabilities, value, …). */
export async function runOnnxOutput(bytes: Uint8Array, features: Float32Array, rows: number, output: string) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const k = features.length / rows;
    const result = await session.run({ features: new ort.Tensor('float32', features, [rows, k]) });
    const out = result[output];
    if (!out) throw new Error(`the graph has no output "${output}" (it has ${session.outputNames.join(', ')})`);
    return { values: out.data as Float32Array, dims: out.dims, inputNames: session.inputNames, outputNames: session.outputNames };
  } finally {
    await session.release();
  }
}

interface MetadataColumn { column: number; input: string; kind: string; fill?: number; category?: string }

/** Rows for `features`, from raw records and the metadata's column list (no chainrule code). */
export function featuresFromMetadata(inputsJson: string, records: readonly Record<string, unknown>[]): Float32Array {
  const columns = JSON.parse(inputsJson) as MetadataColumn[];
  const out = new Float32Array(records.length * columns.length);
  records.forEach((record, r) => {
    for (const c of columns) {
      const value = record[c.input];
      const missing = value === null || value === undefined || value === '';
      out[r * columns.length + c.column] = c.kind === 'numeric'
        ? (missing ? (c.fill as number) : Number(value))
        : ((missing ? '(missing)' : value) === c.category ? 1 : 0);
    }
  });
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
