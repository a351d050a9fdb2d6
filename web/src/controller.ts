/**
 * The page's one controller: it owns the state, talks to the training worker, keeps the URL hash
 * in step with the run, and hands the state to every view after each change (one render per
 * animation frame at most).
 */
import { formatHash, parseHash, parseSelection, sameRun, type RunConfig } from './config.js';
import { encodePoint, makeData } from './datasets.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { playgroundModel } from './session.js';
import { type ParamRef, type PlaygroundState } from './state.js';
import { createNaming, explainNetwork } from '../../src/explain/index.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { ControlsView } from './views/controls.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';
import { LossView } from './views/loss.js';
import { FactorsView } from './views/factors.js';

/**
 * Main-thread time per worker message and per render, as User Timing entries (visible in the
 * browser's performance panel; the e2e suite reports them). Bounded so a long run keeps no history.
 */
function measure(name: string, start: number): void {
  if (performance.getEntriesByName(name, 'measure').length >= 1000) performance.clearMeasures(name);
  performance.measure(name, { start, end: performance.now() });
}

interface View {
  update(state: PlaygroundState): void;
}

/** How often the hash follows a running run; a paused run writes it at once. */
const HASH_INTERVAL_MS = 500;
const EXPLAIN_INTERVAL_MS = 100;

export class Controller {
  private state: PlaygroundState;
  private readonly views: View[];
  private frame = 0;
  private lastHashWrite = 0;
  private lastExplain = 0;

  constructor(root: HTMLElement, private readonly worker: Worker) {
    const config = parseHash(location.hash);
    this.state = {
      config, data: makeData(config), runId: 0, running: false, loading: true, epoch: 0, layers: null, history: [],
      grid: null, gridSize: 0, unitGrids: null, selection: parseSelection(location.hash), explanation: null, error: null,
    };
    const slot = (name: string) => root.querySelector<HTMLElement>(`[data-view=${name}]`)!;
    this.views = [
      new ControlsView(slot('controls'), {
        onPlayPause: () => this.send(this.state.running ? { type: 'pause' } : { type: 'play' }),
        onStep: () => this.send({ type: 'step' }),
        onReset: () => this.load({ ...this.state.config, epoch: 0 }),
        onChange: (change) => this.edit(change),
      }),
      new NetworkView(slot('network'), { onSelect: (ref) => this.select(ref) }),
      new HeatmapView(slot('heatmap'), { onPickPoint: (i) => this.choosePoint(i) }),
      new LossView(slot('loss')),
      new FactorsView(slot('factors'), { onPoint: (i) => this.choosePoint(i) }),
    ];
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    window.addEventListener('hashchange', () => {
      if (location.hash !== this.currentHash()) this.load(parseHash(location.hash), parseSelection(location.hash));
    });
    this.load(config, this.state.selection);
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Starts a run; the worker replays config.epoch epochs first. */
  private load(config: RunConfig, selection?: PlaygroundState['selection']): void {
    const s = this.state;
    const sameShape = config.hidden.join(',') === s.config.hidden.join(',');
    this.state = {
      ...s, config, data: makeData(config), runId: s.runId + 1, running: false, loading: true, epoch: 0, layers: null,
      history: [], grid: null, unitGrids: null, explanation: null, error: null,
      selection: selection ?? { param: sameShape ? s.selection.param : null, point: 0 },
    };
    this.send({ type: 'load', runId: this.state.runId, config });
    this.writeHash(true);
    this.render();
  }

  private edit(change: Partial<RunConfig>): void {
    const next = { ...this.state.config, ...change };
    if (sameRun(next, this.state.config)) {
      // Only the speed changed: the run goes on.
      this.state = { ...this.state, config: next };
      this.send({ type: 'speed', speed: next.speed });
      this.writeHash(true);
      this.render();
      return;
    }
    this.load({ ...next, epoch: 0 });
  }

  private select(ref: ParamRef): void {
    this.state = { ...this.state, selection: { ...this.state.selection, param: ref } };
    this.explain();
    this.writeHash(true);
    this.render();
  }

  private choosePoint(index: number): void {
    const n = this.state.data.train.length;
    const point = Math.min(n - 1, Math.max(0, Math.round(Number.isFinite(index) ? index : 0)));
    this.state = { ...this.state, selection: { ...this.state.selection, point } };
    this.explain();
    this.writeHash(true);
    this.render();
  }

  private receive(msg: FromWorker): void {
    if (msg.runId !== this.state.runId) return;
    // The controller owns the history and appends in place: copying it every frame would cost O(epochs).
    const history = msg.from === 0 ? msg.losses : this.state.history;
    if (msg.from !== 0) for (const record of msg.losses) history.push(record);
    const started = performance.now();
    this.state = {
      ...this.state, loading: false, running: msg.running, epoch: msg.epoch, layers: msg.layers, history,
      grid: msg.grid, gridSize: msg.gridSize, unitGrids: msg.unitGrids, error: msg.error ?? null,
    };
    // While running, the factors follow the weights ten times a second (readable, and cheap);
    // the last snapshot of a pause or step is always explained.
    const t = performance.now();
    if (!msg.running || t - this.lastExplain > EXPLAIN_INTERVAL_MS) {
      this.lastExplain = t;
      this.explain();
    }
    this.writeHash(!msg.running);
    this.render();
    measure('chainrule:receive', started);
  }

  /** Recomputes the selected parameter's factors with the current weights (pure, a few ms). */
  private explain(): void {
    const { layers, selection, data } = this.state;
    if (!layers || !selection.param) {
      this.state.explanation = null;
      return;
    }
    const point = data.train[selection.point];
    if (!point) {
      this.state.selection = { ...selection, point: 0 };
      return this.explain();
    }
    const model = playgroundModel(data, layers);
    const ref = selection.param;
    if (ref.layer >= layers.length || ref.unit >= layers[ref.layer].weights.length
      || (ref.input !== undefined && ref.input >= layers[ref.layer].weights[0].length)) {
      this.state.selection = { ...selection, param: null };
      this.state.explanation = null;
      return;
    }
    // The explain module names 1-1-1 and 2-2-1 parameters as the notes do (w11, b3, ...). The
    // network-level entry point skips the per-input counterfactual search that explainModel adds:
    // this runs for every frame while training, and the panel shows only the gradient's factors.
    const net = modelToNetwork(model);
    const param = createNaming(net).param(ref.layer, ref.unit, ref.input);
    try {
      this.state.explanation = explainNetwork(net, encodePoint(data, point.x1, point.x2), point.y, { param, lr: this.state.config.lr });
    } catch (err) {
      this.state.explanation = null;
      this.state.error = `explain: ${(err as Error).message}`;
    }
  }

  private writeHash(now: boolean): void {
    const t = performance.now();
    if (!now && t - this.lastHashWrite < HASH_INTERVAL_MS) return;
    this.lastHashWrite = t;
    const hash = this.currentHash();
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The hash of the run as it stands: config, epochs trained, and the selection. */
  private currentHash(): string {
    const { config, loading, epoch, selection } = this.state;
    return formatHash({ ...config, epoch: loading ? config.epoch : epoch }, selection);
  }

  private render(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const started = performance.now();
      for (const view of this.views) view.update(this.state);
      measure('chainrule:render', started);
    });
  }
}
