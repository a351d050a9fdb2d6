/**
 * Integrated gradients in the encoded space, from a baseline x′ to x:
 *   IG_c = (x_c − x′_c) ∫₀¹ ∂f/∂x_c (x′ + α(x − x′)) dα,
 * summed over a group's columns, by Gauss–Legendre quadrature on [0, 1] with the node count
 * doubled until the completeness gap |Σ IG − (f(x) − f(x′))| and the change from the previous
 * count are both below the tolerance. All nodes are one batched forward and backward pass.
 *
 * Conductance through the first hidden layer splits each input's IG by the hidden unit it flows
 * through: since x reaches the output only through that layer, ∂f/∂x_c = Σ_h δ_h · W_hc with
 * δ_h = ∂f/∂z_h, and Cond_{c,h} = (x_c − x′_c) ∫ δ_h W_hc dα sums over h to IG_c.
 */
import type { Network, Workspace } from '../../math/network.js';
import { createWorkspace, forward } from '../../math/network.js';
import { activationBackward, activations } from '../../math/activations.js';
import { matmul } from '../../math/kernels.js';
import type { InputGroup, OutputHead } from './types.js';
import { assertShapes, readOutput } from './types.js';

export interface IntegratedGradientsOptions {
  /** Completeness gap to reach (default 1e-6). */
  readonly tolerance?: number;
  /** Largest node count tried (default 1024). */
  readonly maxNodes?: number;
}

export interface IntegratedGradientsResult {
  /** f(baseline). */
  readonly base: number;
  readonly prediction: number;
  /** IG per group. */
  readonly values: Float64Array;
  /** |Σ values − (prediction − base)|. */
  readonly gap: number;
  /** Gauss–Legendre nodes of the reported values. */
  readonly nodes: number;
  /** Both the gap and the change from half the nodes are within the tolerance. */
  readonly converged: boolean;
  /** conductance[g][h]: group g's attribution that flows through first-layer unit h; absent without a hidden layer. */
  readonly conductance?: Float64Array[];
}

const legendreCache = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/**
 * Gauss–Legendre nodes and weights mapped to [0, 1]: the roots of P_n by Newton's method from
 * Tricomi's initial guesses, weights 2 / ((1 − t²) P_n′(t)²), halved for the interval's length.
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const cached = legendreCache.get(n);
  if (cached) return cached;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? t : p1;
      const pPrev = n === 1 ? 1 : p0;
      dp = (n * (t * pn - pPrev)) / (t * t - 1);
      const step = pn / dp;
      t -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    const w = 2 / ((1 - t * t) * dp * dp);
    // Symmetric pair ±t on [−1, 1] → (1 ∓ t)/2 on [0, 1].
    nodes[i] = (1 - t) / 2;
    nodes[n - 1 - i] = (1 + t) / 2;
    weights[i] = w / 2;
    weights[n - 1 - i] = w / 2;
  }
  const rule = { nodes, weights };
  legendreCache.set(n, rule);
  return rule;
}

/**
 * After `forward` over n rows: δ of the first layer (∂f/∂z₀, [n × units₀]) in ws.dZ[0], and
 * ∂f/∂x [n × inputs] in `dX`. The output is seeded with ∂f/∂a = 1 on the explained unit.
 */
export function outputInputGradients(net: Network, head: OutputHead, n: number, ws: Workspace, dX: Float64Array): void {
  const last = net.layers.length - 1;
  const units = net.layers[last].units;
  const seed = ws.dA[last];
  seed.fill(0, 0, n * units);
  // A raw-units regression head scales the output, so its gradient too.
  for (let r = 0; r < n; r++) seed[r * units + head.unit] = head.scale ?? 1;
  for (let l = last; l >= 0; l--) {
    const layer = net.layers[l];
    if (activations[layer.activation].scope === 'row') softmaxBackward(ws.dA[l], ws.A[l], ws.dZ[l], n, layer.units);
    else activationBackward(layer.activation, ws.dA[l], ws.Z[l], ws.A[l], ws.dZ[l], n * layer.units);
    const target = l > 0 ? ws.dA[l - 1] : dX;
    matmul(target, ws.dZ[l], layer.weights, n, layer.units, layer.inputs);
  }
}

/**
 * Softmax's Jacobian-vector product row by row, dZₖ = aₖ(dAₖ − Σₘ dAₘaₘ): what ∂p_c/∂z is when
 * the explained output is a class's probability rather than the training loss.
 */
function softmaxBackward(dA: Float64Array, A: Float64Array, dZ: Float64Array, n: number, k: number): void {
  for (let r = 0; r < n; r++) {
    let dot = 0;
    for (let m = 0; m < k; m++) dot += dA[r * k + m] * A[r * k + m];
    for (let m = 0; m < k; m++) dZ[r * k + m] = A[r * k + m] * (dA[r * k + m] - dot);
  }
}

interface Quadrature {
  values: Float64Array;
  conductance?: Float64Array[];
}

function integrate(
  net: Network, head: OutputHead, groups: readonly InputGroup[], x: Float64Array, baseline: Float64Array, n: number,
): Quadrature {
  const k = x.length;
  const { nodes, weights } = gaussLegendre(n);
  const X = new Float64Array(n * k);
  for (let q = 0; q < n; q++) for (let c = 0; c < k; c++) X[q * k + c] = baseline[c] + nodes[q] * (x[c] - baseline[c]);
  const ws = createWorkspace(net, n);
  forward(net, X, n, ws);
  const dX = new Float64Array(n * k);
  outputInputGradients(net, head, n, ws, dX);
  // Per column: Σ_q w_q ∂f/∂x_c at node q, times (x_c − x′_c).
  const columnIG = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let q = 0; q < n; q++) s += weights[q] * dX[q * k + c];
    columnIG[c] = (x[c] - baseline[c]) * s;
  }
  const values = Float64Array.from(groups, (g) => {
    let s = 0;
    for (let c = g.start; c < g.start + g.width; c++) s += columnIG[c];
    return s;
  });
  if (net.layers.length < 2) return { values };
  const first = net.layers[0];
  const H = first.units;
  const delta = ws.dZ[0];
  // ∫ δ_h dα by the same rule, then Cond_{g,h} = Σ_{c ∈ g} (x_c − x′_c) W_hc ∫ δ_h.
  const deltaIntegral = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    let s = 0;
    for (let q = 0; q < n; q++) s += weights[q] * delta[q * H + h];
    deltaIntegral[h] = s;
  }
  const conductance = groups.map((g) => {
    const row = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      let s = 0;
      for (let c = g.start; c < g.start + g.width; c++) s += (x[c] - baseline[c]) * first.weights[h * k + c];
      row[h] = s * deltaIntegral[h];
    }
    return row;
  });
  return { values, conductance };
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function integratedGradients(
  net: Network, head: OutputHead, groups: readonly InputGroup[], x: Float64Array, baseline: Float64Array,
  options: IntegratedGradientsOptions = {},
): IntegratedGradientsResult {
  assertShapes(net, groups, x);
  if (baseline.length !== x.length) throw new RangeError(`the baseline has ${baseline.length} columns, x has ${x.length}`);
  const tolerance = options.tolerance ?? 1e-6;
  const maxNodes = options.maxNodes ?? 1024;
  const ends = new Float64Array(2 * x.length);
  ends.set(baseline, 0);
  ends.set(x, x.length);
  const out = forward(net, ends, 2, createWorkspace(net, 2));
  const base = readOutput(net, head, out, 0);
  const prediction = readOutput(net, head, out, 1);
  let previous: Quadrature | undefined;
  let n = 4;
  for (;;) {
    const current = integrate(net, head, groups, x, baseline, n);
    const gap = Math.abs(sum(current.values) - (prediction - base));
    let change = Infinity;
    if (previous) {
      change = 0;
      for (let g = 0; g < groups.length; g++) change = Math.max(change, Math.abs(current.values[g] - previous.values[g]));
    }
    const converged = gap < tolerance && change < tolerance;
    if (converged || 2 * n > maxNodes) {
      return { base, prediction, values: current.values, gap, nodes: n, converged, conductance: current.conductance };
    }
    previous = current;
    n *= 2;
  }
}
