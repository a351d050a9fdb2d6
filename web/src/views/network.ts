/**
 * The network drawn as an SVG: inputs on the left, the output on the right. Each edge is a weight
 * (blue positive, orange negative, width growing with |w|); each non-input node is its unit with
 * its bias. Clicking an edge or a node selects that parameter for the factors panel.
 */
import { modelToNetwork } from '../../../src/model/convert.js';
import { createNaming } from '../../../src/explain/index.js';
import type { ModelLayer } from '../../../src/model/schema.js';
import { BLUE, ORANGE, rgb, short } from '../colors.js';
import { paramKey, parseParamKey, type ParamRef, type PlaygroundState } from '../state.js';
import { playgroundModel } from '../session.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 420;
const HEIGHT = 280;
const RADIUS = 15;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function strength(w: number): string {
  return rgb(w >= 0 ? BLUE : ORANGE, Math.min(1, 0.25 + Math.abs(w) / 3));
}

export class NetworkView {
  private readonly svg: SVGSVGElement;
  private lastLayers: ModelLayer[] | null = null;
  private lastSelection = '';

  constructor(container: HTMLElement, handlers: { onSelect(ref: ParamRef): void }) {
    container.innerHTML = '';
    this.svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, 'data-testid': 'network' });
    container.append(this.svg);
    this.svg.addEventListener('click', (event) => {
      const target = (event.target as Element).closest('[data-param]');
      const ref = target ? parseParamKey(target.getAttribute('data-param') ?? '') : null;
      if (ref) handlers.onSelect(ref);
    });
  }

  update(state: PlaygroundState): void {
    const layers = state.layers;
    const selected = state.selection.param ? paramKey(state.selection.param) : '';
    if (!layers || (layers === this.lastLayers && selected === this.lastSelection)) return;
    this.lastLayers = layers;
    this.lastSelection = selected;
    const naming = createNaming(modelToNetwork(playgroundModel(state.data, layers)));
    const widths = [layers[0].weights[0].length, ...layers.map((l) => l.weights.length)];
    const colX = (c: number) => 40 + (c * (WIDTH - 80)) / (widths.length - 1);
    const rowY = (c: number, k: number) => HEIGHT / 2 + (k - (widths[c] - 1) / 2) * Math.min(56, (HEIGHT - 40) / Math.max(1, widths[c] - 1));

    const edges = el('g', { class: 'edges' });
    const nodes = el('g', { class: 'nodes' });
    layers.forEach((layer, l) => {
      layer.weights.forEach((row, j) => row.forEach((w, i) => {
        const ref = { layer: l, unit: j, input: i };
        const key = paramKey(ref);
        const coords = { x1: colX(l) + RADIUS, y1: rowY(l, i), x2: colX(l + 1) - RADIUS, y2: rowY(l + 1, j) };
        const line = el('line', { ...coords, stroke: strength(w), 'stroke-width': Math.min(8, 0.5 + 1.5 * Math.abs(w)), class: key === selected ? 'edge selected' : 'edge' });
        // A wide transparent line on top makes thin edges easy to click.
        const hit = el('line', { ...coords, stroke: 'transparent', 'stroke-width': 12, class: 'hit', 'data-param': key, 'data-value': String(w), 'data-testid': 'weight' });
        const title = el('title', {});
        title.textContent = `${naming.label(l, j, i)} = ${short(w)}`;
        hit.append(title);
        edges.append(line, hit);
      }));
    });
    widths.forEach((width, c) => {
      for (let k = 0; k < width; k++) {
        const cx = colX(c);
        const cy = rowY(c, k);
        if (c === 0) {
          nodes.append(el('circle', { cx, cy, r: RADIUS, class: 'node input' }));
          const label = el('text', { x: cx, y: cy + RADIUS + 13, 'text-anchor': 'middle', class: 'label' });
          label.textContent = state.data.axes[k]?.name ?? `x${k + 1}`;
          nodes.append(label);
          continue;
        }
        const ref = { layer: c - 1, unit: k };
        const key = paramKey(ref);
        const b = layers[c - 1].bias[k];
        const circle = el('circle', { cx, cy, r: RADIUS, fill: strength(b), class: key === selected ? 'node unit selected' : 'node unit', 'data-param': key, 'data-value': String(b), 'data-testid': 'bias' });
        const title = el('title', {});
        title.textContent = `${naming.label(c - 1, k)} = ${short(b)} (bias of ${naming.a(c - 1, k)})`;
        circle.append(title);
        const label = el('text', { x: cx, y: cy + 4, 'text-anchor': 'middle', class: 'unit-label' });
        label.textContent = naming.a(c - 1, k);
        nodes.append(circle, label);
      }
    });
    this.svg.replaceChildren(edges, nodes);
  }
}
