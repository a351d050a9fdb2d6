/**
 * The playground's three-class and regression data sets in Chromium, served by the real server:
 * train each in the Web Worker, then read the map's pixels where the generators' rules put a
 * known answer (the level rule's none and lead corners take their classes' colours; the salary
 * is light where it is high and dark where it is low), check the legends, and read an output
 * weight's chain-rule factors (product = backprop = finite difference). Screenshots go to
 * test-results/.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { RESULTS, usePlayground } from './playground-server.js';
import { classColor } from '../../web/src/colors.js';

const { errors, open: openAt } = usePlayground();
const open = (hash: string): Promise<Page> => openAt(hash);

const number = async (page: Page, testid: string) => Number(await page.getAttribute(`[data-testid=${testid}]`, 'title'));

/** Plays until `epochs` epochs have run, then pauses. */
async function train(page: Page, epochs: number): Promise<void> {
  await page.click('[data-testid=play]');
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=epoch]')?.textContent) >= e, epochs, { timeout: 60_000, polling: 50 });
  await page.click('[data-testid=play]');
  await page.waitForSelector('[data-testid=play][data-running=false]');
}

/**
 * The mean colour of the map's 5×5 canvas pixels around raw input (x1, x2), with the map's
 * geometry (heatmap.ts: the plot square of 300 units at (46, 8) in a 356 × 348 canvas, axes
 * years 0–20 and score 40–100 for both data sets).
 */
async function mapColor(page: Page, x1: number, x2: number): Promise<[number, number, number]> {
  return page.$eval('[data-testid=heatmap]', (el, [u, v]) => {
    const canvas = el as HTMLCanvasElement;
    const scale = canvas.width / 356;
    const px = Math.round((46 + ((u - 0) / 20) * 300) * scale);
    const py = Math.round((8 + ((100 - v) / 60) * 300) * scale);
    const d = canvas.getContext('2d')!.getImageData(px - 2, py - 2, 5, 5).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += d[i + c];
    return sum.map((s) => s / 25) as [number, number, number];
  }, [x1, x2] as const);
}

/** The class whose shade (white → its colour, heatmap.ts) passes closest to the pixel. */
function nearestClass(color: [number, number, number], classes: number): number {
  const white = [240, 240, 240];
  let best = -1;
  let bestDistance = Infinity;
  for (let k = 0; k < classes; k++) {
    const dir = classColor(k).map((v, i) => v - white[i]);
    const t = Math.min(1, Math.max(0, color.reduce((s, v, i) => s + (v - white[i]) * dir[i], 0) / dir.reduce((s, d) => s + d * d, 0)));
    const distance = Math.hypot(...color.map((v, i) => v - white[i] - t * dir[i]));
    if (distance < bestDistance) { bestDistance = distance; best = k; }
  }
  return best;
}

const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** Clicks an output weight and checks its factors: product of the values = product = backprop ≈ finite difference. */
async function checkFactors(page: Page, param: string, label: string): Promise<number[]> {
  await page.click(`[data-testid=weight][data-param="${param}"]`, { force: true });
  await page.waitForFunction((l) => document.querySelector('[data-testid=factor-param]')?.textContent === l, label);
  const values = await page.$$eval('[data-testid=factor-value]', (els) => els.map((e) => Number(e.getAttribute('title'))));
  const product = await number(page, 'factor-product');
  const gradient = await number(page, 'factor-gradient');
  const fd = await number(page, 'factor-fd');
  expect(values.length).toBeGreaterThanOrEqual(2);
  expect(values.reduce((p, v) => p * v, 1)).toBeCloseTo(product, 12);
  expect(Math.abs(product - gradient)).toBeLessThan(1e-9 + 1e-6 * Math.abs(gradient));
  expect(Math.abs(gradient - fd)).toBeLessThan(1e-6);
  expect(Math.abs(gradient)).toBeGreaterThan(0);
  return values;
}

describe('playground: three classes (level)', () => {
  let page: Page;

  it('trains the level data in the worker: the map shows each region\'s class in its colour, with a legend of the three', async () => {
    page = await open('#dataset=level&noise=5&hidden=6&activation=relu&optimizer=adam&lr=0.03&batch=10&epoch=0&speed=5');
    expect(await page.inputValue('[data-testid=dataset]')).toBe('level');
    // Two inputs × 6 relu units, 6 × 3 softmax outputs.
    expect(await page.$$('[data-testid=weight]')).toHaveLength(12 + 18);
    await train(page, 80);
    expect(await page.getAttribute('[data-testid=heatmap]', 'data-task')).toBe('multiclass');
    expect(await page.$$eval('[data-testid=output-class]', (els) => els.map((e) => e.textContent))).toEqual(['none', 'senior', 'lead']);
    const legend = await page.$$eval('[data-testid=legend-class]', (els) => els.map((e) => e.textContent?.trim()));
    expect(legend).toEqual(['level = none', 'level = senior', 'level = lead']);
    // The level rule: none below 4 years or a score of 65, lead from 10 years and a score of 80.
    const none = await mapColor(page, 1.5, 48);
    const senior = await mapColor(page, 7, 72);
    const lead = await mapColor(page, 17.5, 94);
    console.log(`level map: none ${none.map(Math.round)}, senior ${senior.map(Math.round)}, lead ${lead.map(Math.round)}`);
    expect(nearestClass(none, 3)).toBe(0);
    expect(nearestClass(senior, 3)).toBe(1);
    expect(nearestClass(lead, 3)).toBe(2);
    // Chance (1/3 each) is log 3 = 1.10; where the pause lands (a few epochs past 80) moves the test loss by a few hundredths.
    expect(Number(await page.getAttribute('[data-testid=test-loss]', 'title'))).toBeLessThan(0.8);
  });

  it('an output weight\'s factors under the softmax head: ŷₖ − yₖ times the hidden activation, matching backprop and finite differences', async () => {
    const values = await checkFactors(page, 'layers[1].weights[2][0]', '∂L/∂layer[1].w[2][0]');
    // The last factor of a weight is its input, a relu activation: never negative.
    expect(values[values.length - 1]).toBeGreaterThanOrEqual(0);
    expect(await page.textContent('[data-testid=point-target]')).toMatch(/^level = (none|senior|lead) \(one-hot y = \[[01], [01], [01]\]\)/);
    const head = (await page.textContent('[data-testid=factor-head]'))!;
    const probabilities = /^ŷ = \(none ([\d.e−-]+), senior ([\d.e−-]+), lead ([\d.e−-]+)\), y = \[[01], [01], [01]\]$/.exec(head);
    expect(probabilities, head).not.toBeNull();
    // Shown to 4 significant digits: they sum to 1 within the rounding.
    expect(Math.abs(probabilities!.slice(1).reduce((s, p) => s + Number(p.replace('−', '-')), 0) - 1)).toBeLessThan(2e-3);
    await page.screenshot({ path: join(RESULTS, 'playground-level.png'), fullPage: true });
    await (await page.$('[data-view=heatmap]'))!.screenshot({ path: join(RESULTS, 'playground-level-map.png') });
    await page.close();
  });
});

describe('playground: regression (salary)', () => {
  let page: Page;

  it('trains the salary data in the worker: the map is the predicted salary on its colour scale, light where the generator pays most', async () => {
    page = await open('#dataset=salary&noise=5&hidden=8&activation=relu&optimizer=adam&lr=0.03&batch=10&epoch=0&speed=5');
    expect(await page.$$('[data-testid=weight]')).toHaveLength(16 + 8);
    await train(page, 100);
    expect(await page.getAttribute('[data-testid=heatmap]', 'data-task')).toBe('regression');
    const low = Number((await page.textContent('[data-testid=legend-min]'))!.replace(/[^\d.e+-]/g, ''));
    const high = Number((await page.textContent('[data-testid=legend-max]'))!.replace(/[^\d.e+-]/g, ''));
    console.log(`salary legend: ${low} … ${high}`);
    // The generator's Engineering salaries: about 62,000 − 18,000 at 0 years and a score of 40, above 130,000 at 20 years and 100.
    expect(low).toBeLessThan(50_000);
    expect(high).toBeGreaterThan(110_000);
    const poor = await mapColor(page, 0.5, 42);
    const rich = await mapColor(page, 19.5, 98);
    const middle = await mapColor(page, 10, 70);
    console.log(`salary map luminance: low corner ${luminance(poor).toFixed(0)}, middle ${luminance(middle).toFixed(0)}, high corner ${luminance(rich).toFixed(0)}`);
    expect(luminance(rich)).toBeGreaterThan(luminance(middle));
    expect(luminance(middle)).toBeGreaterThan(luminance(poor));
  });

  it('an output weight\'s factors under the linear head: 2(ŷ − y) times the hidden activation, matching backprop and finite differences', async () => {
    await checkFactors(page, 'layers[1].weights[0][3]', '∂L/∂layer[1].w[0][3]');
    expect(await page.textContent('[data-testid=point-target]')).toMatch(/^salary = \S+ → y = \(/);
    await page.screenshot({ path: join(RESULTS, 'playground-salary.png'), fullPage: true });
    await (await page.$('[data-view=heatmap]'))!.screenshot({ path: join(RESULTS, 'playground-salary-map.png') });
    await page.close();
  });

  it('left no page errors', () => {
    expect(errors).toEqual([]);
  });
});
