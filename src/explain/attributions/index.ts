/** Attributions, counterfactuals and global importance: pure math over a Network and encoded rows. */
export type { Attributions, AttributionValue, InputGroup, OutputHead } from './types.js';
export { binaryHead, inputGroups, numericScale, readOutput, valueHead } from './types.js';
export type { ShapleyOptions, ShapleyResult } from './shapley.js';
export { MAX_EXACT_INPUTS, coalitionValues, outputAt, shapleyFromCoalitions, shapleyValues } from './shapley.js';
export type { IntegratedGradientsOptions, IntegratedGradientsResult } from './integrated-gradients.js';
export { gaussLegendre, integratedGradients, outputInputGradients } from './integrated-gradients.js';
export type { ConstrainedCounterfactual, CounterfactualChange, CounterfactualGoal, CounterfactualOptions } from './counterfactual.js';
export { constrainedCounterfactuals } from './counterfactual.js';
export type { ImportanceResult, PartialDependence, PermutationImportance } from './importance.js';
export { outputLayer, outputs, partialDependence, permutationImportance } from './importance.js';
