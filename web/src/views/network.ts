/**
 * The network drawn as an SVG that scales to its panel: inputs on the left, the output on the
 * right. Each edge is a weight (blue positive, orange negative, width growing with |w|); each
 * non-input node is its unit with its bias. Clicking an edge or a node (or Enter on it) selects
 * that parameter for the factors panel; hovering or focusing a hidden unit shows its map large.
 */
import { modelToNetwork } from '../../../src/model/convert.js';
import { createNaming } from '../../../src/explain/index.js';
import type { ModelLayer } from '../../../src/model/schema.js';
import { BLUE, ORANGE, probabilityColor, rgb, short } from '../colors.js';
import { UNIT_GRID_SIZE } from '../protocol.js';
import { FEATURES, type FeatureName } from '../features.js';
import type { ActivationName } from '../../../src/math/activations.js';
import { paramKey, parseParamKey, type ParamRef, type PlaygroundState } from '../state.js';
import { playgroundModel } from '../session.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 460;
const RADIUS = 15;
/** Room on the left for the input names, right-aligned against their nodes. */
const INPUT_X = 150;
const MAX_LABEL = 18;

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

  private height = 280;
  private readonly zoom: HTMLCanvasElement;
  private readonly zoomCaption: HTMLElement;
  private zoomUnit = -1;
  /** Where each hidden unit's node is, in SVG units, for the large map. */
  private unitPlaces: { cx: number; cy: number; name: string }[] = [];

  constructor(container: HTMLElement, handlers: { onSelect(ref: ParamRef): void }) {
    container.innerHTML = '';
    container.classList.add('network-view');
    const frame = document.createElement('div');
    frame.className = 'network-frame';
    this.svg = el('svg', { viewBox: `0 0 ${WIDTH} ${this.height}`, 'data-testid': 'network', role: 'group', 'aria-label': 'the network: select a weight (edge) or a bias (node)' });
    this.overlay = document.createElement('div');
    this.overlay.className = 'unit-maps';
    this.zoom = document.createElement('canvas');
    this.zoom.width = UNIT_GRID_SIZE;
    this.zoom.height = UNIT_GRID_SIZE;
    this.zoom.className = 'unit-zoom';
    this.zoom.hidden = true;
    this.zoom.dataset.testid = 'unit-zoom';
    this.zoomCaption = document.createElement('div');
    this.zoomCaption.className = 'unit-zoom-caption';
    this.zoomCaption.hidden = true;
    frame.append(this.svg, this.overlay, this.zoom, this.zoomCaption);
    const legend = document.createElement('p');
    legend.className = 'legend';
    legend.innerHTML = `<span class="nowrap"><span class="line blue"></span> weight &gt; 0</span> <span class="nowrap"><span class="line orange"></span> weight &lt; 0</span>
      <span class="nowrap">thicker: larger |w|</span> <span class="nowrap">node colour: its bias</span> <span>inside a hidden unit: its output over the map (hover to enlarge)</span>`;
    container.append(frame, legend);
    const choose = (target: Element | null) => {
      const hit = target?.closest('[data-param]');
      const ref = hit ? parseParamKey(hit.getAttribute('data-param') ?? '') : null;
      if (ref) handlers.onSelect(ref);
    };
    this.svg.addEventListener('click', (event) => choose(event.target as Element));
    this.svg.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      choose(event.target as Element);
    });
    const hover = (event: Event) => {
      const unit = (event.target as Element).closest('[data-unit]')?.getAttribute('data-unit');
      this.showZoom(unit === null || unit === undefined ? -1 : Number(unit));
    };
    this.svg.addEventListener('mouseover', hover);
    this.svg.addEventListener('focusin', hover);
    this.svg.addEventListener('mouseleave', () => this.showZoom(-1));
    this.svg.addEventListener('focusout', () => this.showZoom(-1));
  }

  private lastGrids: Float64Array | null = null;

  /** The hovered hidden unit's map, drawn large next to it. */
  private showZoom(unit: number): void {
    this.zoomUnit = unit;
    const place = this.unitPlaces[unit];
    this.zoom.hidden = !place;
    this.zoomCaption.hidden = !place;
    if (!place) return;
    const size = 150;
    const left = Math.min(WIDTH - size - 4, place.cx + RADIUS + 8);
    const top = Math.max(4, Math.min(this.height - size - 24, place.cy - size / 2));
    Object.assign(this.zoom.style, { left: `${(left / WIDTH) * 100}%`, top: `${(top / this.height) * 100}%`, width: `${(size / WIDTH) * 100}%` });
    Object.assign(this.zoomCaption.style, { left: `${(left / WIDTH) * 100}%`, top: `${((top + size + 2) / this.height) * 100}%` });
    this.zoomCaption.textContent = `${place.name} over the map`;
    this.paintZoom();
  }

  private paintZoom(): void {
    const grids = this.lastGrids;
    const n = UNIT_GRID_SIZE * UNIT_GRID_SIZE;
    if (this.zoomUnit < 0 || !grids || grids.length < (this.zoomUnit + 1) * n) return;
    const image = new ImageData(UNIT_GRID_SIZE, UNIT_GRID_SIZE);
    const activation = this.unitActivations[this.zoomUnit];
    for (let k = 0; k < n; k++) {
      const [r, g, b] = probabilityColor(unitShade(activation, grids[this.zoomUnit * n + k]));
      image.data.set([r, g, b, 255], k * 4);
    }
    this.zoom.getContext('2d')!.putImageData(image, 0, 0);
  }

  private unitActivations: ActivationName[] = [];

  update(state: PlaygroundState): void {
    const layers = state.layers;
    const selected = state.selection.param ? paramKey(state.selection.param) : '';
    if (layers && state.unitGrids !== this.lastUnitGrids && this.shape) this.drawUnits(layers, state.unitGrids);
    if (!layers || (layers === this.lastLayers && selected === this.lastSelection)) return;
    this.lastLayers = layers;
    this.lastSelection = selected;
    const widths = [layers[0].weights[0].length, ...layers.map((l) => l.weights.length)];
    const shape = `${widths.join('-')}|${inputNames(state).join(',')}`;
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
    // The drawing grows with the widest column, so many units never crowd one another.
    const HEIGHT = Math.max(220, 52 * Math.max(...widths) + 36);
    this.height = HEIGHT;
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    const colX = (c: number) => INPUT_X + (c * (WIDTH - INPUT_X - 40)) / (widths.length - 1);
    const rowY = (c: number, k: number) => HEIGHT / 2 + (k - (widths[c] - 1) / 2) * Math.min(64, (HEIGHT - 40) / Math.max(1, widths[c] - 1));
    const names = inputNames(state);
    this.unitPlaces = [];
    this.unitActivations = [];
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
        const hit = el('line', { ...coords, stroke: 'transparent', 'stroke-width': 12, class: 'hit', 'data-param': key, 'data-testid': 'weight', tabindex: 0, role: 'button', 'aria-label': `weight ${naming.label(l, j, i)}` });
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
          const name = names[k] ?? `x${k + 1}`;
          const label = el('text', { x: cx - RADIUS - 5, y: cy + 4, 'text-anchor': 'end', class: 'label' });
          // A long column name is shortened on the drawing and given whole in its tooltip.
          label.textContent = name.length > MAX_LABEL ? `${name.slice(0, MAX_LABEL - 1)}…` : name;
          const full = el('title', {});
          full.textContent = name;
          label.append(full);
          nodes.append(label);
          continue;
        }
        const key = paramKey({ layer: c - 1, unit: k });
        const hiddenUnit = c < widths.length - 1;
        const circle = el('circle', {
          cx, cy, r: RADIUS, class: 'node unit', 'data-param': key, 'data-testid': 'bias', tabindex: 0, role: 'button', 'aria-label': `bias ${naming.label(c - 1, k)} of ${naming.a(c - 1, k)}`,
          ...(hiddenUnit ? { 'data-unit': this.unitPlaces.length } : {}),
        });
        const title = el('title', {});
        circle.append(title);
        const hidden = c < widths.length - 1;
        const label = el('text', { x: cx, y: hidden ? cy - RADIUS - 4 : cy + 4, 'text-anchor': 'middle', class: 'unit-label' });
        label.textContent = naming.a(c - 1, k);
        nodes.append(circle, label);
        // A softmax head's units are its classes, in target order: each says which.
        const classes = state.data.target.classes;
        if (!hidden && state.data.task === 'multiclass' && classes) {
          const name = el('text', { x: cx, y: cy + RADIUS + 12, 'text-anchor': 'middle', class: 'unit-label', 'data-testid': 'output-class' });
          name.textContent = classes[k];
          nodes.append(name);
        }
        this.nodes.set(key, { circle, title });
        if (hidden) {
          this.unitPlaces.push({ cx, cy, name: naming.a(c - 1, k) });
          this.unitActivations.push(layers[c - 1].activation);
          const canvas = document.createElement('canvas');
          canvas.width = UNIT_GRID_SIZE;
          canvas.height = UNIT_GRID_SIZE;
          const inner = RADIUS * 2 - 6;
          // In percent of the drawing, so the maps stay on their nodes however wide the panel is.
          Object.assign(canvas.style, {
            left: `${((cx - inner / 2) / WIDTH) * 100}%`, top: `${((cy - inner / 2) / HEIGHT) * 100}%`,
            width: `${(inner / WIDTH) * 100}%`, height: `${(inner / HEIGHT) * 100}%`,
          });
          this.overlay.append(canvas);
          this.unitCanvases.push(canvas.getContext('2d')!);
        }
      }
    });
    this.svg.replaceChildren(edges, nodes);
  }

  private drawUnits(layers: ModelLayer[], grids: Float64Array | null): void {
    this.lastUnitGrids = grids;
    this.lastGrids = grids;
    this.paintZoom();
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

/** The names of the network's inputs: the feature crosses on a map, else the encoders' columns (one-hot columns as name=level). */
function inputNames(state: PlaygroundState): string[] {
  const { data, config } = state;
  if (data.axes) {
    const plain = config.features.length === 2 && config.features[0] === 'x1' && config.features[1] === 'x2';
    return plain ? data.axes.map((a) => a.name) : config.features.map((f: FeatureName) => FEATURES[f].label);
  }
  return data.inputs.flatMap((input) => (input.kind === 'numeric' ? [input.name] : input.categories.map((c) => `${input.name}=${c}`)));
}
