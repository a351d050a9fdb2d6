/**
 * Reloading the served model while serving: `POST /admin/reload` (only when the server was started
 * with --admin-token; the request must carry `Authorization: Bearer <token>`) and SIGHUP (wired in
 * `chainrule serve`). The new file is read and validated in full before it replaces the old model,
 * in one assignment, so a request sees one model or the other, never a mix; a broken file is
 * refused (409) and the previous model stays in service.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ModelFileError } from '../model/file.js';

/** Compares secrets in constant time (by their digests, so lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function registerAdmin(app: FastifyInstance, token: string, reload: () => Promise<unknown>): void {
  app.post('/admin/reload', async (request, reply) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (!match || !sameSecret(match[1], token)) {
      reply.code(401).header('www-authenticate', 'Bearer');
      return { error: 'POST /admin/reload needs the header "Authorization: Bearer <token>" with the server\'s --admin-token', field: 'authorization' };
    }
    try {
      const model = await reload();
      request.log.info('model reloaded');
      return { reloaded: true, model };
    } catch (err) {
      if (!(err instanceof ModelFileError)) throw err;
      reply.code(409);
      return { error: `${err.message}; still serving the previous model`, field: 'model' };
    }
  });
}
