/**
 * The promotion service: a fastify app over one loaded model.
 *   GET  /health   { status: "ok", model: { inputs, layers, trainedAt } }
 *   POST /predict  { rows: [..] } → { predictions: [ { probability, label } ] }
 *   POST /explain  { input, target } → the document of `chainrule explain --json`
 *   GET  /model    the model file, only with shareModel (serve --share-model)
 *   GET  /         the built web playground (dist/web), or how to build it
 * A client's mistake is a 4xx with { error, field }, never a 500: bad bodies 400, bodies over
 * 1 MiB 413, unsupported content types 415, a known path with the wrong method 405.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import type { ModelFile } from '../model/schema.js';
import { modelToNetwork } from '../model/convert.js';
import { loadModelAsync, ModelFileError } from '../model/file.js';
import { registerAdmin } from './admin.js';
import { RequestError } from './requests.js';
import { toRequestError } from './predict.js';
import { predictBody } from './predict-body.js';
import { predictReplySchema } from './predict-reply.js';
import { InputError } from '../errors.js';
import { registerExplain } from './explain.js';
import type { ExplainPoolOptions } from './explain-pool.js';

export const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  /** The model to serve, already validated (loadModel). */
  model: ModelFile;
  /** Where the model was loaded from; its modification time is reported as trainedAt. */
  modelPath?: string;
  /** Directory of the built playground (index.html + assets); `/` explains how to build it when absent. */
  webRoot?: string;
  /** Enables POST /admin/reload, for requests bearing this token (see admin.ts). */
  adminToken?: string;
  /** Serves the model file itself at GET /model (off by default: a model's weights may be private). */
  shareModel?: boolean;
  /**
   * Origins (e.g. `https://app.example`) whose pages may call the API from a browser (CORS); none
   * by default, so a page elsewhere cannot read the answers.
   */
  cors?: readonly string[];
  /** fastify's pino logger: false (default) for none, or options such as { level, stream }. */
  logger?: FastifyServerOptions['logger'];
  /** /explain's worker threads and queue (explain-pool.ts). */
  explain?: ExplainPoolOptions;
}

/** Methods each route answers, for 405 replies on the known paths. */
const ROUTES: Record<string, string[]> = { '/health': ['GET', 'HEAD'], '/predict': ['POST'], '/explain': ['POST'] };

/** The model file's mtime: the file holds no timestamp on purpose (same seed → same bytes). */
function trainedAt(modelPath: string | undefined): string | null {
  if (!modelPath) return null;
  try {
    return statSync(modelPath).mtime.toISOString();
  } catch {
    return null;
  }
}

function modelSummary(model: ModelFile, modelPath: string | undefined) {
  return {
    inputs: model.inputs,
    target: model.target,
    layers: model.layers.map((layer) => ({ units: layer.weights.length, inputs: layer.weights[0].length, activation: layer.activation })),
    ...(model.task === 'binary' || model.task === undefined ? { threshold: model.threshold } : {}),
    task: model.task ?? 'binary',
    trainedAt: trainedAt(modelPath),
  };
}

/**
 * The service's map from the error classes of src/errors.ts to statuses: a RequestError (and an
 * InputError a route did not map itself) is the client's mistake, 400 with the field; a body too
 * large 413, a content type not JSON 415; anything else 500.
 */
function errorReply(err: FastifyError | RequestError | Error): { status: number; body: Record<string, unknown> } {
  if (err instanceof InputError) err = toRequestError(err);
  if (err instanceof RequestError) {
    return { status: 400, body: err.row === undefined ? { error: err.message, field: err.field } : { error: err.message, field: err.field, row: err.row } };
  }
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: { error: `the request body is larger than ${BODY_LIMIT} bytes (1 MiB)`, field: '(body)' } };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: { error: 'send the body as JSON with Content-Type: application/json', field: 'content-type' } };
  }
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // fastify's own client errors: malformed JSON, empty JSON body, bad content length.
    return { status, body: { error: `invalid request body: ${err.message}`, field: '(body)' } };
  }
  return { status: 500, body: { error: 'internal error' } };
}

/** Everything derived from one model; replaced whole on reload. */
function serving(model: ModelFile, modelPath: string | undefined) {
  return { model, net: modelToNetwork(model), summary: modelSummary(model, modelPath) };
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Reads (asynchronously: only a regular file, size-capped) and validates the model file again
     * and serves it; rejects with a ModelFileError (keeping the old model) when it is bad.
     */
    reloadModel(): Promise<ReturnType<typeof modelSummary>>;
  }
}

export function buildApp(options: AppOptions): FastifyInstance {
  const { modelPath, webRoot } = options;
  // Each request reads `served` once, so a reload between two requests never mixes two models.
  let served = serving(options.model, modelPath);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    // One log line per request (onResponse below) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Only JSON bodies: fastify's built-in text/plain parser would hand the route a string (a 400);
  // without it a text body is the 415 the README promises.
  app.removeContentTypeParser('text/plain');
  if (options.cors?.length) app.register(fastifyCors, { origin: [...options.cors], methods: ['GET', 'HEAD', 'POST'] });

  // Without a logger (serve --quiet, tests) the hook would only build records nobody reads.
  if (options.logger) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
    });
  }

  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorReply(err as FastifyError);
    if (status >= 500) request.log.error({ err }, 'unhandled error');
    reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = ROUTES[path];
    if (allowed) {
      reply.code(405).header('allow', allowed.join(', '))
        .send({ error: `${request.method} ${path} is not allowed; use ${allowed.join(' or ')}`, field: 'method' });
      return;
    }
    reply.code(404).send({ error: `no route ${request.method} ${path}`, field: 'url' });
  });

  // Reloads run one after another, so a slow read that started first cannot install its older file last.
  let reloads: Promise<unknown> = Promise.resolve();
  app.decorate('reloadModel', () => {
    const next = reloads.catch(() => undefined).then(async () => {
      if (!modelPath) throw new ModelFileError('no model file to reload: the app was built from a model in memory');
      served = serving(await loadModelAsync(modelPath), modelPath);
      return served.summary;
    });
    reloads = next;
    return next;
  });
  if (options.adminToken) registerAdmin(app, options.adminToken, () => app.reloadModel());

  // shareModel tells the playground whether it may offer "explore the served model".
  app.get('/health', async () => ({ status: 'ok', model: served.summary, ...(options.shareModel ? { shareModel: true } : {}) }));
  if (options.shareModel) app.get('/model', async () => served.model);

  app.post('/predict', async (request, reply) => {
    const { model, net } = served;
    const result = predictBody(model, net, request.body);
    // Set only once scoring succeeded: an error reply keeps the default serializer. A custom
    // serializer leaves the content type unset, so it is named here as fastify's default has it.
    reply.type('application/json; charset=utf-8').serializer(reply.compileSerializationSchema(predictReplySchema(model)));
    return result;
  });

  registerExplain(app, () => served.model, options.explain);

  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    app.register(fastifyStatic, { root: webRoot, prefix: '/', index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) => {
      reply.type('text/html; charset=utf-8').send(
        '<!doctype html><title>chainrule</title><p>The playground is not built. Run <code>npm run build:web</code> '
        + '(or <code>npm start</code>) and restart the server. The API is up: <a href="/health">/health</a>.</p>',
      );
    });
  }
  return app;
}
