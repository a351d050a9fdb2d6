/**
 * Train and test loss per epoch: a chart with both axes (epoch, mean BCE) ticked and labelled, a
 * legend, and the current values as text (full precision in their titles, for tests and curious
 * users). About one sample per pixel column, so a run of a million epochs draws as fast as a short one.
 */
import type { PlaygroundState } from '../state.js';
import { BLUE_TEXT, short, ticks } from '../colors.js';

const W = 340;
const H = 170;
const LEFT = 44;
const RIGHT = 10;
const TOP = 8;
const BOTTOM = 34;
const TRAIN = '#222';
const TEST = BLUE_TEXT;

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
    canvas.style.aspectRatio = `${W} / ${H}`;
    canvas.className = 'loss-canvas';
    canvas.dataset.testid = 'loss-chart';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'training and test loss per epoch');
    const legend = document.createElement('p');
    legend.className = 'legend';
    legend.innerHTML = `<span class="nowrap"><span class="line" style="border-color:${TRAIN}"></span> training loss</span> <span class="nowrap"><span class="line dashed" style="border-color:${TEST}"></span> test loss</span>`;
    container.append(canvas, legend);
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
    this.train.textContent = last ? short(last.train) : '–';
    this.train.title = last ? String(last.train) : '';
    this.test.textContent = last ? short(last.test) : '–';
    this.test.title = last ? String(last.test) : '';

    const ctx = this.ctx;
    const pw = W - LEFT - RIGHT;
    const ph = H - TOP - BOTTOM;
    ctx.clearRect(0, 0, W, H);
    const step = Math.max(1, Math.floor(history.length / pw));
    let top = 1e-9;
    for (let k = 0; k < history.length; k += step) {
      for (const v of [history[k].train, history[k].test]) if (Number.isFinite(v) && v > top) top = v;
    }
    const yTicks = ticks(0, top, 4);
    top = Math.max(top, yTicks[yTicks.length - 1]);
    const epochs = Math.max(1, history.length > 0 ? history[history.length - 1].epoch : 1);
    const px = (epoch: number) => LEFT + (epoch / epochs) * pw;
    const py = (v: number) => TOP + ph - (Math.min(v, top) / top) * ph;
    ctx.strokeStyle = '#555';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(LEFT + 0.5, TOP);
    ctx.lineTo(LEFT + 0.5, TOP + ph + 0.5);
    ctx.lineTo(LEFT + pw, TOP + ph + 0.5);
    ctx.stroke();
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yTicks) {
      ctx.fillRect(LEFT - 4, py(t), 4, 1);
      ctx.fillText(short(t), LEFT - 6, py(t));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of ticks(0, epochs, 4).filter(Number.isInteger)) {
      ctx.fillRect(px(t), TOP + ph, 1, 4);
      ctx.fillText(String(t), px(t), TOP + ph + 6);
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('epoch', LEFT + pw / 2, TOP + ph + 20);
    ctx.save();
    ctx.translate(10, TOP + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    // The head's loss: BCE, cross-entropy, or squared error on the standardised target.
    ctx.fillText({ binary: 'loss (mean BCE)', multiclass: 'loss (cross-entropy)', regression: 'loss (MSE of scaled y)' }[state.data.task], 0, 0);
    ctx.restore();
    if (history.length < 2) return;
    const line = (pick: (h: (typeof history)[number]) => number, color: string, dash: number[]) => {
      ctx.beginPath();
      let started = false;
      for (let k = 0; k < history.length; k += step) {
        const v = pick(history[k]);
        if (!Number.isFinite(v)) continue;
        if (!started) { ctx.moveTo(px(history[k].epoch), py(v)); started = true; } else ctx.lineTo(px(history[k].epoch), py(v));
      }
      ctx.setLineDash(dash);
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.8;
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line((h) => h.train, TRAIN, []);
    line((h) => h.test, TEST, [5, 3]);
  }
}
