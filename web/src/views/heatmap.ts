/**
 * ŷ over the two inputs as a heat map (orange ŷ → 0, blue ŷ → 1), the ŷ = 0.5 decision boundary
 * traced with marching squares, and the points: training points filled, test points hollow.
 * Clicking near a training point selects it for the factors panel.
 */
import { probabilityColor, rgb, ORANGE, BLUE } from '../colors.js';
import type { PlaygroundState } from '../state.js';
import type { Point } from '../datasets.js';

const SIZE = 340;

export class HeatmapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly caption: HTMLElement;
  private last: { grid: Float64Array | null; data: unknown; point: number } | null = null;
  private state: PlaygroundState | null = null;
  private off: HTMLCanvasElement | null = null;
  private image: ImageData | null = null;

  constructor(container: HTMLElement, private readonly handlers: { onPickPoint(index: number): void }) {
    container.innerHTML = '';
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.testid = 'heatmap';
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = SIZE * ratio;
    this.canvas.height = SIZE * ratio;
    this.canvas.style.width = `${SIZE}px`;
    this.canvas.style.height = `${SIZE}px`;
    this.ctx = this.canvas.getContext('2d')!;
    this.ctx.scale(ratio, ratio);
    this.caption = document.createElement('div');
    this.caption.className = 'caption';
    container.append(this.canvas, this.caption);
    this.canvas.addEventListener('click', (event) => this.pick(event));
  }

  private toPixel(state: PlaygroundState, p: { x1: number; x2: number }): [number, number] {
    const [a1, a2] = state.data.axes;
    return [((p.x1 - a1.min) / (a1.max - a1.min)) * SIZE, ((a2.max - p.x2) / (a2.max - a2.min)) * SIZE];
  }

  private pick(event: MouseEvent): void {
    const state = this.state;
    if (!state) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
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
    const key = { grid: state.grid, data: state.data, point: state.selection.point };
    if (this.last && this.last.grid === key.grid && this.last.data === key.data && this.last.point === key.point) return;
    this.last = key;
    const ctx = this.ctx;
    ctx.clearRect(0, 0, SIZE, SIZE);
    if (state.grid) {
      this.drawGrid(state.grid, state.gridSize);
      this.drawBoundary(state.grid, state.gridSize);
    }
    for (const p of state.data.test) this.drawPoint(state, p, false);
    for (const p of state.data.train) this.drawPoint(state, p, true);
    const chosen = state.data.train[state.selection.point];
    if (chosen) {
      const [x, y] = this.toPixel(state, chosen);
      ctx.beginPath();
      ctx.arc(x, y, 8, 0, 2 * Math.PI);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    const [a1, a2] = state.data.axes;
    this.caption.textContent = `x: ${a1.name} ${a1.min}…${a1.max}   y: ${a2.name} ${a2.min}…${a2.max}   ● train  ○ test   line: ŷ = 0.5`;
  }

  private drawGrid(grid: Float64Array, size: number): void {
    // One small canvas at grid resolution, scaled up with smoothing: reused across frames.
    if (!this.off || this.off.width !== size) {
      this.off = document.createElement('canvas');
      this.off.width = size;
      this.off.height = size;
      this.image = new ImageData(size, size);
    }
    const pixels = this.image!.data;
    for (let k = 0; k < size * size; k++) {
      const [r, g, b] = probabilityColor(grid[k]);
      pixels[k * 4] = r;
      pixels[k * 4 + 1] = g;
      pixels[k * 4 + 2] = b;
      pixels[k * 4 + 3] = 255;
    }
    this.off.getContext('2d')!.putImageData(this.image!, 0, 0);
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(this.off, 0, 0, SIZE, SIZE);
  }

  /** Marching squares over the cell centres at level 0.5. */
  private drawBoundary(grid: Float64Array, size: number): void {
    const ctx = this.ctx;
    const cell = SIZE / size;
    const at = (gx: number, gy: number) => grid[gy * size + gx] - 0.5;
    const px = (gx: number) => (gx + 0.5) * cell;
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
            crossings.push([px(ax + (bx - ax) * t), px(ay + (by - ay) * t)]);
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
    ctx.beginPath();
    ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
    const color = rgb(p.y ? BLUE : ORANGE);
    if (train) {
      ctx.fillStyle = color;
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1;
    } else {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
    }
    ctx.stroke();
  }
}
