/**
 * The network's inputs on a 2-D data set, as in TensorFlow Playground: the two standardised
 * coordinates x₁, x₂ and the crosses built from them (x₁², x₂², x₁x₂, sin x₁, sin x₂). Each one is
 * one record of this table; the page's checkboxes, the URL hash and the session all read it.
 */
export const FEATURES = {
  x1: { label: 'x₁', f: (u1: number, _u2: number) => u1 },
  x2: { label: 'x₂', f: (_u1: number, u2: number) => u2 },
  x1sq: { label: 'x₁²', f: (u1: number, _u2: number) => u1 * u1 },
  x2sq: { label: 'x₂²', f: (_u1: number, u2: number) => u2 * u2 },
  x1x2: { label: 'x₁x₂', f: (u1: number, u2: number) => u1 * u2 },
  sin1: { label: 'sin x₁', f: (u1: number, _u2: number) => Math.sin(u1) },
  sin2: { label: 'sin x₂', f: (_u1: number, u2: number) => Math.sin(u2) },
} as const;

export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];
export const DEFAULT_FEATURES: readonly FeatureName[] = ['x1', 'x2'];

export function isFeatureName(name: string): name is FeatureName {
  return name in FEATURES;
}

/** True when the network sees the two coordinates themselves: then a model file describes it exactly. */
export function plainFeatures(features: readonly FeatureName[]): boolean {
  return features.length === 2 && features[0] === 'x1' && features[1] === 'x2';
}

/** Writes the features of the standardised point (u1, u2) into out[offset …]. */
export function writeFeatures(features: readonly FeatureName[], u1: number, u2: number, out: Float64Array | number[], offset = 0): void {
  for (let k = 0; k < features.length; k++) out[offset + k] = FEATURES[features[k]].f(u1, u2);
}
