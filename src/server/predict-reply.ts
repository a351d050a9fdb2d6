/**
 * The JSON schema of POST /predict's 200 reply for a model's task (DESIGN.md: binary
 * `{ probability, label }`, multiclass `{ probabilities: { <class>: p }, label }`, regression
 * `{ value }`; `unknownCategories` when some were met), so that fastify serialises it with
 * fast-json-stringify rather than JSON.stringify: the same text (a number is written as
 * String(x), which is JSON.stringify's form), in a fraction of the time. A reload can change the
 * task, so the route picks the schema per reply from the served model rather than declaring one.
 */
import type { ModelFile } from '../model/schema.js';
import { taskOf } from '../model/schema.js';

const number = { type: 'number' } as const;

const predictionItems = {
  binary: {
    type: 'object', required: ['probability', 'label'],
    properties: { probability: number, label: { type: 'integer' } },
  },
  multiclass: {
    type: 'object', required: ['probabilities', 'label'],
    properties: { probabilities: { type: 'object', additionalProperties: number }, label: { type: 'string' } },
  },
  regression: { type: 'object', required: ['value'], properties: { value: number } },
} as const;

function replySchema(items: object) {
  return {
    type: 'object', required: ['predictions'],
    properties: {
      predictions: { type: 'array', items },
      unknownCategories: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  };
}

// One object per task: fastify caches the compiled serializer by schema object.
const schemas = {
  binary: replySchema(predictionItems.binary),
  multiclass: replySchema(predictionItems.multiclass),
  regression: replySchema(predictionItems.regression),
} as const;

export function predictReplySchema(model: ModelFile): Record<string, unknown> {
  return schemas[taskOf(model)];
}
