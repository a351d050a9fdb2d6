/**
 * `chainrule serve --model M [--host 127.0.0.1] [--port 8080]`: the HTTP API and the playground.
 * Logs go to stderr (one JSON line per request); stdout gets only the URL, so scripts can read it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadModel } from '../../model/file.js';
import { buildApp } from '../../server/app.js';
import { UsageError } from '../errors.js';

interface ServeOptions {
  model: string;
  host: string;
  port: number;
  web?: string;
  quiet?: boolean;
  adminToken?: string;
  cors?: string[];
  shareModel?: boolean;
}

/** `--cors https://a.example,https://b.example`: each an origin, scheme and host (and port), nothing after. */
function corsOrigins(value: string, previous: string[] = []): string[] {
  const origins = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const origin of origins) {
    let ok = false;
    try {
      const url = new URL(origin);
      ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.replace(/\/$/, '');
    } catch { /* not a URL */ }
    if (!ok) throw new UsageError(`--cors must list origins such as https://app.example (scheme and host, no path), got ${origin}`);
  }
  if (origins.length === 0) throw new UsageError(`--cors needs at least one origin, got "${value}"`);
  return [...previous, ...origins.map((o) => o.replace(/\/$/, ''))];
}

function portNumber(value: string): number {
  const x = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || x > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${value}`);
  return x;
}

/** dist/web next to dist/cli, where `npm run build:web` puts the playground. */
function defaultWebRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/health, /predict, /explain) and the web playground')
    .requiredOption('--model <file>', 'model file to serve')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', portNumber, 8080)
    .option('--web <dir>', 'directory of the built playground (default: dist/web)')
    .option('--quiet', 'no request logs')
    .option('--cors <origins>', 'let browser pages from these origins (comma-separated, e.g. https://app.example) call the API; off by default', corsOrigins)
    .option('--share-model', 'serve the model file at GET /model, so the playground can explore it (off by default: weights may be private)')
    .option('--admin-token <token>', 'enable POST /admin/reload (re-read --model) for requests with "Authorization: Bearer <token>"')
    .action(async (opts: ServeOptions) => {
      const model = loadModel(opts.model);
      const app = buildApp({
        model,
        modelPath: opts.model,
        webRoot: opts.web ?? defaultWebRoot(),
        logger: opts.quiet ? false : { level: 'info', stream: process.stderr },
        adminToken: opts.adminToken,
        cors: opts.cors,
        shareModel: opts.shareModel === true,
      });
      try {
        await app.listen({ host: opts.host, port: opts.port });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UsageError(`--port ${opts.port} is already in use on ${opts.host}`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host ${opts.host} is not an address of this machine`);
        throw err;
      }
      // Handlers first, URL second: whoever reads the URL may signal at once.
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        app.log.info({ signal }, 'shutting down');
        // Finishes in-flight requests, then the event loop empties and the process exits 0.
        app.close().catch((err: unknown) => {
          process.stderr.write(`chainrule: error while closing: ${(err as Error).message}\n`);
          process.exitCode = 1;
        });
      };
      // SIGHUP re-reads the model file; a bad file is reported and the previous model kept.
      process.on('SIGHUP', () => {
        app.reloadModel().then(
          () => process.stderr.write(`chainrule: reloaded ${opts.model}\n`),
          (err: unknown) => process.stderr.write(`chainrule: reload failed, still serving the previous model: ${(err as Error).message}\n`),
        );
      });
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      process.stdout.write(`chainrule: serving ${opts.model} at http://${host}:${port}/\n`);
    });
}
