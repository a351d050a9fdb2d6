/**
 * POST /explain `{ "input": {..}, "target": 0|1, "lr"?, "param"? }` → the document of
 * `chainrule explain --json`, built by the explain module; this file only validates and maps
 * errors (InputError naming the field → 400).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';
import { InputError } from '../model/encoding.js';
import { explainModel } from '../explain/index.js';
import { checkColumns, parseExplainBody, RequestError } from './requests.js';

/** `current` gives the model being served (it changes on reload). */
export function registerExplain(app: FastifyInstance, current: () => ModelFile): void {
  app.post('/explain', async (request) => {
    const model = current();
    const body = parseExplainBody(request.body);
    checkColumns(model, [body.input]);
    try {
      return explainModel(model, body.input, body.target, { lr: body.lr, param: body.param });
    } catch (err) {
      if (err instanceof InputError) throw new RequestError(err.field, err.message);
      throw err;
    }
  });
}
