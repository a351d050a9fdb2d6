/**
 * An independent oracle for the tests: a multilayer perceptron written plainly in scalars, with
 * nested arrays and textbook formulas (BCE on the probability, σ = 1/(1+e^{−z})). It shares no
 * code with src/, so when the library and this agree, they agree for a reason.
 */

export type RefActivation = 'sigmoid' | 'tanh' | 'relu' | 'linear' | 'leaky_relu' | 'softplus';

export interface RefLayer {
  activation: RefActivation;
  /** weights[j][i]: input i → unit j. */
  weights: number[][];
  bias: number[];
}

export function refAct(name: RefActivation, z: number): number {
  switch (name) {
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(0, z);
    case 'linear':
      return z;
    case 'leaky_relu':
      // Written as the larger of the two lines (slope 1 and 0.01), not as the library's branch.
      return Math.max(z, 0.01 * z);
    case 'softplus':
      // The textbook log(1 + e^z), rewritten for z > 0 only where e^z would lose the small tail.
      return z > 0 ? z + Math.log(1 + Math.exp(-z)) : Math.log(1 + Math.exp(z));
  }
}

/** Per-layer pre-activations and activations of one sample. */
export function refForward(layers: RefLayer[], x: number[]): { z: number[][]; a: number[][] } {
  const zs: number[][] = [];
  const as: number[][] = [];
  let input = x;
  for (const layer of layers) {
    const z = layer.weights.map((row, j) => row.reduce((s, w, i) => s + w * input[i], 0) + layer.bias[j]);
    const a = z.map((v) => refAct(layer.activation, v));
    zs.push(z);
    as.push(a);
    input = a;
  }
  return { z: zs, a: as };
}

/** BCE written on the probability, as the notes write it: −[y log ŷ + (1−y) log(1−ŷ)]. */
export function bceOnProbability(yhat: number, y: number): number {
  return -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat));
}

/**
 * Per-output loss. BCE is taken from the logit z (the textbook stable rewrite
 * log(1+e^{z}) − z·y, split on the sign of z) because finite differences of the probability form
 * lose ~1e-11 to rounding of 1 − ŷ when ŷ is near 1, which the step then magnifies. The two forms
 * are compared directly in a test of their own.
 */
export function refPointLoss(loss: 'bce' | 'mse', z: number, yhat: number, y: number): number {
  if (loss === 'bce') return z > 0 ? z * (1 - y) + Math.log(1 + Math.exp(-z)) : -z * y + Math.log(1 + Math.exp(z));
  return (yhat - y) ** 2;
}

/**
 * Mean loss over rows and output units; `sampleWeight[r]` scales row r's terms (the mean still
 * divides by rows × units, as the library documents).
 */
export function refLoss(
  layers: RefLayer[], loss: 'bce' | 'mse', X: number[][], Y: number[][], sampleWeight?: number[],
): number {
  let s = 0;
  let count = 0;
  X.forEach((x, r) => {
    const { z, a } = refForward(layers, x);
    const zOut = z[z.length - 1];
    a[a.length - 1].forEach((yhat, j) => {
      s += (sampleWeight ? sampleWeight[r] : 1) * refPointLoss(loss, zOut[j], yhat, Y[r][j]);
      count++;
    });
  });
  return s / count;
}

export function cloneLayers(layers: RefLayer[]): RefLayer[] {
  return layers.map((l) => ({ activation: l.activation, weights: l.weights.map((r) => [...r]), bias: [...l.bias] }));
}

/** Every parameter's address, in the library's order: layer by layer, weights row-major, then bias. */
export type ParamRef = { layer: number; kind: 'weights'; j: number; i: number } | { layer: number; kind: 'bias'; j: number };

export function paramRefs(layers: RefLayer[]): ParamRef[] {
  const out: ParamRef[] = [];
  layers.forEach((layer, l) => {
    layer.weights.forEach((row, j) => row.forEach((_, i) => out.push({ layer: l, kind: 'weights', j, i })));
    layer.bias.forEach((_, j) => out.push({ layer: l, kind: 'bias', j }));
  });
  return out;
}

export function getParam(layers: RefLayer[], p: ParamRef): number {
  return p.kind === 'weights' ? layers[p.layer].weights[p.j][p.i] : layers[p.layer].bias[p.j];
}

export function setParam(layers: RefLayer[], p: ParamRef, v: number): void {
  if (p.kind === 'weights') layers[p.layer].weights[p.j][p.i] = v;
  else layers[p.layer].bias[p.j] = v;
}

/**
 * Central finite difference of `f` with respect to one parameter, with a step scaled to the
 * parameter's size so that the perturbation is representable.
 */
export function centralDifference(layers: RefLayer[], p: ParamRef, f: (layers: RefLayer[]) => number, h0 = 1e-6): number {
  const work = cloneLayers(layers);
  const v = getParam(work, p);
  const h = h0 * Math.max(1, Math.abs(v));
  setParam(work, p, v + h);
  const up = f(work);
  setParam(work, p, v - h);
  const down = f(work);
  // The step actually taken, after rounding of v ± h.
  return (up - down) / ((v + h) - (v - h));
}

/** |a − b| ≤ tol · max(1, |a|, |b|). */
export function closeMixed(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** |a − b| ≤ tol · max(|a|, |b|), and exact equality when both are zero. */
export function closeRelative(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}
