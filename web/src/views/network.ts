/**
 * The network drawn as an SVG: inputs on the left, the output on the right. Each edge is a weight
 * (blue positive, orange negative, width growing with |w|); each non-input node is its unit with
 * its bias. Clicking an edge or a node selects that parameter for the factors panel.
 */
import { modelToNetwork } from '../../../src/model/convert.js';
import { createNaming } from '../../../src/explain/index.js';
import type { ModelLayer } from '../../../src/model/schema.js';
import { BLUE, ORANGE, probabilityColor, rgb, short } from '../colors.js';
import { UNIT_GRID_SIZE } from '../protocol.js';
import type { ActivationName } from '../../../src/math/activations.js';
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

interface EdgeEls { line: SVGLineElement; hit: SVGLineElement; title: SVGTitleElement }
interface NodeEls { circle: SVGCircleElement; title: SVGTitleElement }

/** An activation mapped to [0, 1] for colouring: σ as is, tanh from [−1, 1], others squashed by tanh. */
function unitShade(activation: ActivationName, a: number): number {
  if (activation === 'sigmoid') return a;
  if (activation === 'tanh') return (a + 1) / 2;
  return 0.5 + 0.5 * Math.tanh(a);
}

export class NetworkView {
  private readonly svg: SVGSVGElement;
  private lastLayers: ModelLayer[] | null = null;
  private lastSelection = '';
  /** The drawn shape; the elements are rebuilt only when it changes, else updated in place. */
  private shape = '';
  private edges = new Map<string, EdgeEls>();
  private nodes = new Map<string, NodeEls>();
  /** Each hidden unit's activation over the input plane, drawn inside its node (as in TensorFlow Playground). */
  private readonly overlay: HTMLDivElement;
  private unitCanvases: CanvasRenderingContext2D[] = [];
  private unitImage = new ImageData(UNIT_GRID_SIZE, UNIT_GRID_SIZE);
  private lastUnitGrids: Float64Array | null = null;

  constructor(container: HTMLElement, handlers: { onSelect(ref: ParamRef): void }) {
    container.innerHTML = '';
    container.classList.add('network-view');
    this.svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, 'data-testid': 'network' });
    this.overlay = document.createElement('div');
    this.overlay.className = 'unit-maps';
    container.append(this.svg, this.overlay);
    this.svg.addEventListener('click', (event) => {
      const target = (event.target as Element).closest('[data-param]');
      const ref = target ? parseParamKey(target.getAttribute('data-param') ?? '') : null;
      if (ref) handlers.onSelect(ref);
    });
  }

  update(state: PlaygroundState): void {
    const layers = state.layers;
    const selected = state.selection.param ? paramKey(state.selection.param) : '';
    if (layers && state.unitGrids !== this.lastUnitGrids && this.shape) this.drawUnits(layers, state.unitGrids);
    if (!layers || (layers === this.lastLayers && selected === this.lastSelection)) return;
    this.lastLayers = layers;
    this.lastSelection = selected;
    const widths = [layers[0].weights[0].length, ...layers.map((l) => l.weights.length)];
    const shape = `${widths.join('-')}|${state.data.axes.map((a) => a.name).join(',')}`;
    const naming = createNaming(modelToNetwork(playgroundModel(state.data, layers)));
    if (shape !== this.shape) {
      this.shape = shape;
      this.build(state, widths, naming);
      this.drawUnits(layers, state.unitGrids);
    }
    layers.forEach((layer, l) => {
      layer.weights.forEach((row, j) => row.forEach((w, i) => {
        const key = paramKey({ layer: l, unit: j, input: i });
        const { line, hit, title } = this.edges.get(key)!;
        line.setAttribute('stroke', strength(w));
        line.setAttribute('stroke-width', String(Math.min(8, 0.5 + 1.5 * Math.abs(w))));
        line.setAttribute('class', key === selected ? 'edge selected' : 'edge');
        hit.setAttribute('data-value', String(w));
        title.textContent = `${naming.label(l, j, i)} = ${short(w)}`;
      }));
      layer.bias.forEach((b, j) => {
        const key = paramKey({ layer: l, unit: j });
        const { circle, title } = this.nodes.get(key)!;
        circle.setAttribute('fill', strength(b));
        circle.setAttribute('class', key === selected ? 'node unit selected' : 'node unit');
        circle.setAttribute('data-value', String(b));
        title.textContent = `${naming.label(l, j)} = ${short(b)} (bias of ${naming.a(l, j)})`;
      });
    });
  }

  private build(state: PlaygroundState, widths: number[], naming: ReturnType<typeof createNaming>): void {
    const layers = state.layers!;
    const colX = (c: number) => 40 + (c * (WIDTH - 80)) / (widths.length - 1);
    const rowY = (c: number, k: number) => HEIGHT / 2 + (k - (widths[c] - 1) / 2) * Math.min(56, (HEIGHT - 40) / Math.max(1, widths[c] - 1));
    this.edges = new Map();
    this.nodes = new Map();
    this.unitCanvases = [];
    this.overlay.replaceChildren();
    const edges = el('g', { class: 'edges' });
    const nodes = el('g', { class: 'nodes' });
    layers.forEach((layer, l) => {
      layer.weights.forEach((row, j) => row.forEach((_w, i) => {
        const key = paramKey({ layer: l, unit: j, input: i });
        const coords = { x1: colX(l) + RADIUS, y1: rowY(l, i), x2: colX(l + 1) - RADIUS, y2: rowY(l + 1, j) };
        const line = el('line', { ...coords, class: 'edge' });
        // A wide transparent line on top makes thin edges easy to click.
        const hit = el('line', { ...coords, stroke: 'transparent', 'stroke-width': 12, class: 'hit', 'data-param': key, 'data-testid': 'weight' });
        const title = el('title', {});
        hit.append(title);
        edges.append(line, hit);
        this.edges.set(key, { line, hit, title });
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
        const key = paramKey({ layer: c - 1, unit: k });
        const circle = el('circle', { cx, cy, r: RADIUS, class: 'node unit', 'data-param': key, 'data-testid': 'bias' });
        const title = el('title', {});
        circle.append(title);
        const hidden = c < widths.length - 1;
        const label = el('text', { x: cx, y: hidden ? cy - RADIUS - 4 : cy + 4, 'text-anchor': 'middle', class: 'unit-label' });
        label.textContent = naming.a(c - 1, k);
        nodes.append(circle, label);
        this.nodes.set(key, { circle, title });
        if (hidden) {
          const canvas = document.createElement('canvas');
          canvas.width = UNIT_GRID_SIZE;
          canvas.height = UNIT_GRID_SIZE;
          const inner = RADIUS * 2 - 6;
          Object.assign(canvas.style, { left: `${cx - inner / 2}px`, top: `${cy - inner / 2}px`, width: `${inner}px`, height: `${inner}px` });
          this.overlay.append(canvas);
          this.unitCanvases.push(canvas.getContext('2d')!);
        }
      }
    });
    this.svg.replaceChildren(edges, nodes);
  }

  private drawUnits(layers: ModelLayer[], grids: Float64Array | null): void {
    this.lastUnitGrids = grids;
    const n = UNIT_GRID_SIZE * UNIT_GRID_SIZE;
    if (!grids || grids.length !== this.unitCanvases.length * n) return;
    const pixels = this.unitImage.data;
    let u = 0;
    layers.slice(0, -1).forEach((layer) => {
      for (let j = 0; j < layer.bias.length; j++, u++) {
        for (let k = 0; k < n; k++) {
          const [r, g, b] = probabilityColor(unitShade(layer.activation, grids[u * n + k]));
          pixels[k * 4] = r;
          pixels[k * 4 + 1] = g;
          pixels[k * 4 + 2] = b;
          pixels[k * 4 + 3] = 255;
        }
        this.unitCanvases[u].putImageData(this.unitImage, 0, 0);
      }
    });
  }
}
