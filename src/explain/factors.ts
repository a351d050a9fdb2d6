/**
 * Each parameter's gradient as an ordered list of labelled chain-rule factors, output side first
 * as the notes write it: ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂z · … · ∂z/∂θ.
 *
 * The chain is expanded factor by factor while the layer above has a single unit (one path, as in
 * the notes' Net 1 and Net 2, where it gives exactly their factors (1)–(7)); where the layer above
 * has several units the paths merge, and the chain takes the δ recursion
 * ∂L/∂a[l][j] = Σₖ w[l+1][k][j]·δ[l+1][k] as one factor whose terms are all listed.
 */
import { activations } from '../math/activations.js';
import { losses } from '../math/losses.js';
import type { Network } from '../math/network.js';
import type { Factor } from './types.js';
import type { Naming } from './naming.js';
import type { Trace } from './trace.js';
import { layerInput, weightAt } from './trace.js';
import { factorNum, num } from './format.js';

export interface ChainResult {
  readonly terms: Factor[];
  readonly product: number;
  readonly productForm: 'factored' | 'simplified';
  readonly simplified?: { formula: string; terms: Factor[]; product: number };
}

/** A formula as a factor of a product: parenthesised unless it is one symbol or one call like a1(1 − a1). */
function inProduct(formula: string): string {
  return !/\s/.test(formula) || /^[^\s(]+\([^()]*\)$/.test(formula) ? formula : `(${formula})`;
}

function productOf(terms: readonly Factor[]): number {
  return terms.reduce((p, t) => p * t.value, 1);
}

/** da/dz of unit j of layer l as a factor, or nothing for a linear unit (its factor is 1). */
function activationFactor(net: Network, trace: Trace, naming: Naming, l: number, j: number): Factor[] {
  const layer = net.layers[l];
  const last = net.layers.length - 1;
  const a = naming.a(l, j);
  const z = naming.z(l, j);
  const symbol = `∂${a}/∂${z}`;
  const spec = activations[layer.activation];
  // A softmax output has no per-unit slope: its chain starts at the fused ∂L/∂zₖ = ŷₖ − yₖ.
  if (spec.scope === 'row' || !spec.factor) return [];
  if (layer.activation === 'sigmoid' && l === last) {
    // σ'(z) = σ(z)·σ(−z): at the output both are kept at full precision (see Trace.oneMinusYhat).
    return [{
      symbol,
      meaning: `slope of the output sigmoid, = ŷ(1 − ŷ)`,
      formula: `e^{−${z}}/(1+e^{−${z}})²`,
      value: trace.yhat * trace.oneMinusYhat,
      ...(naming.shape === 'net1' ? { note: '(2)' } : {}),
    }];
  }
  const zValue = trace.z[l][j];
  return [{
    symbol,
    meaning: spec.factor.meaning(z, num(zValue)),
    formula: spec.factor.formula(a, z),
    value: spec.df(zValue, trace.a[l][j]),
  }];
}

/** Factors whose product is ∂L/∂a[l][j] (∂L/∂ŷ for the output). */
function lossToActivation(net: Network, trace: Trace, naming: Naming, l: number, j: number): Factor[] {
  const last = net.layers.length - 1;
  if (l === last && losses[net.loss].scope === 'row') {
    // Softmax + cross-entropy: no separate ∂L/∂ŷ·∂ŷ/∂z, the fused error of class j is the factor.
    const z = naming.z(l, j);
    const p = trace.a[l][j];
    const y = trace.targets[j];
    return [{
      symbol: `∂L/∂${z}`,
      meaning: `the output error of class ${j + 1}: for softmax + cross-entropy, ∂L/∂zₖ = ŷₖ − yₖ`,
      formula: `ŷ${j + 1} − y${j + 1} = ${factorNum(p)} − ${factorNum(y)}`,
      value: trace.delta[l][j],
    }];
  }
  if (l === last) {
    const spec = losses[net.loss];
    // The notes' factor (1) is BCE's ∂L/∂ŷ.
    const note = naming.shape === 'net1' && net.loss === 'bce' ? { note: '(1)' } : {};
    return [{ symbol: '∂L/∂ŷ', meaning: spec.gradientMeaning, formula: spec.gradientFormula, value: trace.dL_da[l][j], ...note }];
  }
  const above = net.layers[l + 1];
  const a = naming.a(l, j);
  if (above.units === 1) {
    const zAbove = naming.z(l + 1, 0);
    const link: Factor = {
      symbol: `∂${zAbove}/∂${a}`,
      meaning: `the weight carrying ${a} into ${zAbove}`,
      formula: naming.weight(l + 1, 0, j),
      value: weightAt(net, l + 1, 0, j),
      ...(naming.shape === 'net1' ? { note: '(3)' } : {}),
    };
    return [...lossToUnit(net, trace, naming, l + 1, 0), link];
  }
  const sum = Array.from({ length: above.units }, (_, k) => {
    const weight = weightAt(net, l + 1, k, j);
    const delta = trace.delta[l + 1][k];
    return { symbol: `${naming.weight(l + 1, k, j)}·δ(${naming.z(l + 1, k)})`, weight, delta, value: weight * delta };
  });
  return [{
    symbol: `∂L/∂${a}`,
    meaning: `how the loss changes with ${a}: the δ recursion over the ${above.units} units it feeds`,
    formula: `Σₖ w[${l + 1}][k][${j}]·δ[${l + 1}][k] = ${sum.map((t) => `${factorNum(t.weight)}·${factorNum(t.delta)}`).join(' + ')}`,
    value: trace.dL_da[l][j],
    sum,
  }];
}

/** Factors whose product is δ[l][j] = ∂L/∂z[l][j]. */
function lossToUnit(net: Network, trace: Trace, naming: Naming, l: number, j: number): Factor[] {
  return [...lossToActivation(net, trace, naming, l, j), ...activationFactor(net, trace, naming, l, j)];
}

/** The local factor ∂z/∂θ: the layer's input for a weight, 1 for a bias (the notes' (4)–(7)). */
function localFactor(trace: Trace, naming: Naming, l: number, j: number, i: number | undefined): Factor {
  const z = naming.z(l, j);
  const name = naming.label(l, j, i);
  const note = naming.shape === 'net1' ? { note: i === undefined ? (l === 0 ? '(5)' : '(7)') : (l === 0 ? '(4)' : '(6)') } : {};
  if (i === undefined) return { symbol: `∂${z}/∂${name}`, meaning: `a bias enters ${z} with weight 1`, formula: '1', value: 1, ...note };
  const input = naming.input(l, i);
  return { symbol: `∂${z}/∂${name}`, meaning: `${name} multiplies ${input} in ${z}`, formula: input, value: layerInput(trace, l, i), ...note };
}

/** The chain for ∂L/∂(weights[j][i]) of layer l, or ∂L/∂(bias[j]) when i is undefined. */
export function parameterChain(net: Network, trace: Trace, naming: Naming, l: number, j: number, i: number | undefined): ChainResult {
  const terms = [...lossToUnit(net, trace, naming, l, j), localFactor(trace, naming, l, j, i)];
  const product = productOf(terms);
  // The chain starts at the loss only when every layer above has one unit; otherwise it starts
  // with a δ sum, whose deltas are already the fused ŷ − y.
  const reachesOutput = net.layers.slice(l + 1).every((above) => above.units === 1);
  const lossSpec = losses[net.loss];
  // Only sigmoid + BCE has the two factors (1)·(2) to collapse; softmax's chain starts fused already.
  if (lossSpec.fusedWith !== 'sigmoid' || !reachesOutput) return { terms, product, productForm: 'factored' };
  // Sigmoid + BCE: the first two factors are (1) ∂L/∂ŷ and (2) ∂ŷ/∂z; their product is ŷ − y.
  const zOut = naming.z(net.layers.length - 1, 0);
  const fused: Factor = {
    symbol: `∂L/∂${zOut}`,
    meaning: `the output error: for ${lossSpec.fusedWith} + ${net.loss.toUpperCase()}, ∂L/∂ŷ·∂ŷ/∂z cancel to ${lossSpec.fusedFormula}`,
    formula: lossSpec.fusedFormula ?? 'ŷ − y',
    value: trace.yhat - trace.y,
  };
  const simplifiedTerms = [fused, ...terms.slice(2)];
  const formula = simplifiedTerms.map((t) => (t.sum ? t.symbol : inProduct(t.formula))).join(' · ');
  const simplified = { formula, terms: simplifiedTerms, product: productOf(simplifiedTerms) };
  // When ŷ rounds to 0 or 1 factor (1) is infinite and (2) is 0: the factored product is 0·∞.
  if (!Number.isFinite(product)) return { terms, product: simplified.product, productForm: 'simplified', simplified };
  return { terms, product, productForm: 'factored', simplified };
}
