/** Small valid models for the fuzz suites: one numeric standardised input, one categorical. */
import type { ModelFile } from '../../src/model/schema.js';

export function validModel(): ModelFile {
  return {
    format: 'chainrule/model',
    version: 1,
    inputs: [
      { name: 'years_experience', kind: 'numeric', mean: 7.9, std: 5.1 },
      { name: 'department', kind: 'categorical', categories: ['Sales', 'HR'] },
    ],
    target: { name: 'promoted', positive: '1' },
    layers: [
      { activation: 'tanh', weights: [[0.5, -1, 2], [0.25, 0.1, -0.3]], bias: [0.1, -0.2] },
      { activation: 'sigmoid', weights: [[1.5, -2]], bias: [0.3] },
    ],
    loss: 'bce',
    threshold: 0.5,
    training: { seed: 42 },
  };
}
