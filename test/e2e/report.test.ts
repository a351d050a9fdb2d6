/**
 * The HTML report opened in Debian's Chromium from a file:// URL: no page errors, no request but
 * the page itself (every other request is blocked and counted), every plot drawn as SVG with its
 * marks, the model card's numbers the same as evaluate's, and a screenshot in test-results/; for the
 * binary, multiclass (data/level.csv) and regression (data/salary.csv) tasks.
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

  /** Opens the page, blocks and counts every other request; returns the figures and the card text. */
  async function open(html: string, shot: string): Promise<{ plots: { id: string | null; marks: number; width: number }[]; card: string }> {
    // Self-contained by construction: no src/href to anything (the SVG namespace is a name, not a request).
    expect(readFileSync(html, 'utf8')).not.toMatch(/\b(src|href)\s*=/i);
    expect(readFileSync(html, 'utf8')).not.toMatch(/@import|url\(/i);
    const url = pathToFileURL(html).href;
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
    for (const p of plots) {
      expect(p.marks, p.id ?? '').toBeGreaterThan(2);
      expect(p.width, p.id ?? '').toBeGreaterThan(200);
    }
    const card = (await page.locator('table.card').allInnerTexts()).join('\n');
    await page.screenshot({ path: join(RESULTS, shot), fullPage: true });
    expect(errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
    return { plots, card };
  }

  it('binary: zero page errors and zero network requests, every plot present; the screenshot is saved', async () => {
    const data = join(process.cwd(), 'data/promotion.csv');
    const r = runCli(['report', '--model', 'model.json', '--data', data, '--out', 'report.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { plots, card } = await open(join(dir, 'report.html'), 'report.png');
    expect(plots.map((p) => p.id)).toEqual(['roc', 'pr', 'calibration', 'confusion', 'threshold', 'importance', 'pd0', 'pd1', 'loss', 'lr']);
    // The card's AUC is evaluate's.
    const evaluated = JSON.parse(runCli(['evaluate', '--model', 'model.json', '--data', data, '--json'], dir).stdout);
    expect(card).toContain(`ROC AUC\t${evaluated.rocAuc.toFixed(4)}`);
    expect(card).toContain(`rows\t${evaluated.rows}`);
  });

  it.each([
    ['level', 'multiclass', ['confusion', 'roc', 'importance', 'pd0', 'pd1', 'loss'], 'macroF1', 'macro F1'],
    ['salary', 'regression', ['predicted', 'residuals', 'importance', 'pd0', 'pd1', 'loss'], 'rmse', 'RMSE'],
  ])('%s (%s): zero page errors and zero network requests, every plot present; the screenshot is saved', async (name, _task, ids, key, label) => {
    const data = join(process.cwd(), `data/${name}.csv`);
    const train = runCli(['train', '--data', data, '--target', name, '--layers', '8', '--epochs', '30', '--quiet', '--out', `${name}.json`], dir);
    expect(train.status, train.stderr).toBe(0);
    const r = runCli(['report', '--model', `${name}.json`, '--data', data, '--out', `${name}.html`], dir);
    expect(r.status, r.stderr).toBe(0);
    const { plots, card } = await open(join(dir, `${name}.html`), `report-${name}.png`);
    expect(plots.map((p) => p.id)).toEqual(ids);
    const evaluated = JSON.parse(runCli(['evaluate', '--model', `${name}.json`, '--data', data, '--json'], dir).stdout);
    expect(card).toContain(`${label}\t${(evaluated[key] as number).toFixed(4)}`);
    expect(card).toContain(`rows\t${evaluated.rows}`);
  });
});
