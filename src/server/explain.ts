/**
 * POST /explain `{ "input": {..}, "target", "lr"?, "param"? }` (target per the model's task:
 * binary a number in [0, 1], multiclass a class name, regression a number in raw units) → the document of
 * `chainrule explain --json`, built by app/explain-model.ts (which also applies the one rule for
 * unknown columns); this file only validates the body and maps errors (InputError → 400).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';
import { explainModel } from '../app/explain-model.js';
import { InputError, RequestError } from '../errors.js';
import { parseExplainBody } from './requests.js';

function checkTarget(model: ModelFile, target: number | string): void {
  const got = JSON.stringify(target);
  if (model.task === 'multiclass') {
    if (typeof target !== 'string' || !model.target.classes.includes(target)) {
      throw new RequestError('target', `target: must be one of the classes ${model.target.classes.join(', ')}, got ${got}`);
    }
  } else if (model.task === 'regression') {
    if (typeof target !== 'number') throw new RequestError('target', `target: must be a number (${model.target.name} in raw units), got ${got}`);
  } else if (typeof target !== 'number' || target < 0 || target > 1) {
    throw new RequestError('target', `target: must be a number in [0, 1], got ${got}`);
  }
}

/** `current` gives the model being served (it changes on reload). */
export function registerExplain(app: FastifyInstance, current: () => ModelFile): void {
  app.post('/explain', async (request) => {
    const model = current();
    const body = parseExplainBody(request.body);
    checkTarget(model, body.target);
    try {
      return explainModel(model, body.input, body.target, { lr: body.lr, param: body.param });
    } catch (err) {
      if (err instanceof InputError) throw new RequestError(err.field, err.message);
      throw err;
    }
  });
}
