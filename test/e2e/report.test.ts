/**
 * The HTML report opened in Debian's Chromium from a file:// URL: no page errors, no request but
 * the page itself (every other request is blocked and counted), every plot drawn as SVG with its
 * marks, the model card's numbers the same as evaluate's, and a screenshot in test-results/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Browser } from './browser.js';
import { assertBuilt, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';

const RESULTS = join(process.cwd(), 'test-results');

describe('chainrule report in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    assertBuilt();
    mkdirSync(RESULTS, { recursive: true });
    dir = tempDir();
    const train = runCli(['train', '--layers', '4', '--activation', 'tanh', '--optimizer', 'adam', '--lr', '0.05', '--epochs', '80', '--val', '0.2',
      '--patience', '30', '--schedule', 'cosine:min=0.001', '--quiet', '--out', 'model.json'], dir);
    expect(train.status, train.stderr).toBe(0);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    removeTempDirs();
  });

  it('opens with zero page errors and zero network requests, every plot present; the screenshot is saved', async () => {
    const data = join(process.cwd(), 'data/promotion.csv');
    const r = runCli(['report', '--model', 'model.json', '--data', data, '--out', 'report.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // Self-contained by construction: no src/href to anything (the SVG namespace is a name, not a request).
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);

    const url = pathToFileURL(join(dir, 'report.html')).href;
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    const blocked: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });

    const plots = await page.$$eval('figure.plot', (figures) => figures.map((f) => ({
      id: f.getAttribute('data-plot'),
      // The plot's own SVG (legends add swatches; the plot is the one with a viewBox and marks).
      marks: f.querySelectorAll('svg[viewBox] g[aria-label]').length,
      width: (f.querySelector('svg[viewBox]') as SVGSVGElement | null)?.getBoundingClientRect().width ?? 0,
    })));
    expect(plots.map((p) => p.id)).toEqual(['roc', 'pr', 'calibration', 'confusion', 'threshold', 'loss', 'lr']);
    for (const p of plots) {
      expect(p.marks, p.id ?? '').toBeGreaterThan(2);
      expect(p.width, p.id ?? '').toBeGreaterThan(200);
    }
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(7);

    // The card's AUC is evaluate's.
    const evaluated = JSON.parse(runCli(['evaluate', '--model', 'model.json', '--data', data, '--json'], dir).stdout);
    const card = await page.locator('table.card').allInnerTexts();
    expect(card.join('\n')).toContain(`ROC AUC\t${evaluated.rocAuc.toFixed(4)}`);
    expect(card.join('\n')).toContain(`rows\t${evaluated.rows}`);

    await page.screenshot({ path: join(RESULTS, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });
});
