/**
 * Activations as one table of small named records: the value a = f(z), its derivative da/dz
 * (written in terms of whichever of z or a makes it exact and cheap: σ' = a(1−a) reuses the forward
 * output), the factor explain prints, the ONNX operator, the initialiser, and the WebAssembly
 * epilogue that computes it, if any. Every path reads this table (network, init, explain, ONNX,
 * schema, CLI, playground, the fast paths' `supports`); adding an activation is one record here,
 * one case in each of the two loops below (the compiler names them) and its test rows.
 *
 * Most activations are element-wise (`scope: 'element'`: a = f(z) unit by unit, with f and f'
 * in the record). Softmax is row-wise (`scope: 'row'`): each unit's output depends on the whole
 * row of the layer's pre-activations, aₖ = e^{zₖ} / Σₘ e^{zₘ}, so it has no per-element f or f'
 * and its record carries neither; the loops take the layer's `units` to know where a row ends.
 * It is only an output activation, fused with cross-entropy (network.ts validates the pairing),
 * so its backward is the loss's fused ŷ − y.
 */
/** The element-wise activations: what a hidden layer may use. */
export type ElementActivationName = 'sigmoid' | 'tanh' | 'relu' | 'linear' | 'leaky_relu' | 'softplus';
/** The row-wise activations: output heads only. */
export type RowActivationName = 'softmax';
export type ActivationName = ElementActivationName | RowActivationName;

/** Xavier/Glorot uniform (limit √(6/(in+out))) or He normal (std √(2/in)); see init.ts. */
export type Initializer = 'xavier' | 'he';

/**
 * The element-wise epilogues the resident WebAssembly dense kernel implements (fastDenseWasm.ts
 * maps each to its kernel modes). An activation names one only when that epilogue computes exactly
 * this activation's forward and backward; one that names none runs on the paths that call the
 * loops below.
 */
export type WasmEpilogue = 'sigmoid' | 'tanh' | 'relu' | 'linear';

/** The slope of leaky_relu below zero (PyTorch's default negative_slope, ONNX LeakyRelu alpha). */
export const LEAKY_SLOPE = 0.01;

interface ActivationBase {
  readonly name: ActivationName;
  /** The derivative as a formula in the generic symbols a and z, e.g. 'a(1 − a)'. */
  readonly dfFormula: string;
  /**
   * The factor ∂a/∂z as explain prints it, in the unit's own symbols (a1, z1, …) and with z's
   * value as text; undefined when the factor is 1 and explain leaves it out of the chain.
   */
  readonly factor?: {
    formula(a: string, z: string): string;
    meaning(z: string, zValue: string): string;
  };
  /** The ONNX operator (opset 13) and its float attributes. */
  readonly onnx: { readonly op: string; readonly attributes?: Readonly<Record<string, number>> };
  readonly init: Initializer;
  /** The accelerated epilogue that computes this activation exactly, if any. */
  readonly accel?: { readonly wasm: WasmEpilogue };
}

/** a = f(z) unit by unit. */
export interface ElementActivation extends ActivationBase {
  readonly name: ElementActivationName;
  readonly scope: 'element';
  /** a = f(z) */
  f(z: number): number;
  /** da/dz, given both z and a = f(z). */
  df(z: number, a: number): number;
}

/** A row of units mapped together; no per-element derivative (its backward is fused with its loss). */
export interface RowActivation extends ActivationBase {
  readonly name: RowActivationName;
  readonly scope: 'row';
  /** The loss it must be paired with (the fused backward lives there). */
  readonly fusedLoss: 'cross_entropy';
}

export type Activation = ElementActivation | RowActivation;

/**
 * σ(z) = 1/(1+e^{−z}), evaluated so that e^{…} never overflows: for z < 0 use e^{z}/(1+e^{z}).
 * σ(1000) = 1 and σ(−1000) = 0 exactly, never NaN.
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** z for z > 0, else 0.01·z (the product PyTorch's leaky_relu computes). */
export function leakyRelu(z: number): number {
  return z > 0 ? z : z * LEAKY_SLOPE;
}

/**
 * softplus(z) = log(1 + e^z) as max(z, 0) + log1p(e^{−|z|}): e^{…} never overflows and log1p
 * keeps the small tail, so softplus(1000) = 1000 and softplus(−1000) = 0 (not ∞ or NaN).
 */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * One row of softmax: A[o+k] = e^{Z[o+k] − m} / Σₘ e^{Z[o+m] − m} with m the row's maximum, so no
 * e^{…} overflows (|z| = 1000 gives 1 and 0, never NaN) and the row sums to 1 up to rounding.
 * A may alias Z.
 */
export function softmaxRow(Z: Float64Array, A: Float64Array, offset: number, units: number): void {
  let max = -Infinity;
  for (let k = 0; k < units; k++) if (Z[offset + k] > max) max = Z[offset + k];
  let sum = 0;
  for (let k = 0; k < units; k++) {
    const e = Math.exp(Z[offset + k] - max);
    A[offset + k] = e;
    sum += e;
  }
  for (let k = 0; k < units; k++) A[offset + k] /= sum;
}

/** logsumexp of one row, max + log Σ e^{z − max}: finite for every finite row. */
export function logSumExpRow(Z: Float64Array, offset: number, units: number): number {
  let max = -Infinity;
  for (let k = 0; k < units; k++) if (Z[offset + k] > max) max = Z[offset + k];
  let sum = 0;
  for (let k = 0; k < units; k++) sum += Math.exp(Z[offset + k] - max);
  return max + Math.log(sum);
}

function record(spec: Omit<ElementActivation, 'dfFormula' | 'scope'>): ElementActivation {
  return { ...spec, scope: 'element', dfFormula: spec.factor ? spec.factor.formula('a', 'z') : '1' };
}

export const activations: { readonly [K in ActivationName]: K extends RowActivationName ? RowActivation : ElementActivation } = {
  sigmoid: record({
    name: 'sigmoid', f: sigmoid, df: (_z, a) => a * (1 - a),
    factor: { formula: (a) => `${a}(1 − ${a})`, meaning: (z) => `slope of the sigmoid at ${z}` },
    onnx: { op: 'Sigmoid' }, init: 'xavier', accel: { wasm: 'sigmoid' },
  }),
  tanh: record({
    name: 'tanh', f: Math.tanh, df: (_z, a) => 1 - a * a,
    factor: { formula: (a) => `1 − ${a}²`, meaning: (z) => `slope of tanh at ${z}` },
    onnx: { op: 'Tanh' }, init: 'xavier', accel: { wasm: 'tanh' },
  }),
  // relu'(0) is taken as 0, as PyTorch and TensorFlow do.
  relu: record({
    name: 'relu', f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0),
    factor: { formula: (_a, z) => `1 if ${z} > 0 else 0`, meaning: (z, v) => `slope of relu at ${z} (${v})` },
    onnx: { op: 'Relu' }, init: 'he', accel: { wasm: 'relu' },
  }),
  linear: record({
    name: 'linear', f: (z) => z, df: () => 1,
    onnx: { op: 'Identity' }, init: 'xavier', accel: { wasm: 'linear' },
  }),
  // The derivative at 0 is the slope, as PyTorch's backward (z > 0 ? 1 : slope). He init: it is a relu.
  leaky_relu: record({
    name: 'leaky_relu', f: leakyRelu, df: (z) => (z > 0 ? 1 : LEAKY_SLOPE),
    factor: { formula: (_a, z) => `1 if ${z} > 0 else ${LEAKY_SLOPE}`, meaning: (z, v) => `slope of leaky_relu at ${z} (${v})` },
    onnx: { op: 'LeakyRelu', attributes: { alpha: LEAKY_SLOPE } }, init: 'he',
  }),
  // softplus' = σ(z), from z: 1 − e^{−a} would give it from a but loses digits as a → 0. A smooth
  // relu, so He init.
  softplus: record({
    name: 'softplus', f: softplus, df: (z) => sigmoid(z),
    factor: { formula: (_a, z) => `σ(${z})`, meaning: (z) => `slope of softplus at ${z}, = σ(${z})` },
    onnx: { op: 'Softplus' }, init: 'he',
  }),
  // Row-wise: ∂aₖ/∂zₘ = aₖ(δₖₘ − aₘ) is a Jacobian, never needed alone because cross-entropy's
  // fused ∂L/∂zₖ = ŷₖ − yₖ replaces it. ONNX Softmax's default axis (−1) is the units axis.
  softmax: {
    name: 'softmax', scope: 'row', fusedLoss: 'cross_entropy', dfFormula: 'aₖ(δₖₘ − aₘ)',
    onnx: { op: 'Softmax' }, init: 'xavier',
  },
};

/** Every activation name a layer may carry, in the table's order (the model schema's enum). */
export const LAYER_ACTIVATIONS = Object.keys(activations) as readonly ActivationName[];

/**
 * The element-wise activations, in the table's order: what a hidden layer may use (the CLI's
 * `--activation` choices, the menus).
 */
export const ACTIVATIONS = LAYER_ACTIVATIONS.filter(
  (name): name is ElementActivationName => activations[name].scope === 'element',
);

export function isActivationName(name: string): name is ActivationName {
  return Object.prototype.hasOwnProperty.call(activations, name);
}

export function isElementActivationName(name: string): name is ElementActivationName {
  return isActivationName(name) && activations[name].scope === 'element';
}

/**
 * A[i] = f(Z[i]) for i < len. One loop per activation (a call through the table per element
 * would cost the hot loop a function call); each loop applies that record's own f. A row-wise
 * activation needs `units` (the row length; len is rows × units) and refuses to guess it.
 */
export function activate(name: ActivationName, Z: Float64Array, A: Float64Array, len: number, units?: number): void {
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < len; i++) A[i] = sigmoid(Z[i]);
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) A[i] = Math.tanh(Z[i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) A[i] = Z[i] > 0 ? Z[i] : 0;
      return;
    case 'linear':
      if (A !== Z) A.set(Z.subarray(0, len));
      return;
    case 'leaky_relu':
      for (let i = 0; i < len; i++) A[i] = leakyRelu(Z[i]);
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) A[i] = softplus(Z[i]);
      return;
    case 'softmax': {
      if (units === undefined) throw new RangeError('softmax is row-wise: activate needs the layer\'s units');
      for (let o = 0; o < len; o += units) softmaxRow(Z, A, o, units);
      return;
    }
    default: {
      const unknown: never = name;
      throw new RangeError(`unknown activation "${String(unknown)}"`);
    }
  }
}

/**
 * dZ[i] = dA[i] · f'(Z[i]) for i < len (dZ may alias dA). The products keep the order the
 * accelerated epilogues use (dA·a·(1−a) is (dA·a)·(1−a)), so every path gives the same bytes.
 */
export function activationBackward(
  name: ActivationName, dA: Float64Array, Z: Float64Array, A: Float64Array, dZ: Float64Array, len: number,
): void {
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < len; i++) dZ[i] = dA[i] * A[i] * (1 - A[i]);
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) dZ[i] = dA[i] * (1 - A[i] * A[i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) dZ[i] = Z[i] > 0 ? dA[i] : 0;
      return;
    case 'linear':
      if (dZ !== dA) dZ.set(dA.subarray(0, len));
      return;
    case 'leaky_relu':
      for (let i = 0; i < len; i++) dZ[i] = Z[i] > 0 ? dA[i] : dA[i] * LEAKY_SLOPE;
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) dZ[i] = dA[i] * sigmoid(Z[i]);
      return;
    case 'softmax':
      // validateNetwork only lets softmax be an output fused with cross-entropy, whose ∂L/∂z the loss writes.
      throw new RangeError('softmax has no separate backward: it is fused with cross_entropy (dL/dz = ŷ − y)');
    default: {
      const unknown: never = name;
      throw new RangeError(`unknown activation "${String(unknown)}"`);
    }
  }
}
