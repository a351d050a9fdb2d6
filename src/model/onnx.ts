/**
 * ONNX export of a model file: one Gemm (Y = X·Wᵀ + b, transB = 1, so the model's row-major
 * weights [units × inputs] are used as they are) and one activation node per layer, float32
 * tensors, opset 13 (IR version 7, the IR that opset 13 came with, which every current ONNX
 * Runtime reads).
 *
 * The graph takes the *raw* feature columns: the standardisation (x − mean)/std of numeric inputs
 * is folded into the first layer, W'[j][c] = W[j][c]/std_c and b'_j = b_j − Σ_c W[j][c]·mean_c/std_c,
 * so no extra nodes run and a user needs no scaler. Categorical inputs stay one-hot columns in the
 * model's `categories` order. How to build a row — column order, one-hot layout, the value to use
 * for a missing number — is written into `metadata_props` (see {@link onnxColumns}).
 *
 * The output follows the model's task (DESIGN.md "Version 2 contracts"): binary `probability`
 * [N, 1] (Sigmoid); multiclass `probabilities` [N, k] (Softmax over the units axis, columns in
 * `chainrule.classes` order); regression `value` [N, 1] in the target's raw units, its scaling
 * folded into the last Gemm (W' = std·W, b' = std·b + mean), so the graph ends in Identity.
 */
import { readFileSync } from 'node:fs';
import { activations } from '../math/activations.js';
import { writeFileAtomic } from './file.js';
import type { ModelFile, ModelInput, ModelLayer } from './schema.js';
import { encodedWidth, isBinary, taskOf } from './schema.js';
import type { TaskName } from '../math/heads.js';
import { ONNX_ATTRIBUTE_INT, ONNX_FLOAT, onnxTypes } from './onnx-proto.js';
import { OnnxExportError } from '../errors.js';
import { inputSpan, numericScaling } from './encoding.js';

/** The ONNX operator set the graph imports (Gemm and the activations' ops: Sigmoid, Tanh, Relu, Identity, LeakyRelu, Softplus as of opset 13). */
export const ONNX_OPSET = 13;
/** The ONNX IR version written: 7, the IR released with opset 13. */
export const ONNX_IR_VERSION = 7;
/** The graph input: float32 [N, k], the raw feature columns in `chainrule.inputs` order. */
export const ONNX_INPUT_NAME = 'features';
/** The graph output of a binary model: float32 [N, 1], the probability of the positive class. */
export const ONNX_OUTPUT_NAME = 'probability';
/** The graph output per task: `probability` [N, 1], `probabilities` [N, k], `value` [N, 1]. */
export const ONNX_OUTPUT_NAMES: { readonly [K in TaskName]: string } = {
  binary: ONNX_OUTPUT_NAME, multiclass: 'probabilities', regression: 'value',
};

/** The graph's output for this model: its name, width and what it holds, in words. */
export function onnxOutput(model: ModelFile): { name: string; width: number; meaning: string } {
  const task = taskOf(model);
  const width = model.layers[model.layers.length - 1].weights.length;
  const name = ONNX_OUTPUT_NAMES[task];
  if (isBinary(model)) return { name, width, meaning: `P(${model.target.name} = ${model.target.positive})` };
  if (model.task === 'multiclass') {
    return { name, width, meaning: `P(${model.target.name} = class) for the classes ${model.target.classes.join(', ')}, in that order` };
  }
  return { name, width, meaning: `${model.target.name} in its raw units` };
}
/** The symbolic batch dimension of `features` and `probability`. */
export const ONNX_BATCH_DIM = 'N';

/** AttributeProto.AttributeType FLOAT: an activation's attributes (LeakyRelu's alpha) are floats. */
const ONNX_ATTRIBUTE_FLOAT = 1;

/** The activation's node: the operator and float attributes its record names (activations.ts `onnx`). */
function activationNode(activation: ModelLayer['activation'], l: number, input: string, output: string) {
  const { op, attributes = {} } = activations[activation].onnx;
  const attribute = Object.entries(attributes).map(([name, f]) => ({ name, type: ONNX_ATTRIBUTE_FLOAT, f }));
  return { name: `layers.${l}.${activation}`, op_type: op, input: [input], output: [output], ...(attribute.length > 0 ? { attribute } : {}) };
}

/** One column of the ONNX `features` input: which model input it comes from and how to fill it. */
export type OnnxColumn =
  | {
    column: number;
    input: string;
    kind: 'numeric';
    /** The value to feed when the raw value is missing (the training mean, 0 for a raw input). */
    fill: number;
    /** The standardisation already folded into the graph (informational; feed raw values). */
    mean?: number;
    std?: number;
  }
  | {
    column: number;
    input: string;
    kind: 'categorical';
    /** This column is 1 when the input equals `category`, else 0 (an unseen category: all zeros). */
    category: string;
  };

/** The encoded columns in order, as written to the `chainrule.inputs` metadata entry. */
export function onnxColumns(inputs: readonly ModelInput[]): OnnxColumn[] {
  const columns: OnnxColumn[] = [];
  for (const input of inputs) {
    if (input.kind === 'numeric') {
      const scaling = numericScaling(input);
      columns.push({
        column: columns.length, input: input.name, kind: 'numeric', fill: scaling.fill,
        ...(scaling.standardised ? { mean: input.mean, std: input.std } : {}),
      });
    } else {
      for (const category of input.categories) columns.push({ column: columns.length, input: input.name, kind: 'categorical', category });
    }
  }
  return columns;
}

/**
 * The first layer with the inputs' standardisation folded in: for a column c scaled as
 * (x − mean_c)/s_c (the encoder's shift and scale, model/encoding.ts numericScaling),
 * W'[j][c] = W[j][c]/s_c and b'_j = b_j − Σ_c W[j][c]·mean_c/s_c. Other columns are unchanged.
 */
export function foldStandardization(model: ModelFile): { weights: number[][]; bias: number[] } {
  const first = model.layers[0];
  const scale: { mean: number; s: number }[] = [];
  for (const input of model.inputs) {
    if (input.kind === 'numeric') {
      const { shift, scale: s } = numericScaling(input);
      scale.push({ mean: shift, s });
    } else {
      for (let j = 0; j < inputSpan(input); j++) scale.push({ mean: 0, s: 1 });
    }
  }
  const weights = first.weights.map((row) => row.map((w, c) => w / scale[c].s));
  const bias = first.bias.map((b, j) => first.weights[j].reduce((acc, w, c) => acc - (w * scale[c].mean) / scale[c].s, b));
  return { weights, bias };
}

/**
 * The output layer with a regression target's scaling folded in: the network predicts
 * (y − mean)/std through a linear unit, so y = std·(W·a + b) + mean = (std·W)·a + (std·b + mean).
 * Other tasks, and a regression model without mean/std (target used raw), are unchanged.
 */
export function foldTargetScaling(model: ModelFile, weights: number[][], bias: number[]): { weights: number[][]; bias: number[] } {
  if (model.task !== 'regression') return { weights, bias };
  const { mean, std } = model.target;
  if (mean === undefined || std === undefined) return { weights, bias };
  const out = model.layers[model.layers.length - 1].activation;
  // schema.ts insists on a linear output for regression; the fold is only exact through one.
  if (out !== 'linear') throw new OnnxExportError(`layers[${model.layers.length - 1}].activation: a regression output must be "linear" to fold the target's scaling, got "${out}"`);
  return { weights: weights.map((row) => row.map((w) => w * std)), bias: bias.map((b) => b * std + mean) };
}

export { OnnxExportError };

const FLOAT32_MAX = 3.4028234663852886e38;

function floatTensor(name: string, dims: number[], values: number[], field: string) {
  values.forEach((v, i) => {
    if (!(Math.abs(v) <= FLOAT32_MAX)) {
      // Named as in the model file: weights[j][i] for a matrix, bias[j] for a vector.
      const at = dims.length === 2 ? `[${Math.floor(i / dims[1])}][${i % dims[1]}]` : `[${i}]`;
      throw new OnnxExportError(`${field}${at}: ${v} does not fit in a float32 tensor (after folding the standardisation)`);
    }
  });
  return { name, dims, data_type: ONNX_FLOAT, float_data: values };
}

function tensorType(k: number) {
  return {
    tensor_type: {
      elem_type: ONNX_FLOAT,
      shape: { dim: [{ dim_param: ONNX_BATCH_DIM }, { dim_value: k }] },
    },
  };
}

function producerVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '';
  } catch {
    return '';
  }
}

/** The metadata_props entries: everything a user needs to build the `features` rows. */
export function onnxMetadata(model: ModelFile): Record<string, string> {
  const task = taskOf(model);
  const output = onnxOutput(model);
  const reading = model.task === 'multiclass'
    ? `${output.name}[i][k] is P(class k) with k in chainrule.classes order; the predicted class is the largest.`
    : model.task === 'regression'
      ? `${output.name} is ${model.target.name} in raw units (the target's standardisation is folded into the last Gemm).`
      : 'probability > threshold means target.positive.';
  return {
    'chainrule.format': `${model.format} v${model.version}`,
    'chainrule.task': task,
    'chainrule.inputs': JSON.stringify(onnxColumns(model.inputs)),
    'chainrule.model_inputs': JSON.stringify(model.inputs),
    'chainrule.target': JSON.stringify(model.target),
    ...(model.task === 'multiclass' ? { 'chainrule.classes': JSON.stringify(model.target.classes) } : {}),
    ...(isBinary(model) ? { 'chainrule.threshold': String(model.threshold) } : {}),
    'chainrule.loss': model.loss,
    'chainrule.output': output.name,
    'chainrule.encoding': 'features holds the raw values in chainrule.inputs column order: numeric columns unscaled '
      + '(the standardisation is folded into the first Gemm; feed fill when missing), categorical columns one-hot '
      + `(a missing value is the category "(missing)" when listed; all zeros for a category unseen in training). ${reading}`,
  };
}

/** The ONNX ModelProto of a model file, as a plain object in the schema's field names. */
export function onnxModelObject(model: ModelFile): Record<string, unknown> {
  const k = encodedWidth(model.inputs);
  const folded = foldStandardization(model);
  const initializer: unknown[] = [];
  const node: unknown[] = [];
  const output = onnxOutput(model);
  const last = model.layers.length - 1;
  let input = ONNX_INPUT_NAME;
  model.layers.forEach((layer, l) => {
    const first = l === 0 ? folded : { weights: layer.weights, bias: layer.bias };
    const { weights, bias } = l === last ? foldTargetScaling(model, first.weights, first.bias) : first;
    const units = weights.length;
    const W = `layers.${l}.weights`;
    const b = `layers.${l}.bias`;
    const z = `layers.${l}.z`;
    const a = l === last ? output.name : `layers.${l}.a`;
    initializer.push(
      floatTensor(W, [units, weights[0].length], weights.flat(), `layers[${l}].weights`),
      floatTensor(b, [units], bias, `layers[${l}].bias`),
    );
    node.push(
      {
        name: `layers.${l}.gemm`, op_type: 'Gemm', input: [input, W, b], output: [z],
        attribute: [{ name: 'transB', type: ONNX_ATTRIBUTE_INT, i: 1 }],
      },
      activationNode(layer.activation, l, z, a),
    );
    input = a;
  });
  return {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'chainrule',
    producer_version: producerVersion(),
    doc_string: `chainrule ${taskOf(model)} model: ${output.meaning}`,
    graph: {
      name: 'chainrule',
      node,
      initializer,
      input: [{ name: ONNX_INPUT_NAME, type: tensorType(k), doc_string: 'raw feature columns, see metadata chainrule.inputs' }],
      output: [{ name: output.name, type: tensorType(output.width), doc_string: output.meaning }],
    },
    metadata_props: Object.entries(onnxMetadata(model)).map(([key, value]) => ({ key, value })),
  };
}

/** Serialises a model file to ONNX protobuf bytes. */
export function modelToOnnx(model: ModelFile): Uint8Array {
  const { ModelProto } = onnxTypes();
  const object = onnxModelObject(model);
  const problem = ModelProto.verify(object);
  if (problem) throw new OnnxExportError(`internal: the ONNX model does not match the schema (${problem})`);
  return ModelProto.encode(ModelProto.fromObject(object)).finish();
}

/** Decodes ONNX bytes back into a plain object (int64 as numbers), for inspection and tests. */
export function decodeOnnx(bytes: Uint8Array): Record<string, unknown> {
  const { ModelProto } = onnxTypes();
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, enums: String, defaults: false, oneofs: false });
}

/** Writes the ONNX file of `model` to `path` atomically; returns the bytes written. */
export function exportOnnx(model: ModelFile, path: string): Uint8Array {
  const bytes = modelToOnnx(model);
  writeFileAtomic(path, bytes);
  return bytes;
}
