/**
 * The real server with the built playground and one Chromium for a test file: registers its own
 * beforeAll/afterAll, collects page errors and console errors, and opens pages at a hash.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { start, type Running } from '../server/helpers.js';
import { launch, type Browser } from './browser.js';

export const WEB_ROOT = join(process.cwd(), 'dist', 'web');
export const RESULTS = join(process.cwd(), 'test-results');

export interface Playground {
  /** Page errors and console errors of every page opened. */
  readonly errors: string[];
  /** Opens `${url}/${hash}` at the given width (default 1200) and waits for `ready` to be attached. */
  open(hash: string, options?: { width?: number; ready?: string }): Promise<Page>;
}

export function usePlayground(): Playground {
  let server: Running;
  let browser: Browser;
  const errors: string[] = [];
  beforeAll(async () => {
    if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is not built: run npm run build:web (npm run test:e2e does)');
    server = await start({ webRoot: WEB_ROOT });
    browser = await launch();
    mkdirSync(RESULTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
  });
  return {
    errors,
    async open(hash, { width, ready = '[data-testid=weight]' } = {}) {
      const page = await browser.context.newPage();
      if (width !== undefined) await page.setViewportSize({ width, height: 1000 });
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      await page.goto(`${server.url}/${hash}`);
      await page.waitForSelector(ready, { state: 'attached' });
      return page;
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core injected into the page: the serious and critical violations, as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
