/**
 * Activations as small named records: the value a = f(z) and its derivative da/dz, written in
 * terms of whichever of z or a makes it exact and cheap (σ' = a(1−a) reuses the forward output).
 */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'linear';
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'linear'];

export interface Activation {
  readonly name: ActivationName;
  /** a = f(z) */
  f(z: number): number;
  /** da/dz, given both z and a = f(z). */
  df(z: number, a: number): number;
  /** The derivative as a formula in words, for explanations. */
  readonly dfFormula: string;
}

/**
 * σ(z) = 1/(1+e^{−z}), evaluated so that e^{…} never overflows: for z < 0 use e^{z}/(1+e^{z}).
 * σ(1000) = 1 and σ(−1000) = 0 exactly, never NaN.
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export const activations: Record<ActivationName, Activation> = {
  sigmoid: { name: 'sigmoid', f: sigmoid, df: (_z, a) => a * (1 - a), dfFormula: 'a(1 − a)' },
  tanh: { name: 'tanh', f: Math.tanh, df: (_z, a) => 1 - a * a, dfFormula: '1 − a²' },
  // relu'(0) is taken as 0, as PyTorch and TensorFlow do.
  relu: { name: 'relu', f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0), dfFormula: '1 if z > 0 else 0' },
  linear: { name: 'linear', f: (z) => z, df: () => 1, dfFormula: '1' },
};

export function isActivationName(name: string): name is ActivationName {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

/** A[i] = f(Z[i]) for i < len. */
export function activate(name: ActivationName, Z: Float64Array, A: Float64Array, len: number): void {
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
  }
}

/** dZ[i] = dA[i] · f'(Z[i]) for i < len (dZ may alias dA). */
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
  }
}
