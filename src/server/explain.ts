/**
 * POST /explain `{ "input": {..}, "target", "lr"?, "param"?, "attributions"?, "background"?,
 * "backgroundSize"?, "baseline"?, "seed"?, "class"?, "counterfactuals"? }` (target per the model's task:
 * binary a number in [0, 1], multiclass a class name, regression a number in raw units) → the document of
 * `chainrule explain --json`, built by app/explain-model.ts (which also applies the one rule for
 * unknown columns); this file only validates the body and maps errors (InputError → 400).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';
import type { AttributionRequest, CounterfactualRequest } from '../app/attributions.js';
import { explainWithAttributions } from '../app/attributions.js';
import { InputError, RequestError } from '../errors.js';
import type { ExplainRequest } from './requests.js';
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

/** The body's attributions request, as `explain --attributions …` builds it; background or baseline without a method is refused. */
function attributionRequest(body: ExplainRequest): AttributionRequest | undefined {
  if (body.attributions === undefined) {
    const stray = (['background', 'baseline', 'backgroundSize'] as const).find((key) => body[key] !== undefined);
    if (stray) throw new RequestError(stray, `${stray} needs "attributions": "shapley" or "integrated-gradients"`);
    return undefined;
  }
  return {
    method: body.attributions, background: body.background, backgroundSize: body.backgroundSize, baseline: body.baseline,
    seed: body.seed, ...(body.class !== undefined ? { class: body.class } : {}),
  };
}

/** `current` gives the model being served (it changes on reload). */
export function registerExplain(app: FastifyInstance, current: () => ModelFile): void {
  app.post('/explain', async (request) => {
    const model = current();
    const body = parseExplainBody(request.body);
    checkTarget(model, body.target);
    try {
      return explainWithAttributions(model, body.input, body.target, {
        // desiredClass and desiredRange pass as sent: app/counterfactuals.ts checks them and names the field.
        lr: body.lr, param: body.param, attributions: attributionRequest(body), counterfactuals: body.counterfactuals as CounterfactualRequest | undefined,
      });
    } catch (err) {
      if (err instanceof InputError) throw new RequestError(err.field, err.message);
      throw err;
    }
  });
}
