/** Train and test loss per epoch on a small canvas, with the current values as text. */
import type { PlaygroundState } from '../state.js';
import { short } from '../colors.js';

const W = 340;
const H = 110;

export class LossView {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly epoch: HTMLElement;
  private readonly train: HTMLElement;
  private readonly test: HTMLElement;
  private drawn = -1;
  private drawnRun = -1;

  constructor(container: HTMLElement) {
    container.innerHTML = `<div class="readout">epoch <b data-testid="epoch">0</b> · train loss <b class="train" data-testid="train-loss">–</b> · test loss <b class="test" data-testid="test-loss">–</b></div>`;
    const canvas = document.createElement('canvas');
    const ratio = window.devicePixelRatio || 1;
    canvas.width = W * ratio;
    canvas.height = H * ratio;
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
    canvas.dataset.testid = 'loss-chart';
    container.append(canvas);
    this.ctx = canvas.getContext('2d')!;
    this.ctx.scale(ratio, ratio);
    this.epoch = container.querySelector('[data-testid=epoch]')!;
    this.train = container.querySelector('[data-testid=train-loss]')!;
    this.test = container.querySelector('[data-testid=test-loss]')!;
  }

  update(state: PlaygroundState): void {
    const history = state.history;
    if (history.length === this.drawn && state.runId === this.drawnRun) return;
    this.drawn = history.length;
    this.drawnRun = state.runId;
    const last = history[history.length - 1];
    this.epoch.textContent = String(state.epoch);
    // Full precision in the title so tests and curious users can compare runs exactly.
    this.train.textContent = last ? short(last.train) : '–';
    this.train.title = last ? String(last.train) : '';
    this.test.textContent = last ? short(last.test) : '–';
    this.test.title = last ? String(last.test) : '';

    const ctx = this.ctx;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = '#ccc';
    ctx.strokeRect(0.5, 0.5, W - 1, H - 1);
    if (history.length < 2) return;
    // About one sample per pixel column, so a run of a million epochs draws as fast as a short one.
    const step = Math.max(1, Math.floor(history.length / W));
    let top = 1e-9;
    for (let k = 0; k < history.length; k += step) {
      for (const v of [history[k].train, history[k].test]) if (Number.isFinite(v) && v > top) top = v;
    }
    const line = (pick: (h: (typeof history)[number]) => number, color: string) => {
      ctx.beginPath();
      for (let k = 0; k < history.length; k += step) {
        const x = (k / (history.length - 1)) * (W - 4) + 2;
        const y = H - 3 - (Math.min(pick(history[k]), top) / top) * (H - 8);
        if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    };
    line((h) => h.train, '#333');
    line((h) => h.test, '#0877bd');
    ctx.fillStyle = '#666';
    ctx.font = '10px sans-serif';
    ctx.fillText(`${short(top)}`, 4, 11);
  }
}
