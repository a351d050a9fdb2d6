/**
 * The records an explanation is made of. A chain-rule factor is never a bare number: it carries
 * its symbol, what it means in words, the formula it evaluates and the value (STYLE habit 5). The
 * CLI, the HTTP API and the playground only format these records.
 */

export interface Factor {
  /** e.g. `∂ŷ/∂z'`. */
  readonly symbol: string;
  /** What the factor measures, in words. */
  readonly meaning: string;
  /** The formula the value comes from, e.g. `ŷ(1 − ŷ)`; a δ sum lists its terms with numbers. */
  readonly formula: string;
  /** The factor's value for this sample; only the notes' factor (1) can be non-finite (±∞ or 0/0 when ŷ rounds to 0 or 1; null in JSON). */
  readonly value: number;
  /** The notes' factor number, e.g. `(2)`, for 1-1-1 models. */
  readonly note?: string;
  /** For a δ-recursion factor ∂L/∂a = Σₖ wₖⱼ·δₖ: each term of the sum. */
  readonly sum?: readonly SumTerm[];
}

/** One term wₖⱼ·δₖ of the δ recursion. */
export interface SumTerm {
  readonly symbol: string;
  readonly weight: number;
  readonly delta: number;
  readonly value: number;
}

export interface ParamFactors {
  /** The notes' name (`w1`, `w11`, `b3`) or `layers[l].weights[j][i]` / `layers[l].bias[j]`. */
  readonly param: string;
  /** The same parameter as the terminal writes it (`w11` or `layer[l].w[j][i]`). */
  readonly label: string;
  /** Where the parameter lives in the model file. */
  readonly layer: number;
  readonly kind: 'weight' | 'bias';
  readonly unit: number;
  /** The input index within the layer (weights only). */
  readonly input?: number;
  /** Factored chain, output side first, as the notes write it: ∂L/∂ŷ · ∂ŷ/∂z · … · ∂z/∂θ. */
  readonly terms: readonly Factor[];
  /** Product of the terms (or of `simplified.terms` when productForm says so). */
  readonly product: number;
  /**
   * `factored` normally; `simplified` when ŷ rounds to 0 or 1 so the factored product is 0·∞ and
   * the fused form (ŷ − y)·… is the product that is checked.
   */
  readonly productForm: 'factored' | 'simplified';
  /** Sigmoid + BCE only: factors (1)·(2) collapsed to ŷ − y, then the same chain. */
  readonly simplified?: { readonly formula: string; readonly terms: readonly Factor[]; readonly product: number };
  /** ∂L/∂θ from the network's batched backward pass. */
  readonly gradient: number;
  /** Central finite difference of the loss, perturbing θ in a copy of the network. */
  readonly finiteDifference: number;
}

export interface StepRecord {
  readonly param: string;
  readonly old: number;
  readonly lr: number;
  readonly gradient: number;
  readonly new: number;
}

export interface StepReport {
  readonly lr: number;
  readonly rule: string;
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly parameters: readonly StepRecord[];
}

/**
 * What the bounded explanation of a large network (explain/large.ts) lists, what it leaves out,
 * and how to ask for the rest.
 */
export interface Truncation {
  /** Every parameter of the network. */
  readonly parameters: number;
  /** Factors listed: the output layer's, then the others with the largest |gradient|. */
  readonly factorsShown: number;
  readonly factorsLeftOut: number;
  readonly outputLayerFactors: number;
  readonly topGradientFactors: number;
  /** `all`: `gradients` holds every gradient; `left out`: over its share of the budget, absent. */
  readonly gradients: 'all' | 'left out';
  /** The document's size limit in bytes of JSON (1 MiB). */
  readonly maxBytes: number;
  /** In words: what is listed and how to get any other parameter's factors. */
  readonly note: string;
}
