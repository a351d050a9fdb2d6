/**
 * POST /explain `{ "input": {..}, "target", "lr"?, "param"?, "attributions"?, "background"?,
 * "backgroundSize"?, "baseline"?, "seed"?, "class"?, "counterfactuals"? }` (target per the model's task:
 * binary a number in [0, 1], multiclass a class name, regression a number in raw units) → the document of
 * `chainrule explain --json`, built by app/explain-model.ts (which also applies the one rule for
 * unknown columns; a large model's document is bounded, explain/large.ts) in a worker thread
 * (explain-pool.ts); this file validates the body, hands it over and maps errors (InputError →
 * 400, a full queue → 503 with Retry-After).
 */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';
import type { AttributionRequest, CounterfactualRequest } from '../app/attributions.js';
import { RequestError } from '../errors.js';
import type { ExplainRequest } from './requests.js';
import { parseExplainBody } from './requests.js';
import type { ExplainPoolOptions } from './explain-pool.js';
import { createExplainPool, ExplainQueueFullError, RETRY_AFTER_SECONDS } from './explain-pool.js';

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
export function registerExplain(app: FastifyInstance, current: () => ModelFile, poolOptions: ExplainPoolOptions = {}): void {
  const pool = createExplainPool(poolOptions);
  app.addHook('onClose', () => pool.close());
  app.post('/explain', async (request, reply) => {
    const model = current();
    const body = parseExplainBody(request.body);
    checkTarget(model, body.target);
    let result;
    try {
      result = await pool.run(model, body.input, body.target, {
        // desiredClass and desiredRange pass as sent: app/counterfactuals.ts checks them and names the field.
        lr: body.lr, param: body.param, attributions: attributionRequest(body), counterfactuals: body.counterfactuals as CounterfactualRequest | undefined,
      });
    } catch (err) {
      if (!(err instanceof ExplainQueueFullError)) throw err;
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
      return { error: err.message, field: '(queue)' };
    }
    if (!(result instanceof Uint8Array)) throw new RequestError(result.field, result.message);
    // Serialised in the worker: sent as it is.
    reply.type('application/json; charset=utf-8');
    return Buffer.from(result.buffer, result.byteOffset, result.byteLength);
  });
}
