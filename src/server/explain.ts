/** POST /explain, wired to the explain module once it exists. */
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../model/schema.js';

export function registerExplain(app: FastifyInstance, model: ModelFile): void {
  void model;
  app.post('/explain', async (_request, reply) => {
    reply.code(501).send({ error: 'explain is not available in this build', field: 'url' });
  });
}
