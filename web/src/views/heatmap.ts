/**
 * The network's output over the two inputs as a heat map, per task:
 *   binary      ŷ (orange ŷ → 0, blue ŷ → 1; two flat colours when discretised), the ŷ = 0.5
 *               boundary traced with marching squares; class 1 circles, class 0 squares;
 *   multiclass  the predicted class in its colour, paled to white as the confidence falls to
 *               chance (flat colours when discretised), the class boundaries drawn between cells
 *               whose predicted class differs; each class its colour and mark;
 *   regression  the predicted value in raw units on a viridis scale over the training values'
 *               range (bands when discretised), the points in the same scale with a dark ring.
 * Both axes carry their column names and ticks in raw units; training points are filled, test
 * points hollow (when shown). Clicking near a training point selects it for the factors and the
 * notes mode. A legend says what every colour and mark means. Over 250 lines: the three tasks'
 * maps share the axes, the points and the picking.
 *
 * Over 300 lines because the three tasks share the grid, the axes and the points; only the
 * cell colour and the legend differ per task.
 */
import { BLUE, classColor, confidenceColor, ORANGE, probabilityColor, rawValue, rgb, short, ticks, VALUE_GRADIENT, valueColor } from '../colors.js';
import type { PlaygroundState } from '../state.js';
import type { PlaygroundData, Point } from '../datasets.js';
import { rawOutput } from '../session.js';

const ranges = new WeakMap<PlaygroundData, [number, number]>();

/** The range of the regression colour scale: the training values' (raw units), so the points span it. Computed once per data set. */
export function valueRange(data: PlaygroundData): [number, number] {
  const known = ranges.get(data);
  if (known) return known;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of data.train) {
    lo = Math.min(lo, p.y);
    hi = Math.max(hi, p.y);
  }
  const range: [number, number] = hi > lo ? [lo, hi] : [lo - 1, lo + 1];
  ranges.set(data, range);
  return range;
}

/** The predicted class of grid cell `cell` (k outputs per cell) and its probability. */
export function argmaxCell(grid: Float64Array, cell: number, k: number): [number, number] {
  let best = 0;
  for (let j = 1; j < k; j++) if (grid[cell * k + j] > grid[cell * k + best]) best = j;
  return [best, grid[cell * k + best]];
}

const MARKS = ['square', 'triangle', 'circle', 'diamond'] as const;
/** A multi-class point's mark: class 0 a square, 1 a triangle, 2 a circle, then diamonds. */
const markOf = (k: number) => MARKS[Math.min(k, MARKS.length - 1)];

/** The plot's square and the margins for the axes. */
const PLOT = 300;
const LEFT = 46;
const TOP = 8;
const WIDTH = LEFT + PLOT + 10;
const HEIGHT = TOP + PLOT + 40;

export class HeatmapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly legend: HTMLElement;
  private readonly none: HTMLElement;
  private last: { grid: Float64Array | null; data: unknown; point: number; test: boolean; discrete: boolean } | null = null;
  private state: PlaygroundState | null = null;
  private off: HTMLCanvasElement | null = null;
  private image: ImageData | null = null;

  constructor(container: HTMLElement, private readonly handlers: { onPickPoint(index: number): void }) {
    container.innerHTML = '';
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.testid = 'heatmap';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'the prediction ŷ over the two inputs, with the data points; click a training point to explain it');
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = WIDTH * ratio;
    this.canvas.height = HEIGHT * ratio;
    this.canvas.style.aspectRatio = `${WIDTH} / ${HEIGHT}`;
    this.canvas.className = 'heatmap-canvas';
    this.ctx = this.canvas.getContext('2d')!;
    this.ctx.scale(ratio, ratio);
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    this.legend.dataset.testid = 'heatmap-legend';
    this.none = document.createElement('p');
    this.none.className = 'hint';
    this.none.hidden = true;
    container.append(this.canvas, this.legend, this.none);
    this.canvas.addEventListener('click', (event) => this.pick(event));
  }

  private toPixel(state: PlaygroundState, p: { x1: number; x2: number }): [number, number] {
    const [a1, a2] = state.data.axes!;
    return [LEFT + ((p.x1 - a1.min) / (a1.max - a1.min)) * PLOT, TOP + ((a2.max - p.x2) / (a2.max - a2.min)) * PLOT];
  }

  private pick(event: MouseEvent): void {
    const state = this.state;
    if (!state?.data.axes) return;
    const rect = this.canvas.getBoundingClientRect();
    // The canvas may be drawn narrower than its WIDTH (a small window): map back to its own units.
    const x = ((event.clientX - rect.left) * WIDTH) / rect.width;
    const y = ((event.clientY - rect.top) * HEIGHT) / rect.height;
    let best = -1;
    let bestD = 10 * 10;
    state.data.train.forEach((p, i) => {
      const [px, py] = this.toPixel(state, p);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    });
    if (best >= 0) this.handlers.onPickPoint(best);
  }

  update(state: PlaygroundState): void {
    this.state = state;
    const key = { grid: state.grid, data: state.data, point: state.selection.point, test: state.config.showTest, discrete: state.config.discretize };
    const l = this.last;
    if (l && l.grid === key.grid && l.data === key.data && l.point === key.point && l.test === key.test && l.discrete === key.discrete) return;
    this.last = key;
    const axes = state.data.axes;
    this.canvas.hidden = !axes;
    this.legend.hidden = !axes;
    this.none.hidden = Boolean(axes);
    if (!axes) {
      this.none.textContent = `No 2-D map: ${state.data.file ?? 'this table'} has ${state.data.inputs.length} inputs (${state.data.inputs.map((i) => i.name).join(', ')}); the map needs two numeric inputs. The network trains on all of them.`;
      return;
    }
    const ctx = this.ctx;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    if (state.grid && state.grid.length) {
      this.drawGrid(state, state.grid, state.gridSize, state.config.discretize);
      if (state.data.task === 'binary') this.drawBoundary(state.grid, state.gridSize);
      if (state.data.task === 'multiclass') this.drawClassBoundaries(state.grid, state.gridSize, state.data.target.classes!.length);
    }
    this.canvas.dataset.task = state.data.task;
    if (state.config.showTest) for (const p of state.data.test) this.drawPoint(state, p, false);
    for (const p of state.data.train) this.drawPoint(state, p, true);
    const chosen = state.data.train[state.selection.point];
    if (chosen) {
      const [x, y] = this.toPixel(state, chosen);
      ctx.beginPath();
      ctx.arc(x, y, 8, 0, 2 * Math.PI);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2.5;
      ctx.stroke();
      // Where the chosen point is, as fractions of the canvas: lets a test click exactly on it.
      this.canvas.dataset.chosen = `${x / WIDTH},${y / HEIGHT}`;
    }
    this.drawAxes(state);
    if (state.data.task !== 'binary') {
      this.legend.innerHTML = state.data.task === 'multiclass' ? this.classLegend(state) : this.valueLegend(state);
      return;
    }
    const target = state.data.target.name;
    const ramp = state.config.discretize
      ? `<span class="swatch" style="background:${rgb(ORANGE)}"></span> ŷ ≤ 0.5 <span class="swatch" style="background:${rgb(BLUE)}"></span> ŷ > 0.5`
      : `ŷ 0 <span class="ramp" style="background:linear-gradient(90deg, ${rgb(probabilityColor(0))}, ${rgb(probabilityColor(0.5))}, ${rgb(probabilityColor(1))})"></span> 1`;
    this.legend.innerHTML = `
      <span class="nowrap">${ramp}</span>
      <span class="nowrap"><span class="mark circle" style="background:${rgb(BLUE)}"></span> ${target} = 1</span>
      <span class="nowrap"><span class="mark square" style="background:${rgb(ORANGE)}"></span> ${target} = 0</span>
      <span class="nowrap">filled: training${state.config.showTest ? ' · hollow: test' : ''}</span>
      <span class="nowrap"><span class="line"></span> ŷ = 0.5</span>
      <span class="nowrap"><span class="ring"></span> chosen point</span>`;
  }

  /** Each class's colour and mark, and how the map's shade reads. */
  private classLegend(state: PlaygroundState): string {
    const classes = state.data.target.classes!;
    const marks = classes.map((c, k) => `<span class="nowrap" data-testid="legend-class"><span class="mark ${markOf(k)}" style="background:${rgb(classColor(k))}"></span> ${state.data.target.name} = ${c}</span>`).join('');
    const shade = state.config.discretize
      ? 'map: the predicted class'
      : `map: the predicted class, paler as its probability falls to 1/${classes.length} <span class="ramp" style="background:linear-gradient(90deg, ${rgb(confidenceColor(0, 1 / classes.length, classes.length))}, ${rgb(classColor(0))})"></span>`;
    return `${marks}<span class="nowrap">${shade}</span>
      <span class="nowrap">filled: training${state.config.showTest ? ' · hollow: test' : ''}</span>
      <span class="nowrap"><span class="line"></span> class boundary</span>
      <span class="nowrap"><span class="ring"></span> chosen point</span>`;
  }

  /** The colour scale with its values in raw units. */
  private valueLegend(state: PlaygroundState): string {
    const [lo, hi] = valueRange(state.data);
    const mid = (lo + hi) / 2;
    return `<span class="nowrap" data-testid="legend-scale">predicted ${state.data.target.name}: <span data-testid="legend-min">${rawValue(lo)}</span>
        <span class="ramp wide" style="background:${VALUE_GRADIENT}"></span> <span data-testid="legend-max">${rawValue(hi)}</span></span>
      <span class="nowrap">(middle ${rawValue(mid)})</span>
      <span class="nowrap">points: their ${state.data.target.name} on the same scale · filled: training${state.config.showTest ? ' · hollow: test' : ''}</span>
      <span class="nowrap"><span class="ring"></span> chosen point</span>`;
  }

  private drawAxes(state: PlaygroundState): void {
    const ctx = this.ctx;
    const [a1, a2] = state.data.axes!;
    ctx.strokeStyle = '#555';
    ctx.lineWidth = 1;
    ctx.strokeRect(LEFT + 0.5, TOP + 0.5, PLOT - 1, PLOT - 1);
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of ticks(a1.min, a1.max)) {
      const [x] = this.toPixel(state, { x1: t, x2: a2.min });
      ctx.fillRect(x, TOP + PLOT, 1, 4);
      ctx.fillText(short(t), x, TOP + PLOT + 6);
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(`${a1.name} →`, LEFT + PLOT / 2, TOP + PLOT + 22);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of ticks(a2.min, a2.max)) {
      const [, y] = this.toPixel(state, { x1: a1.min, x2: t });
      ctx.fillRect(LEFT - 4, y, 4, 1);
      ctx.fillText(short(t), LEFT - 6, y);
    }
    ctx.save();
    ctx.translate(11, TOP + PLOT / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(`${a2.name} →`, 0, 0);
    ctx.restore();
  }

  /** The colour of grid cell k for the data's task. */
  private cellColor(state: PlaygroundState, grid: Float64Array, cell: number, discrete: boolean): [number, number, number] {
    const { data } = state;
    if (data.task === 'multiclass') {
      const k = data.target.classes!.length;
      const [best, p] = argmaxCell(grid, cell, k);
      return discrete ? classColor(best) : confidenceColor(best, p, k);
    }
    if (data.task === 'regression') {
      const [lo, hi] = valueRange(data);
      const t = (rawOutput(data, grid[cell]) - lo) / (hi - lo);
      // Discretised: eight bands of the scale.
      return valueColor(discrete ? (Math.min(7, Math.floor(Math.min(1, Math.max(0, t)) * 8)) + 0.5) / 8 : t);
    }
    return discrete ? probabilityColor(grid[cell] > 0.5 ? 0.8 : 0.2) : probabilityColor(grid[cell]);
  }

  /** Segments along the cell edges where the predicted class changes. */
  private drawClassBoundaries(grid: Float64Array, size: number, k: number): void {
    const ctx = this.ctx;
    const cell = PLOT / size;
    const cls = (gx: number, gy: number) => argmaxCell(grid, gy * size + gx, k)[0];
    ctx.beginPath();
    for (let gy = 0; gy < size; gy++) {
      for (let gx = 0; gx < size; gx++) {
        const c = cls(gx, gy);
        if (gx + 1 < size && cls(gx + 1, gy) !== c) {
          ctx.moveTo(LEFT + (gx + 1) * cell, TOP + gy * cell);
          ctx.lineTo(LEFT + (gx + 1) * cell, TOP + (gy + 1) * cell);
        }
        if (gy + 1 < size && cls(gx, gy + 1) !== c) {
          ctx.moveTo(LEFT + gx * cell, TOP + (gy + 1) * cell);
          ctx.lineTo(LEFT + (gx + 1) * cell, TOP + (gy + 1) * cell);
        }
      }
    }
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  private drawGrid(state: PlaygroundState, grid: Float64Array, size: number, discrete: boolean): void {
    // One small canvas at grid resolution, scaled up with smoothing: reused across frames.
    if (!this.off || this.off.width !== size) {
      this.off = document.createElement('canvas');
      this.off.width = size;
      this.off.height = size;
      this.image = new ImageData(size, size);
    }
    const pixels = this.image!.data;
    for (let k = 0; k < size * size; k++) {
      const [r, g, b] = this.cellColor(state, grid, k, discrete);
      pixels[k * 4] = r;
      pixels[k * 4 + 1] = g;
      pixels[k * 4 + 2] = b;
      pixels[k * 4 + 3] = 255;
    }
    this.off.getContext('2d')!.putImageData(this.image!, 0, 0);
    // Class maps stay cell-sharp, so the drawn boundaries fall between flat cells.
    this.ctx.imageSmoothingEnabled = !discrete && state.data.task !== 'multiclass';
    this.ctx.drawImage(this.off, LEFT, TOP, PLOT, PLOT);
  }

  /** Marching squares over the cell centres at level 0.5. */
  private drawBoundary(grid: Float64Array, size: number): void {
    const ctx = this.ctx;
    const cell = PLOT / size;
    const at = (gx: number, gy: number) => grid[gy * size + gx] - 0.5;
    const px = (g: number) => (g + 0.5) * cell;
    ctx.beginPath();
    for (let gy = 0; gy < size - 1; gy++) {
      for (let gx = 0; gx < size - 1; gx++) {
        const v = [at(gx, gy), at(gx + 1, gy), at(gx + 1, gy + 1), at(gx, gy + 1)];
        const corners: [number, number][] = [[gx, gy], [gx + 1, gy], [gx + 1, gy + 1], [gx, gy + 1]];
        const crossings: [number, number][] = [];
        for (let e = 0; e < 4; e++) {
          const a = v[e];
          const b = v[(e + 1) % 4];
          if ((a < 0) !== (b < 0)) {
            const t = a / (a - b);
            const [ax, ay] = corners[e];
            const [bx, by] = corners[(e + 1) % 4];
            crossings.push([LEFT + px(ax + (bx - ax) * t), TOP + px(ay + (by - ay) * t)]);
          }
        }
        for (let c = 0; c + 1 < crossings.length; c += 2) {
          ctx.moveTo(crossings[c][0], crossings[c][1]);
          ctx.lineTo(crossings[c + 1][0], crossings[c + 1][1]);
        }
      }
    }
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  private drawPoint(state: PlaygroundState, p: Point, train: boolean): void {
    const [x, y] = this.toPixel(state, p);
    const ctx = this.ctx;
    const { task } = state.data;
    ctx.beginPath();
    const mark = task === 'multiclass' ? markOf(p.y) : task === 'regression' || p.y ? 'circle' : 'square';
    if (mark === 'circle') ctx.arc(x, y, 3.8, 0, 2 * Math.PI);
    else if (mark === 'square') ctx.rect(x - 3.3, y - 3.3, 6.6, 6.6);
    else if (mark === 'triangle') {
      ctx.moveTo(x, y - 4.6);
      ctx.lineTo(x + 4.4, y + 3.2);
      ctx.lineTo(x - 4.4, y + 3.2);
      ctx.closePath();
    } else {
      ctx.moveTo(x, y - 4.6);
      ctx.lineTo(x + 4.2, y);
      ctx.lineTo(x, y + 4.6);
      ctx.lineTo(x - 4.2, y);
      ctx.closePath();
    }
    let color: string;
    if (task === 'multiclass') color = rgb(classColor(p.y));
    else if (task === 'regression') {
      const [lo, hi] = valueRange(state.data);
      color = rgb(valueColor((p.y - lo) / (hi - lo)));
    } else color = rgb(p.y ? BLUE : ORANGE);
    if (train) {
      ctx.fillStyle = color;
      ctx.fill();
      // A value's colour may be as light as the map under it: a dark ring keeps it visible.
      ctx.strokeStyle = task === 'regression' ? '#111' : '#fff';
      ctx.lineWidth = 1;
    } else {
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fill();
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
    }
    ctx.stroke();
  }
}
