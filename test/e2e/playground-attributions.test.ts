/**
 * The factors panel's attributions (issue 15, item 5), in Debian's Chromium against the real
 * server: the selected point's Shapley bars sum with the base to the prediction, the conductance
 * table's rows (a1, a2 for the 2-2-1 network) sum to the input's integrated gradient, the bars
 * change when another point is chosen, and the panel fits 420 px with no serious axe-core
 * violation. Screenshots at 1400 and 420 px are kept in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, RESULTS, usePlayground } from './playground-server.js';

const RUN = '#dataset=circle&hidden=2&activation=sigmoid&optimizer=sgd&lr=0.5&batch=10&epoch=20&point=3';

const { errors, open: openAt } = usePlayground();
const open = (width: number): Promise<Page> => openAt(RUN, { width, ready: '[data-testid=shap-bar]' });

interface Shown { title: string; inputs: string[]; bars: number[]; widths: number[]; base: number; prediction: number; hidden: string[]; rows: number[][]; ig: number[] }

const shown = (page: Page): Promise<Shown> => page.$eval('[data-testid=attributions]', (el) => {
  const v = (e: Element | null) => Number(e?.getAttribute('data-value'));
  const bars = [...el.querySelectorAll('[data-testid=shap-bar]')];
  return {
    title: el.querySelector('h3')?.textContent ?? '',
    inputs: bars.map((b) => b.getAttribute('data-input')!),
    bars: bars.map(v),
    widths: bars.map((b) => (b.querySelector('.shap-fill') as HTMLElement).getBoundingClientRect().width),
    base: v(el.querySelector('[data-testid=shap-base]')),
    prediction: v(el.querySelector('[data-testid=shap-prediction]')),
    hidden: [...el.querySelectorAll('[data-testid=conductance] thead th')].map((t) => t.textContent!).slice(1, -1),
    rows: [...el.querySelectorAll('[data-testid=conductance-row]')].map((r) => [...r.querySelectorAll('td:not(.ig)')].map(v)),
    ig: [...el.querySelectorAll('[data-testid=ig-value]')].map(v),
  };
});

describe('the playground\'s attributions of the selected point', () => {
  it('shows Shapley bars for the point (summing to prediction − base) and conductance through a1, a2; another point changes them', async () => {
    const page = await open(1400);
    await page.waitForFunction(() => document.querySelector('[data-testid=attributions] h3')?.textContent === 'Attributions of point 3');
    const a = await shown(page);
    expect(a.inputs).toEqual(['x₁', 'x₂']);
    expect(a.bars.every(Number.isFinite)).toBe(true);
    expect(a.widths.some((w) => w > 0)).toBe(true);
    expect(Math.abs(a.base + a.bars[0] + a.bars[1] - a.prediction)).toBeLessThan(1e-12);
    expect(a.hidden).toEqual(['a1', 'a2']);
    a.rows.forEach((row, i) => expect(Math.abs(row[0] + row[1] - a.ig[i])).toBeLessThan(1e-9));
    await page.locator('[data-testid=attributions]').screenshot({ path: join(RESULTS, 'playground-attributions.png') });

    await page.click('[data-testid=point-next]');
    await page.waitForFunction(() => document.querySelector('[data-testid=attributions] h3')?.textContent === 'Attributions of point 4');
    const b = await shown(page);
    expect(b.bars).not.toEqual(a.bars);
    expect(b.prediction).not.toBe(a.prediction);
    expect(b.base).toBe(a.base);
    expect(Math.abs(b.base + b.bars[0] + b.bars[1] - b.prediction)).toBeLessThan(1e-12);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows training: the bars move while the run plays', async () => {
    const page = await open(1400);
    const before = (await shown(page)).bars;
    await page.click('[data-testid=play]');
    await page.waitForFunction((b) => {
      const now = [...document.querySelectorAll('[data-testid=shap-bar]')].map((e) => Number(e.getAttribute('data-value')));
      return now.length === b.length && now.some((v, i) => v !== b[i]);
    }, before, { timeout: 20_000 });
    await page.close();
  });

  it('fits 420 px, with no serious axe-core violation; screenshot saved', async () => {
    const page = await open(420);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    const box = (await page.locator('[data-testid=attributions]').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(420);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('[data-testid=attributions]').screenshot({ path: join(RESULTS, 'playground-attributions-420.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
