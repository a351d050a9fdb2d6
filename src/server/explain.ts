/**
 * POST /explain `{ "input": {..}, "target": 0|1, "lr"?, "param"? }` → the document of
 * `chainrule explain --json`, built by app/explain-model.ts (which also applies the one rule for
 * unknown columns); this file only validates the body and maps errors (InputError → 400).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';
import { explainModel } from '../app/explain-model.js';
import { InputError, RequestError } from '../errors.js';
import { parseExplainBody } from './requests.js';

/** `current` gives the model being served (it changes on reload). */
export function registerExplain(app: FastifyInstance, current: () => ModelFile): void {
  app.post('/explain', async (request) => {
    const model = current();
    const body = parseExplainBody(request.body);
    try {
      return explainModel(model, body.input, body.target, { lr: body.lr, param: body.param });
    } catch (err) {
      if (err instanceof InputError) throw new RequestError(err.field, err.message);
      throw err;
    }
  });
}
