/**
 * The explain module's public surface: the chain-rule math on a network and encoded rows, no model
 * files and no encoders (the use case that joins a model file, a raw record and this math is
 * app/explain-model.ts). Browser-safe: the playground imports it.
 */
export type { Factor, ParamFactors, StepRecord, StepReport, SumTerm } from './types.js';
export type { Counterfactual, InputExplanation, NumericInputExplanation, CategoricalInputExplanation, DecisionLabels } from './prediction.js';
export type { NetworkExplanation, ExplainOptions } from './explain.js';
export { explainNetwork, DEFAULT_LR, UnknownParameterError } from './explain.js';
export { createNaming, networkShape } from './naming.js';
export { checkNotes } from './notes/check.js';
export type { NoteFormula, NotesReport } from './notes/check.js';
