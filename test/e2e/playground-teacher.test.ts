/**
 * The playground as a teacher (issue 17), in Debian's Chromium against the real server: the notes
 * mode reaches every factor of Net 1 and Net 2 with the values `chainrule explain --json` prints
 * for the same weights and sample (to 1e-12), the factors follow training, a training point is
 * chosen on the map, a CSV upload trains and draws (a bad one is named by row and column), the
 * served model loads only when shared, the TensorFlow-Playground controls work, axe-core finds no
 * serious violation, the page fits 420 px, and screenshots at 1400 and 420 px are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { start, type Running } from '../server/helpers.js';
import { loadModel } from '../../src/model/file.js';
import { launch, type Browser } from './browser.js';
import { axeViolations } from './playground-server.js';

const WEB_ROOT = join(process.cwd(), 'dist', 'web');
const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');
const RESULTS = join(process.cwd(), 'test-results');

let server: Running;
let browser: Browser;
let scratch: string;
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is not built: run npm run build:web (npm run test:e2e does)');
  server = await start({ webRoot: WEB_ROOT, shareModel: true });
  browser = await launch();
  mkdirSync(RESULTS, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'chainrule-teacher-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.app.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function open(hash = '', width = 1400, url = server.url): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 1000 });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await page.goto(`${url}/${hash}`);
  await page.waitForSelector('[data-testid=weight]', { state: 'attached' });
  return page;
}

interface CardState { kind: string; param: string; term: string; note: string; value: number; numbers: Record<string, number>; verdicts: string[] }

/**
 * The notes card as the page shows it at step `n` (1-based): the step's kind, parameter, factor
 * index, note number and values (full precision), read in the same page task that sees the
 * counter at `step n`, so a render in between cannot pair one step's counter with another's card.
 */
const cardAt = async (page: Page, n: number): Promise<CardState> => (await (await page.waitForFunction((step) => {
  if (!document.querySelector('[data-testid=notes-counter]')?.textContent?.startsWith(`step ${step} `)) return null;
  const e = document.querySelector('[data-testid=notes-step]') as HTMLElement;
  const numbers: Record<string, number> = {};
  e.querySelectorAll('[data-testid=notes-number]').forEach((x) => { numbers[x.getAttribute('data-name')!] = Number(x.getAttribute('data-value')); });
  return {
    kind: e.dataset.kind!, param: e.dataset.param!, term: e.dataset.term!, note: e.dataset.note!,
    value: Number(e.querySelector('[data-testid=notes-value]')?.getAttribute('data-value')),
    numbers, verdicts: [...e.querySelectorAll('[data-testid=note-line]')].map((x) => x.getAttribute('data-verdict')!),
  };
}, n)).jsonValue())!;

/**
 * The number of steps of `net`'s lesson, once it is the lesson on the page. The Notes control
 * opens Net 1, and a switch to Net 2 reaches the page one animation frame after the click: until
 * then the counter still says Net 1's "step 1 of 27" (under load, long enough for a walk to take 27
 * as the length and stop at w11's factor 2 of Net 2's 66 steps). The net's button, the counter
 * and the card are set in one update, so with the button pressed the counter is that net's.
 */
async function lessonLength(page: Page, net: 'net1' | 'net2'): Promise<number> {
  await page.waitForSelector(`[data-testid=notes-${net}][aria-pressed=true]`, { state: 'attached' });
  return Number((await page.textContent('[data-testid=notes-counter]'))!.match(/of (\d+)/)![1]);
}

/** Walks every step of `net`'s lesson with the → key, from the first; returns each step's card. */
async function walk(page: Page, net: 'net1' | 'net2'): Promise<CardState[]> {
  const total = await lessonLength(page, net);
  await page.keyboard.press('Home');
  const cards: CardState[] = [];
  for (let k = 0; k < total; k++) {
    cards.push(await cardAt(page, k + 1));
    await page.keyboard.press('ArrowRight');
  }
  return cards;
}

/** `chainrule explain --json` for the page's own model file, sample and η. */
function cliExplain(page: { model: unknown; record: unknown; target: number; lr: number }, name: string): any {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(page.model));
  const out = execFileSync(process.execPath, [CLI, 'explain', '--model', file, '--input', JSON.stringify(page.record), '--target', String(page.target), '--lr', String(page.lr), '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

/** Every factor, product, gradient, finite difference and step of the CLI's document, found on the page's cards. */
function compare(cards: CardState[], doc: any): number {
  let checked = 0;
  for (const f of doc.factors) {
    f.terms.forEach((t: { value: number; note?: string }, k: number) => {
      const c = cards.find((s) => s.kind === 'factor' && s.param === f.param && s.term === String(k));
      expect(c, `${f.param} factor ${k}`).toBeDefined();
      expect(close(c!.value, t.value), `${f.param} factor ${k}: page ${c!.value}, CLI ${t.value}`).toBe(true);
      if (t.note) expect(c!.note).toBe(t.note);
      checked++;
    });
    const p = cards.find((s) => s.kind === 'product' && s.param === f.param)!;
    for (const key of ['product', 'gradient', 'finiteDifference'] as const) {
      expect(close(p.numbers[key], f[key]), `${f.param} ${key}: page ${p.numbers[key]}, CLI ${f[key]}`).toBe(true);
      checked++;
    }
    const u = cards.find((s) => s.kind === 'update' && s.param === f.param)!;
    const step = doc.step.parameters.find((s: { param: string }) => s.param === f.param);
    expect(close(u.numbers.new, step.new), `${f.param} step`).toBe(true);
    expect(close(u.numbers.lossBefore, doc.step.lossBefore)).toBe(true);
    expect(close(u.numbers.lossAfter, doc.step.lossAfter)).toBe(true);
    checked += 3;
  }
  const loss = cards.find((s) => s.kind === 'forward' && 'L' in s.numbers)!;
  expect(close(loss.numbers.L, doc.loss)).toBe(true);
  return checked + 1;
}

async function notesCase(page: Page) {
  return JSON.parse((await page.textContent('[data-testid=notes-model]'))!);
}

const heatmapImage = async (page: Page) => createHash('sha1').update(await page.$eval('[data-testid=heatmap]', (c) => (c as HTMLCanvasElement).toDataURL())).digest('hex');
const attr = (page: Page, selector: string, name: string) => page.getAttribute(selector, name);

describe('the playground as a teacher', () => {
  it('the Notes control opens Net 1 first; every factor (1)–(7), product, check and step equals `chainrule explain --json` to 1e-12', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Notes', exact: true }).click();
    await page.waitForSelector('[data-testid=notes-step]');
    expect(await attr(page, '[data-testid=notes-net1]', 'aria-pressed')).toBe('true');
    const cards = await walk(page, 'net1');
    expect([...new Set(cards.map((c) => c.note).filter(Boolean))].sort()).toEqual(['(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)']);
    const c = await notesCase(page);
    expect(c.model.layers[0].activation).toBe('linear');
    const doc = cliExplain(c, 'net1');
    expect(doc.factors.map((f: { param: string }) => f.param).sort()).toEqual(['b1', 'b2', 'w1', 'w2']);
    const checked = compare(cards, doc);
    // Slip 1 of note 000 is flagged at ∂L/∂w1; ∂L/∂b2 holds.
    expect(cards.find((s) => s.kind === 'product' && s.param === 'w1')!.verdicts).toEqual(['slips']);
    expect(cards.find((s) => s.kind === 'product' && s.param === 'b2')!.verdicts).toEqual(['holds']);
    // The ← key goes back one step.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => document.querySelector('[data-testid=notes-counter]')?.textContent === `step ${n - 1} of ${n}`, cards.length);
    // Another sample and other weights, typed in: the lesson follows, still equal to the CLI's numbers.
    await page.fill('[data-testid=net1-x]', '-1.7');
    await page.dispatchEvent('[data-testid=net1-x]', 'change');
    await page.selectOption('[data-testid=net1-y]', '1');
    await page.fill('[data-testid=net1-w2]', '-2.25');
    await page.dispatchEvent('[data-testid=net1-w2]', 'change');
    await page.waitForFunction(() => document.querySelector('[data-testid=notes-model]')?.textContent?.includes('-2.25'));
    await page.click('[data-testid=notes-next]');
    const again = await walk(page, 'net1');
    const edited = await notesCase(page);
    expect(edited.record).toEqual({ x: -1.7 });
    expect(edited.target).toBe(1);
    compare(again, cliExplain(edited, 'net1-edited'));
    console.log(`notes Net 1: ${cards.length} steps, ${checked} values equal to the CLI's (and again for an edited sample)`);
    await page.close();
  });

  it('Net 2 is the live 2-2-1 run with the notes\' names; every factor equals `chainrule explain --json`; the sign slips are flagged', async () => {
    const page = await open('#dataset=promotion&hidden=2&activation=sigmoid&optimizer=sgd&lr=0.5&batch=10&epoch=30');
    await page.waitForFunction(() => document.querySelector('[data-testid=epoch]')?.textContent === '30');
    await page.click('[data-testid=notes]');
    await page.click('[data-testid=notes-net2]');
    const cards = await walk(page, 'net2');
    expect(cards).toHaveLength(66);
    const c = await notesCase(page);
    expect(c.record).toHaveProperty('years_experience');
    const doc = cliExplain(c, 'net2');
    expect(doc.factors.map((f: { param: string }) => f.param).sort()).toEqual(['b1', 'b2', 'b3', 'w1', 'w11', 'w12', 'w2', 'w21', 'w22']);
    const checked = compare(cards, doc);
    expect(cards.find((s) => s.kind === 'product' && s.param === 'b3')!.verdicts).toEqual(['slips']);
    expect(cards.find((s) => s.kind === 'product' && s.param === 'w21')!.verdicts).toContain('slips');
    // A slip as the page shows it: the product step of the hidden weight w21.
    await page.keyboard.press('Home');
    const slip = cards.findIndex((s) => s.kind === 'product' && s.param === 'w21');
    for (let k = 0; k < slip; k++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => document.querySelector('[data-testid=notes-counter]')?.textContent?.startsWith(`step ${n} `), slip + 1);
    await page.locator('[data-view=notes]').screenshot({ path: join(RESULTS, 'playground-notes-net2-slip.png') });
    // The input step shows the raw value and the standardised one: "x1 = (6 − 10.04) / 5.77".
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('[data-testid=notes-counter]')?.textContent?.startsWith('step 1 '));
    expect(await page.textContent('[data-testid=notes-step]')).toMatch(/x1 = \(\d+(\.\d+)? − \d+(\.\d+)?\) \/ \d+(\.\d+)?/);
    console.log(`notes Net 2: ${cards.length} steps, ${checked} values equal to the CLI's`);
    await page.close();
  });

  it('the factors follow training; the default point has a gradient far from zero; a point is chosen by clicking it on the map', async () => {
    const page = await open('#dataset=promotion&hidden=2&activation=sigmoid&optimizer=adam&lr=0.03&batch=10&epoch=0&speed=1');
    await page.waitForSelector('[data-testid=factor-row]');
    const g0 = Number(await attr(page, '[data-testid=factor-gradient]', 'title'));
    expect(Math.abs(g0)).toBeGreaterThan(1e-3);
    const raw = await page.textContent('[data-testid=point-info]');
    expect(raw).toMatch(/years_experience = [\d.]+ → x₁ = \([\d.]+ − [\d.]+\) \/ [\d.]+ = −?[\d.]+/);
    expect(raw).toMatch(/performance_score = [\d.]+ → x₂ = /);

    // Click another training point on the map: choose it by index first to learn where it is drawn.
    const before = new URL(page.url()).hash;
    await page.click('[data-testid=point-next]');
    await page.click('[data-testid=point-next]');
    await page.waitForFunction(() => /point=\d+/.test(location.hash));
    const target = Number(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('point'));
    const [fx, fy] = (await attr(page, '[data-testid=heatmap]', 'data-chosen'))!.split(',').map(Number);
    await page.click('[data-testid=point-prev]');
    await page.waitForFunction((t) => !location.hash.includes(`point=${t}&`) && !location.hash.endsWith(`point=${t}`), target);
    const box = (await page.$('[data-testid=heatmap]'))!;
    const size = (await box.boundingBox())!;
    await box.click({ position: { x: fx * size.width, y: fy * size.height } });
    await page.waitForFunction((t) => new URLSearchParams(location.hash.slice(1)).get('point') === String(t), target);
    expect(before).not.toBe(new URL(page.url()).hash);

    // While training runs, the shown factors change (sampled during the run, not after it).
    await page.click('[data-testid=play]');
    const seen = new Set<string>();
    for (let k = 0; k < 30 && seen.size < 3; k++) {
      await page.waitForTimeout(150);
      seen.add((await attr(page, '[data-testid=factor-gradient]', 'title'))!);
      expect(await attr(page, '[data-testid=play]', 'data-running')).toBe('true');
    }
    await page.click('[data-testid=play]');
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it(`frames per second while training the 2-2-1 net with notes mode open; the notes' numbers change as it trains`, async () => {
    const page = await open('#dataset=promotion&hidden=2&activation=sigmoid&optimizer=sgd&lr=0.5&batch=10&epoch=0&speed=5');
    await page.click('[data-testid=notes]');
    await page.click('[data-testid=notes-net2]');
    // A factor step of the hidden layer: its value moves with the weights.
    const at = (await lessonLength(page, 'net2')) - 4;
    await page.keyboard.press('End');
    for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowLeft');
    const start = (await cardAt(page, at)).value;
    const { frames, seconds } = await page.evaluate(async () => {
      let count = 0;
      let on = true;
      const tick = () => { count++; if (on) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const t0 = performance.now();
      (document.querySelector('[data-testid=play]') as HTMLButtonElement).click();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      (document.querySelector('[data-testid=play]') as HTMLButtonElement).click();
      on = false;
      return { frames: count, seconds: (performance.now() - t0) / 1000 };
    });
    await page.waitForSelector('[data-testid=play][data-running=false]');
    const epochs = Number(await page.textContent('[data-testid=epoch]'));
    const end = (await cardAt(page, at)).value;
    const cost = await page.evaluate(() => ['chainrule:receive', 'chainrule:render'].map((name) => {
      const d = performance.getEntriesByName(name, 'measure').map((e) => e.duration).sort((a, b) => a - b);
      return `${name.slice(10)} mean ${(d.reduce((s, x) => s + x, 0) / Math.max(1, d.length)).toFixed(2)} ms p95 ${(d[Math.floor(d.length * 0.95)] ?? 0).toFixed(2)} ms (n=${d.length})`;
    }).join(', '));
    console.log(`2-2-1 promotion with notes mode (Net 2) open: ${epochs} epochs in ${seconds.toFixed(1)} s; page frames/s: ${(frames / seconds).toFixed(1)}; ${cost}`);
    expect(epochs).toBeGreaterThan(0);
    expect(end).not.toBe(start);
    await page.close();
  });

  it('a CSV upload trains and draws on the 2-D map; a table of other inputs trains without it; a bad CSV is named by row and column', async () => {
    const page = await open();
    const rows = ['hours,score,passed'];
    // A seeded linear rule, so the file is the same on every run.
    let s = 7;
    const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
    for (let i = 0; i < 160; i++) {
      const h = Math.round(next() * 400) / 10;
      const sc = Math.round(next() * 1000) / 10;
      rows.push(`${h},${sc},${h / 40 + sc / 100 > 1 ? 'yes' : 'no'}`);
    }
    await page.setInputFiles('[data-testid=csv-file]', { name: 'study.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid=dataset]')?.value === 'upload');
    await page.waitForFunction(() => document.querySelector('[data-testid=network] text.label')?.firstChild?.textContent === 'hours');
    expect(await page.$$('[data-testid=weight]')).toHaveLength(6);
    const drawn = await heatmapImage(page);
    await page.click('[data-testid=play]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=epoch]')?.textContent) >= 40, null, { timeout: 30_000 });
    await page.click('[data-testid=play]');
    await page.waitForSelector('[data-testid=play][data-running=false]');
    expect(await heatmapImage(page)).not.toBe(drawn);
    expect(Number(await attr(page, '[data-testid=test-loss]', 'title'))).toBeLessThan(0.6);
    expect(await page.textContent('[data-testid=heatmap-legend]')).toContain('passed = 1');
    await page.screenshot({ path: join(RESULTS, 'playground-upload.png'), fullPage: true });

    // Another data set and back: the uploaded file is still there.
    await page.selectOption('[data-testid=dataset]', 'circle');
    await page.waitForFunction(() => document.querySelector('[data-testid=network] text.label')?.firstChild?.textContent === 'x1');
    await page.selectOption('[data-testid=dataset]', 'upload');
    await page.waitForFunction(() => document.querySelector('[data-testid=network] text.label')?.firstChild?.textContent === 'hours');
    // Three inputs, one categorical: trains without a map.
    const wide = ['age,dept,hours,left', ...Array.from({ length: 60 }, (_, i) => `${20 + (i % 30)},${['HR', 'Sales', 'IT'][i % 3]},${30 + (i % 17)},${i % 3 === 0 ? 1 : 0}`)];
    await page.setInputFiles('[data-testid=csv-file]', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(wide.join('\n')) });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=network] text.label').length === 5);
    expect(await page.isHidden('[data-testid=heatmap]')).toBe(true);
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => document.querySelector('[data-testid=epoch]')?.textContent === '1');

    // Dropped on the page, a file loads the same way as chosen.
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, rows.join('\n'));
    await page.waitForFunction(() => document.querySelector('[data-testid=dataset] option[value=upload]')?.textContent === 'uploaded: dropped.csv');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=weight]').length === 6);
    // A ragged row: the message names the file, the row and the missing column; the run stays.
    await page.setInputFiles('[data-testid=csv-file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,y\n1,2,0\n3,1\n') });
    await page.waitForSelector('[data-testid=data-message]:not([hidden])');
    expect(await page.textContent('[data-testid=data-message]')).toBe('bad.csv: row 3: expected 3 fields as in the header, got 2 (column y is missing)');
    await page.setInputFiles('[data-testid=csv-file]', { name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,y\n1,2,0\n3,1,1\n4,5,2\n') });
    await page.waitForFunction(() => document.querySelector('[data-testid=data-message]')?.textContent?.includes('three.csv'));
    expect(await page.textContent('[data-testid=data-message]')).toBe('no column is a binary target (two values such as 0/1, yes/no): three.csv: row 4, column y: target must have two values, found a third: "2" (after "0", "1")');
    // The last good run is still there.
    expect(await page.$$('[data-testid=weight]')).toHaveLength(6);
    await page.close();
  });

  it('explores the served model when the server shares it: its weights and encoders are the model file\'s', async () => {
    const model = {
      format: 'chainrule/model', version: 1,
      inputs: [{ name: 'years_experience', kind: 'numeric', mean: 7.5, std: 4.25 }, { name: 'performance_score', kind: 'numeric', mean: 71, std: 14.5 }],
      target: { name: 'promoted', positive: '1' },
      layers: [{ activation: 'sigmoid', weights: [[1.25, -0.5], [0.75, 2.5]], bias: [0.1, -0.2] }, { activation: 'sigmoid', weights: [[1.5, 2.25]], bias: [-1.75] }],
      loss: 'bce', threshold: 0.5,
    };
    const file = join(scratch, 'served.json');
    writeFileSync(file, JSON.stringify(model));
    const shared = await start({ webRoot: WEB_ROOT, shareModel: true, model: loadModel(file), modelPath: file });
    const page = await open('', 1400, shared.url);
    await page.waitForSelector('[data-testid=served-model]:not([hidden])');
    await page.click('[data-testid=served-model]');
    await page.waitForFunction((w) => document.querySelector('[data-param="layers[0].weights[0][0]"]')?.getAttribute('data-value') === String(w), model.layers[0].weights[0][0]);
    const weights = await page.$$eval('[data-testid=weight]', (els) => els.map((e) => [e.getAttribute('data-param'), Number(e.getAttribute('data-value'))]));
    for (const [param, value] of weights) {
      const m = /layers\[(\d)\]\.weights\[(\d)\]\[(\d)\]/.exec(param as string)!;
      expect(value).toBe(model.layers[Number(m[1])].weights[Number(m[2])][Number(m[3])]);
    }
    // The model's own standardisation is the one shown: "(… − 7.5) / 4.25".
    expect(await page.textContent('[data-testid=point-info]')).toContain('− 7.5) / 4.25 =');
    await page.close();
    await shared.app.close();
    // Without --share-model the page does not offer it.
    const closed = await start({ webRoot: WEB_ROOT });
    try {
      const other = await open('', 1400, closed.url);
      await other.waitForTimeout(300);
      expect(await other.isHidden('[data-testid=served-model]')).toBe(true);
      await other.close();
    } finally {
      await closed.app.close();
    }
  });

  it('feature crosses, +/− units, L2 and the view toggles change the run as TensorFlow Playground\'s do', async () => {
    const page = await open('#dataset=xor&hidden=2&activation=tanh&epoch=0');
    // Notes mode's Net 2 needs the 2-2-1 sigmoid network: the page offers to switch to it.
    await page.click('[data-testid=notes]');
    await page.click('[data-testid=notes-net2]');
    await page.click('[data-testid=notes-use-net2]');
    await page.waitForFunction(() => location.hash.includes('hidden=2&activation=sigmoid') && Boolean(document.querySelector('[data-testid=notes-step][data-kind=forward]')));
    expect(await page.inputValue('[data-testid=dataset]')).toBe('xor');
    await page.click('[data-testid=notes-close]');
    await page.selectOption('[data-testid=activation]', 'tanh');
    await page.check('[data-testid=feature-x1x2]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=weight]').length === 3 * 2 + 2);
    expect(page.url()).toContain('features=x1,x2,x1x2');
    await page.focus('[data-testid=more-0]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=weight]').length === 3 * 3 + 3);
    expect(page.url()).toContain('hidden=3');
    await page.selectOption('[data-testid=l2]', '0.01');
    await page.waitForFunction(() => location.hash.includes('l2=0.01'));
    // A larger view of a hidden unit's map on hover.
    await page.hover('[data-unit="1"]', { force: true });
    await page.waitForSelector('[data-testid=unit-zoom]:not([hidden])');
    const shown = await heatmapImage(page);
    await page.uncheck('[data-testid=show-test]');
    await page.waitForFunction(() => location.hash.includes('test=0'));
    const noTest = await heatmapImage(page);
    await page.check('[data-testid=discretize]');
    await page.waitForFunction(() => location.hash.includes('discrete=1'));
    expect(new Set([shown, noTest, await heatmapImage(page)]).size).toBe(3);
    await page.close();
  });

  for (const width of [1400, 420]) {
    it(`at ${width} px: no horizontal scrolling, nothing clipped, axe-core finds no serious violation; screenshot saved`, async () => {
      const page = await open('', width);
      await page.waitForSelector('[data-testid=factor-row]');
      await page.click('[data-testid=notes]');
      await page.waitForSelector('[data-testid=notes-step]');
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // Every input label lies inside the network drawing (the "ears_experience").
      const clipped = await page.$$eval('[data-testid=network] text.label', (els) => els.filter((e) => {
        const box = (e as SVGTextElement).getBBox();
        const view = ((e as SVGTextElement).ownerSVGElement as SVGSVGElement).viewBox.baseVal;
        return box.x < 0 || box.x + box.width > view.width;
      }).map((e) => e.textContent));
      expect(clipped).toEqual([]);
      // A long value stays on one line.
      const wrapped = await page.$$eval('[data-testid=notes-step] .num, [data-testid=factor-value]', (els) => els.filter((e) => {
        // The text's own line boxes: more than one means the number was broken across lines.
        const range = document.createRange();
        range.selectNodeContents(e);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
      }).map((e) => e.textContent));
      expect(wrapped).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(RESULTS, `playground-${width}.png`), fullPage: true });
      // Close-ups, for looking at the narrow layout at its real size.
      if (width === 420) {
        await page.locator('[data-view=notes]').screenshot({ path: join(RESULTS, 'playground-420-notes.png') });
        await page.locator('header').screenshot({ path: join(RESULTS, 'playground-420-controls.png') });
        await page.locator('.columns > section').nth(1).screenshot({ path: join(RESULTS, 'playground-420-map.png') });
        await page.locator('.columns > section').first().screenshot({ path: join(RESULTS, 'playground-420-network.png') });
      }
      await page.close();
    });
  }

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
