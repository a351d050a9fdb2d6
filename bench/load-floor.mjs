#!/usr/bin/env node
// The floor that bench/load.mjs measures /predict against: a bare fastify server (the same
// fastify, body limit and JSON parser as `chainrule serve`) that parses the body and answers one
// constant prediction per row, with no validation, encoding or network. The constant has as many
// digits as a real probability so that both replies are about the same size. Own process, like the
// real server; prints its URL on stdout once it listens on a free 127.0.0.1 port. With --schema
// the reply goes through the binary reply schema chainrule uses (fast-json-stringify) rather than
// JSON.stringify.
import Fastify from 'fastify';
import { predictReplySchema } from '../dist/server/predict-reply.js';

const PREDICTION = { probability: 0.7310585786300049, label: 1 };

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const schema = process.argv.includes('--schema') ? { response: { 200: predictReplySchema({ task: 'binary' }) } } : {};
app.post('/predict', { schema }, async (request) => ({ predictions: request.body.rows.map(() => PREDICTION) }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
