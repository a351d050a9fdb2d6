/**
 * The notes mode: Net 1 or Net 2 drawn with the notes' names, and the lesson's steps walked one at
 * a time (buttons, or ← → Home End on the page). The step's part of the drawing is highlighted; the
 * card shows its formula, the formula with the numbers plugged in and the value, and where the note
 * slips, the note's formula as written beside the correct one. This view only formats the lesson.
 */
import type { Highlight, Lesson, Net1Sample, NotesNet, NotesStep } from '../notes.js';
import { num } from '../../../src/explain/format.js';
import type { PlaygroundState } from '../state.js';

const SVG = 'http://www.w3.org/2000/svg';

export interface NotesHandlers {
  onNet(net: NotesNet): void;
  /** Move through the lesson; the controller applies it to the current step, so fast key presses are never lost. */
  onMove(move: number | 'first' | 'last'): void;
  onClose(): void;
  onUseNet2(): void;
  /** Net 1's sample, weights or η edited. */
  onNet1(sample: Net1Sample): void;
}

const NET1_FIELDS: [keyof Net1Sample, string][] = [['x', 'x'], ['y', 'y'], ['w1', 'w1'], ['b1', 'b1'], ['w2', 'w2'], ['b2', 'b2'], ['lr', 'η']];

interface Place { x: number; y: number }
/** An edge: weight name, from, to, where along it its label sits (0–1) and how far above (−) or below (+). */
type Edge = [string, string, string, number, number];
interface Drawing { width: number; height: number; inputs: Record<string, Place>; units: Record<string, Place>; loss: Place; edges: Edge[]; below: Record<string, number> }

/** Where each part of the two notes' networks is drawn; labels placed so that none overlaps another. */
const DRAWINGS: Record<NotesNet, Drawing> = {
  net1: {
    width: 440, height: 130, inputs: { x: { x: 36, y: 56 } }, units: { z: { x: 170, y: 56 }, 'ŷ': { x: 300, y: 56 } }, loss: { x: 404, y: 56 },
    edges: [['w1', 'x', 'z', 0.5, -8], ['w2', 'z', 'ŷ', 0.5, -8]], below: {},
  },
  net2: {
    width: 440, height: 250, inputs: { x1: { x: 36, y: 60 }, x2: { x: 36, y: 190 } }, units: { a1: { x: 200, y: 60 }, a2: { x: 200, y: 190 }, 'ŷ': { x: 320, y: 125 } },
    loss: { x: 404, y: 125 },
    edges: [
      ['w11', 'x1', 'a1', 0.5, -8], ['w22', 'x2', 'a2', 0.5, 16], ['w21', 'x2', 'a1', 0.3, 16], ['w12', 'x1', 'a2', 0.3, -6],
      ['w1', 'a1', 'ŷ', 0.5, -10], ['w2', 'a2', 'ŷ', 0.5, 20],
    ],
    // x1's and a1's values go above them, clear of the edges that leave them downwards.
    below: { a1: -30, x1: -30 },
  },
};

function svgEl<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A value kept on one line: the number never wraps in the middle. */
const value = (x: number, testid = 'notes-value') => `<span class="nowrap num" data-testid="${testid}" data-value="${x}" title="${x}">${escape(num(x))}</span>`;

const key = (h: Highlight) => `${h.kind}:${h.id}`;

export class NotesView {
  private readonly root: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly card: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly model: HTMLElement;
  private readonly hint: HTMLElement;
  private drawn: NotesNet | null = null;
  private lastLesson: Lesson | null = null;
  private lastStep = -1;
  private readonly labels = new Map<string, SVGTextElement>();

  constructor(container: HTMLElement, private readonly handlers: NotesHandlers) {
    this.root = container;
    container.innerHTML = `
      <div class="notes-head">
        <h2 id="notes-title">Notes mode</h2>
        <div role="group" aria-label="network of the notes" class="notes-nets">
          <button type="button" data-net="net1" data-testid="notes-net1" aria-pressed="true">Net 1 (note 000)</button>
          <button type="button" data-net="net2" data-testid="notes-net2" aria-pressed="false">Net 2 (note 004)</button>
        </div>
        <button type="button" class="notes-close" data-testid="notes-close" >✕ close</button>
      </div>
      <p class="hint notes-hint" data-testid="notes-hint" hidden></p>
      <fieldset class="net1-sample" data-testid="net1-sample"><legend>Net 1's sample and weights</legend>
        ${NET1_FIELDS.map(([k, label]) => k === 'y'
          ? `<label>y <select name="${k}" data-testid="net1-${k}"><option value="0">0</option><option value="1">1</option></select></label>`
          : `<label>${label} <input type="number" step="0.1" name="${k}" data-testid="net1-${k}" ${k === 'lr' ? 'min="0.001"' : ''}></label>`).join('')}
      </fieldset>
      <div class="notes-body">
        <div class="notes-diagram"></div>
        <p class="legend notes-legend"><span class="nowrap"><span class="swatch hl-swatch"></span> this step's part of the network</span> <span class="nowrap">beside each node: its values for this sample</span></p>
        <div class="notes-nav">
          <button type="button" data-testid="notes-first">first</button>
          <button type="button" data-testid="notes-prev">◀ back</button>
          <span class="notes-counter" data-testid="notes-counter" aria-live="polite"></span>
          <button type="button" data-testid="notes-next">next ▶</button>
          <button type="button" data-testid="notes-last">last</button>
          <span class="hint">keys ← → Home End</span>
        </div>
        <div class="notes-card" data-testid="notes-step"></div>
        <details class="notes-model"><summary>this lesson as a model file and a sample (for <code>chainrule explain</code>)</summary><pre data-testid="notes-model"></pre></details>
      </div>`;
    this.svg = svgEl('svg', { role: 'img', 'aria-label': 'the network of the notes', 'data-testid': 'notes-diagram' });
    container.querySelector('.notes-diagram')!.append(this.svg);
    this.card = container.querySelector('.notes-card')!;
    this.counter = container.querySelector('.notes-counter')!;
    this.model = container.querySelector('[data-testid=notes-model]')!;
    this.hint = container.querySelector('.notes-hint')!;
    container.querySelectorAll<HTMLButtonElement>('[data-net]').forEach((b) => b.addEventListener('click', () => handlers.onNet(b.dataset.net as NotesNet)));
    container.querySelector('[data-testid=notes-close]')!.addEventListener('click', () => handlers.onClose());
    const go = (delta: number | 'first' | 'last') => () => this.go(delta);
    container.querySelector('[data-testid=notes-first]')!.addEventListener('click', go('first'));
    container.querySelector('[data-testid=notes-prev]')!.addEventListener('click', go(-1));
    container.querySelector('[data-testid=notes-next]')!.addEventListener('click', go(1));
    container.querySelector('[data-testid=notes-last]')!.addEventListener('click', go('last'));
    const sample = container.querySelector<HTMLFieldSetElement>('.net1-sample')!;
    sample.addEventListener('change', () => {
      const read = (k: string) => Number(sample.querySelector<HTMLInputElement>(`[name=${k}]`)!.value);
      const next = Object.fromEntries(NET1_FIELDS.map(([k]) => [k, read(k)])) as unknown as Net1Sample;
      // A blank or non-finite field keeps its value; η must stay positive.
      if (NET1_FIELDS.every(([k]) => Number.isFinite(next[k])) && next.lr > 0) handlers.onNet1(next);
    });
    this.hint.addEventListener('click', (event) => {
      if ((event.target as Element).closest('[data-testid=notes-use-net2]')) handlers.onUseNet2();
    });
    document.addEventListener('keydown', (event) => {
      if (this.root.hidden || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, select, textarea')) return;
      const moves: Record<string, number | 'first' | 'last'> = { ArrowRight: 1, ArrowLeft: -1, Home: 'first', End: 'last' };
      const move = moves[event.key];
      if (move === undefined) return;
      event.preventDefault();
      this.go(move);
    });
  }

  private state: PlaygroundState | null = null;

  private go(move: number | 'first' | 'last'): void {
    if (this.state?.lesson) this.handlers.onMove(move);
  }

  update(state: PlaygroundState): void {
    this.state = state;
    const { notes, lesson } = state;
    this.root.hidden = !notes.open;
    if (!notes.open) return;
    this.root.querySelectorAll<HTMLButtonElement>('[data-net]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.net === notes.net)));
    const sample = this.root.querySelector<HTMLFieldSetElement>('.net1-sample')!;
    sample.hidden = notes.net !== 'net1';
    for (const [k] of NET1_FIELDS) {
      const field = sample.querySelector<HTMLInputElement | HTMLSelectElement>(`[name=${k}]`)!;
      if (field !== document.activeElement) field.value = String(notes.net1[k]);
    }
    const unavailable = notes.net === 'net2' && !lesson;
    this.hint.hidden = !unavailable;
    (this.root.querySelector('.notes-body') as HTMLElement).hidden = unavailable;
    if (unavailable) {
      this.hint.innerHTML = `Net 2 is the 2-2-1 sigmoid network on two inputs; the current run is another network. <button type="button" data-testid="notes-use-net2">use the 2-2-1 network</button>`;
      return;
    }
    if (!lesson || (lesson === this.lastLesson && notes.step === this.lastStep)) return;
    if (this.drawn !== lesson.net) this.draw(lesson);
    this.lastLesson = lesson;
    this.lastStep = notes.step;
    const step = lesson.steps[Math.min(notes.step, lesson.steps.length - 1)];
    this.label(lesson);
    this.highlight(step);
    this.counter.textContent = `step ${notes.step + 1} of ${lesson.steps.length}`;
    this.card.innerHTML = this.cardHtml(step);
    this.card.dataset.kind = step.kind;
    this.card.dataset.param = step.param ?? '';
    this.card.dataset.term = step.term === undefined ? '' : String(step.term);
    this.card.dataset.note = step.note ?? '';
    this.model.textContent = JSON.stringify(state.notesCase);
  }

  private cardHtml(step: NotesStep): string {
    const numbers = Object.entries(step.numbers ?? {}).map(([k, v]) => `<span class="nowrap" data-testid="notes-number" data-name="${escape(k)}" data-value="${v}">${escape(k)} = ${escape(num(v))}</span>`).join(' ');
    const notes = (step.notes ?? []).map((n) => `
      <div class="note-line ${n.verdict}" data-testid="note-line" data-verdict="${n.verdict}">
        <div><span class="badge ${n.verdict}">${n.verdict === 'slips' ? `✗ the note slips${n.slip ? ` (slip ${n.slip})` : ''}` : '✓ the note holds'}</span>
          note as written: <code>${escape(n.asWritten)}</code> = ${value(n.valueAsWritten, 'note-value')}</div>
        ${n.corrected ? `<div>correct: <code>${escape(n.corrected)}</code></div>` : ''}
        ${n.reading ? `<div class="hint">read as: ${escape(n.reading)}</div>` : ''}
      </div>`).join('');
    return `
      <h3>${escape(step.title)}</h3>
      ${step.meaning ? `<p class="hint">${escape(step.meaning)}</p>` : ''}
      ${step.formula ? `<p class="formula"><code>${escape(step.formula)}</code></p>` : ''}
      ${step.plugged !== undefined ? `<p class="formula"><code>${escape(step.plugged)}</code> = <b>${value(step.value ?? NaN)}</b></p>` : ''}
      ${(step.lines ?? []).map((l) => `<p>${escape(l)}</p>`).join('')}
      ${notes}
      <p class="notes-numbers">${numbers}</p>`;
  }

  private draw(lesson: Lesson): void {
    const d = DRAWINGS[lesson.net];
    this.drawn = lesson.net;
    this.labels.clear();
    this.svg.setAttribute('viewBox', `0 0 ${d.width} ${d.height}`);
    const at = (name: string): Place => d.inputs[name] ?? d.units[name];
    const parts: SVGElement[] = [];
    // Edge labels go on top of every edge and node, each on a white halo (style.css).
    const edgeLabels: SVGElement[] = [];
    for (const [w, from, to, t, dy] of d.edges) {
      const a = at(from);
      const b = at(to);
      parts.push(svgEl('line', { x1: a.x + 18, y1: a.y, x2: b.x - 18, y2: b.y, class: 'n-edge', 'data-hl': `edge:${w}` }));
      const mx = a.x + 18 + (b.x - a.x - 36) * t;
      const my = a.y + (b.y - a.y) * t + dy;
      const label = svgEl('text', { x: mx, y: my, class: 'n-label edge-label', 'text-anchor': 'middle', 'data-hl-label': `edge:${w}` });
      edgeLabels.push(label);
      this.labels.set(`edge:${w}`, label);
    }
    const last = d.edges[d.edges.length - 1][2];
    const o = at(last);
    parts.push(svgEl('line', { x1: o.x + 18, y1: o.y, x2: d.loss.x - 22, y2: d.loss.y, class: 'n-edge to-loss' }));
    for (const [name, p] of Object.entries(d.inputs)) {
      parts.push(svgEl('circle', { cx: p.x, cy: p.y, r: 18, class: 'n-node input', 'data-hl': `input:${name}` }));
      parts.push(svgEl('text', { x: p.x, y: p.y + 4, class: 'n-name', 'text-anchor': 'middle' }, name));
      const label = svgEl('text', { x: p.x, y: p.y + (d.below[name] ?? 32), class: 'n-label', 'text-anchor': 'middle' });
      parts.push(label);
      this.labels.set(`input:${name}`, label);
    }
    for (const [name, p] of Object.entries(d.units)) {
      parts.push(svgEl('circle', { cx: p.x, cy: p.y, r: 18, class: 'n-node unit', 'data-hl': `node:${name}` }));
      parts.push(svgEl('text', { x: p.x, y: p.y + 4, class: 'n-name', 'text-anchor': 'middle' }, name));
      const label = svgEl('text', { x: p.x, y: p.y + (d.below[name] ?? 32), class: 'n-label', 'text-anchor': 'middle' });
      parts.push(label);
      this.labels.set(`node:${name}`, label);
    }
    parts.push(svgEl('rect', { x: d.loss.x - 22, y: d.loss.y - 16, width: 44, height: 32, rx: 6, class: 'n-node loss', 'data-hl': 'loss:L' }));
    parts.push(svgEl('text', { x: d.loss.x, y: d.loss.y + 4, class: 'n-name', 'text-anchor': 'middle' }, 'L'));
    const lossLabel = svgEl('text', { x: d.loss.x, y: d.loss.y + 32, class: 'n-label', 'text-anchor': 'middle' });
    parts.push(lossLabel);
    this.labels.set('loss:L', lossLabel);
    this.svg.replaceChildren(...parts, ...edgeLabels);
  }

  /** Values on the drawing: each weight on its edge, z and a (or z', ŷ) under each unit, x under each input. */
  private label(lesson: Lesson): void {
    const { naming, trace, explanation } = lesson;
    const weights = explanation.step.parameters;
    const w = (name: string) => weights.find((p) => p.param === name)?.old;
    for (const [k, text] of this.labels) {
      const [kind, id] = k.split(':');
      let s = '';
      if (kind === 'edge') s = `${id} = ${num(w(id) ?? NaN, 4)}`;
      else if (kind === 'loss') s = `${num(trace.loss, 4)}`;
      else if (kind === 'input') s = `${num(trace.x[lesson.net === 'net1' ? 0 : Number(id.slice(1)) - 1], 4)}`;
      else {
        const l = id === 'ŷ' ? 1 : 0;
        const j = id === 'a2' ? 1 : 0;
        s = naming.z(l, j) === id ? `= ${num(trace.z[l][j], 4)}` : `${naming.z(l, j)} ${num(trace.z[l][j], 3)}, ${id} ${num(trace.a[l][j], 3)}`;
      }
      text.textContent = s;
    }
  }

  private highlight(step: NotesStep): void {
    const on = new Set(step.highlight.map(key));
    this.svg.querySelectorAll('[data-hl]').forEach((e) => e.classList.toggle('hl', on.has(e.getAttribute('data-hl')!)));
    this.svg.querySelectorAll('[data-hl-label]').forEach((e) => e.classList.toggle('hl', on.has(e.getAttribute('data-hl-label')!)));
  }
}
