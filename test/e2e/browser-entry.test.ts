/**
 * `import { train, … } from 'chainrule'` in an app built by Vite (issue 14 item 16): a tiny page
 * (test/e2e/fixtures/browser-entry) is built with Vite's JS API in a temp dir whose node_modules
 * links 'chainrule' to this package, so package.json's exports and its browser condition are what
 * resolve it. The build must warn of nothing (no Node module externalised), the page must run in
 * Chromium without an error, and what it computes on its main thread and in a worker (tables from
 * CSV text, train, predict, explain, attributions, fit, model JSON) must be what the Node entry
 * computes here from the same seeds, bit for bit: the same JSON text. A control build of the same
 * page on the Node entry shows the check can fail.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, createLogger, preview, type InlineConfig, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Browser } from './browser.js';
import { run, type Api, type RunResult } from './fixtures/browser-entry/run.js';

const ROOT = process.cwd();
const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', 'browser-entry');

/** Builds the page into `out`; returns every warning and error Vite logged (and a thrown build error). */
async function buildPage(page: string, out: string, extra: InlineConfig = {}): Promise<string[]> {
  const logged: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (msg) => logged.push(msg);
  logger.warnOnce = (msg) => logged.push(msg);
  logger.error = (msg) => logged.push(msg);
  // Vite warns of an externalised Node module only in a production build, and vitest sets NODE_ENV=test.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: page, configFile: false, base: './', logLevel: 'warn', customLogger: logger,
      // The page's chunk is about 590 kB minified (150 kB gzip), two thirds of it zod's classic API,
      // past Vite's 500 kB advice: a size to work on, not what this test is about.
      build: { outDir: out, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1000 },
      worker: { format: 'es' },
      ...extra,
    });
  } catch (err) {
    logged.push(`build failed: ${(err as Error).message}`);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return logged;
}

describe('the browser entry, built by Vite and run in Chromium', () => {
  let dir: string;
  let page: string;
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainrule-browser-entry-'));
    page = join(dir, 'page');
    cpSync(FIXTURE, page, { recursive: true });
    // As if installed: node_modules/chainrule is this package (dist/ built by npm run test:e2e).
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'chainrule'), 'dir');
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the Node entry in the same page does not build cleanly (the control: node:fs and the rest are caught)', async () => {
    // Vite's client conditions without "browser": 'chainrule' resolves to "import", dist/index.js.
    const logged = await buildPage(page, join(dir, 'out-node'), { resolve: { conditions: ['module', 'production'] } });
    expect(logged.join('\n')).toMatch(/Module "node:fs[^"]*" has been externali[sz]ed for browser compatibility/);
  });

  it('builds with no warning and nothing externalised, and the page computes the Node entry\'s numbers bit for bit on its main thread and in a worker', async () => {
    const out = join(dir, 'out');
    expect(await buildPage(page, out)).toEqual([]);
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.some((f) => f.startsWith('worker'))).toBe(true);
    for (const file of assets) expect(readFileSync(join(out, 'assets', file), 'utf8'), file).not.toContain('__vite-browser-external');

    server = await preview({ root: page, configFile: false, logLevel: 'silent', build: { outDir: out }, preview: { host: '127.0.0.1', port: 0 } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview gave no local URL');
    browser = await launch();
    const tab = await browser.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (err) => errors.push(err.message));
    tab.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    await tab.goto(url);
    await tab.waitForSelector('#worker, #worker-error', { state: 'attached', timeout: 20_000 });
    expect(errors).toEqual([]);
    expect(await tab.locator('#worker-error').count()).toBe(0);
    const fromPage = { main: await tab.locator('#main').textContent(), worker: await tab.locator('#worker').textContent() };

    const nodeEntry = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href) as Api & { readCsv?: unknown };
    expect(typeof nodeEntry.readCsv, 'the Node entry (readCsv) is what the test computes with').toBe('function');
    const inNode = run(nodeEntry);
    const { exact, close } = inNode;

    // What the page computed is worth comparing: a table of 160 rows, nets that learned, checks that hold.
    expect(exact.table.n).toBe(160);
    expect([...exact.table.columns[2]?.levels ?? []].sort()).toEqual(['HR', 'R&D', 'Sales']);
    expect(exact.r2).toBeGreaterThan(0.8);
    expect(exact.reloaded).toEqual(exact.predictions);
    expect(exact.explain.check.maxAbsDiff).toBeLessThan(1e-6);
    expect(exact.shapley.gap).toBeLessThan(1e-9);
    expect(exact.fit.losses.at(-1)).toBeLessThan(exact.fit.losses[0] / 10);
    expect(close.finalLoss).toBeLessThan(close.firstLoss * 0.8);
    expect(close.accuracy).toBeGreaterThan(0.8);
    expect(close.explain.check.maxAbsDiff).toBeLessThan(1e-6);
    expect(close.integrated.gap).toBeLessThan(1e-6);
    expect(close.refusal).toMatch(/^edited\.json: loss: /);

    const exactText = JSON.stringify(exact);
    for (const where of ['main', 'worker'] as const) {
      const fromHere = JSON.parse(fromPage[where] ?? 'null') as RunResult;
      // Parsed first for a readable diff, then as text: equal JSON texts are equal doubles.
      expect(fromHere.exact, where).toEqual(JSON.parse(exactText));
      expect(JSON.stringify(fromHere.exact), where).toBe(exactText);
      expect(farApart(fromHere.close, JSON.parse(JSON.stringify(close)), 1e-9), where).toEqual([]);
    }
  });
});

/**
 * Where `a` and `b` differ: numbers beyond |a − b| ≤ tol·max(1, |a|, |b|), anything else (keys,
 * strings, lengths) at all. Each entry names the path and both values.
 */
function farApart(a: unknown, b: unknown, tol: number, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => farApart((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol, `${path}.${k}`));
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}
