/** Starting the real app on a free loopback port, and JSON requests against it. */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { loadModel } from '../../src/model/file.js';

export const FIXTURE = fileURLToPath(new URL('./fixtures/promotion-2-2-1.json', import.meta.url));

export interface Running {
  app: FastifyInstance;
  url: string;
}

export async function start(options: Partial<AppOptions> = {}): Promise<Running> {
  const app = buildApp({ model: loadModel(FIXTURE), modelPath: FIXTURE, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { app, url: `http://127.0.0.1:${address.port}` };
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: any;
}

export async function request(url: string, method: string, body?: unknown, contentType = 'application/json'): Promise<JsonReply> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': contentType } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
  return { status: res.status, headers: res.headers, body: parsed };
}
