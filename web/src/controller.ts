/**
 * The page's one controller: it owns the state, talks to the training worker, keeps the URL hash
 * in step with the run, recomputes the selected parameter's factors and the notes mode's lesson
 * while training runs, and hands the state to every view after each change (one render per
 * animation frame at most). Over 300 lines because it is the one place the page's state changes.
 */
import { DEFAULT_CONFIG, formatHash, parseHash, parseSelection, sameRun, type RunConfig } from './config.js';
import { makeData, trainRow, type PlaygroundData } from './datasets.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { networkTarget, playgroundModel } from './session.js';
import { type ParamRef, type PlaygroundState } from './state.js';
import { createNaming, explainNetwork } from '../../src/explain/index.js';
import { backpropGradients } from '../../src/explain/check.js';
import { modelToNetwork } from '../../src/model/convert.js';
import type { ModelFile, ModelInput, ModelLayer } from '../../src/model/schema.js';
import { buildLesson, net1Case, NET1_DEFAULT, type NotesCase, type NotesNet } from './notes.js';
import { plainFeatures } from './features.js';
import { MAX_UPLOAD_BYTES, type UploadSpec } from './upload.js';
import { ControlsView } from './views/controls.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';
import { LossView } from './views/loss.js';
import { FactorsView } from './views/factors.js';
import { NotesView } from './views/notes.js';
import { pointAttributions } from './attributions.js';

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
/** The attributions (Shapley values, integrated gradients) follow a running run at most this often. */
const ATTRIBUTE_INTERVAL_MS = 250;
/** The parameter whose factors the page shows before the user picks one: the first weight. */
const DEFAULT_PARAM: ParamRef = { layer: 0, unit: 0, input: 0 };

interface LoadOptions {
  selection?: PlaygroundState['selection'];
  upload?: UploadSpec | null;
  /** Start from these weights and encoders (the served model) instead of a seeded initialisation. */
  init?: { layers: ModelLayer[]; inputs: ModelInput[] };
}

export class Controller {
  private state: PlaygroundState;
  private readonly views: View[];
  private frame = 0;
  private lastHashWrite = 0;
  private lastExplain = 0;
  private lastAttribute = 0;
  /** The training point is chosen for the user at the run's first snapshot unless a link or a click chose it. */
  private pointAuto = true;

  constructor(root: HTMLElement, private readonly worker: Worker) {
    const config = parseHash(location.hash);
    const selection = parseSelection(location.hash);
    this.pointAuto = !/[#&]point=/.test(location.hash);
    this.state = {
      config, data: makeData(config), runId: 0, running: false, loading: true, epoch: 0, layers: null, history: [],
      grid: null, gridSize: 0, unitGrids: null, selection, explanation: null, error: null,
      notes: { open: false, net: 'net1', step: 0, net1: { ...NET1_DEFAULT } }, lesson: null, notesCase: null, upload: null, dataMessage: null, sharedModel: false,
    };
    const slot = (name: string) => root.querySelector<HTMLElement>(`[data-view=${name}]`)!;
    this.views = [
      new ControlsView(slot('controls'), {
        onPlayPause: () => this.send(this.state.running ? { type: 'pause' } : { type: 'play' }),
        onStep: () => this.send({ type: 'step' }),
        onReset: () => this.load({ ...this.state.config, epoch: 0 }, { upload: this.state.upload }),
        onChange: (change) => this.edit(change),
        onNotes: () => this.openNotes(!this.state.notes.open),
        onFile: (file) => void this.readFile(file),
        onServedModel: () => void this.exploreServedModel(),
      }),
      new NetworkView(slot('network'), { onSelect: (ref) => this.select(ref) }),
      new HeatmapView(slot('heatmap'), { onPickPoint: (i) => this.choosePoint(i) }),
      new LossView(slot('loss')),
      new FactorsView(slot('factors'), { onPoint: (i) => this.choosePoint(i) }),
      new NotesView(slot('notes'), {
        onNet: (net) => this.setNotes({ net, step: 0 }),
        onMove: (move) => this.moveNotes(move),
        onClose: () => this.openNotes(false),
        onUseNet2: () => this.useNet2(),
        onNet1: (sample) => this.setNotes({ net1: sample }),
      }),
    ];
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    window.addEventListener('hashchange', () => {
      if (location.hash !== this.currentHash()) this.load(parseHash(location.hash), { selection: parseSelection(location.hash) });
    });
    this.load(config, { selection });
    void this.checkSharedModel();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Starts a run; the worker replays config.epoch epochs first. A table the encoders refuse keeps the current run. */
  private load(config: RunConfig, options: LoadOptions = {}): void {
    const s = this.state;
    // The last file read is kept while another data set is shown, so choosing it again needs no new upload.
    const kept = options.upload ?? s.upload;
    const upload = config.dataset === 'upload' ? kept : null;
    if (config.dataset === 'upload' && !upload) config = { ...config, dataset: DEFAULT_CONFIG.dataset };
    let data: PlaygroundData;
    try {
      data = makeData(config, upload ?? undefined, options.init?.inputs);
    } catch (err) {
      // A file the encoders refuse is not kept: the data set menu goes on offering the last good one.
      this.state = { ...s, dataMessage: (err as Error).message };
      this.render();
      return;
    }
    // Without a map there are no feature crosses: the network reads the encoders' columns.
    if (!data.axes) config = { ...config, features: [...DEFAULT_CONFIG.features] };
    const sameShape = config.hidden.join(',') === s.config.hidden.join(',') && config.features.join(',') === s.config.features.join(',') && data.width === s.data.width;
    this.pointAuto = options.selection ? this.pointAuto : true;
    this.state = {
      ...s, config, data, upload: kept, dataMessage: null, runId: s.runId + 1, running: false, loading: true, epoch: 0, layers: null,
      history: [], grid: null, unitGrids: null, explanation: null, attributions: null, error: null, lesson: null,
      selection: options.selection ?? { param: sameShape ? s.selection.param : null, point: 0 },
    };
    if (!this.state.selection.param) this.state.selection = { ...this.state.selection, param: DEFAULT_PARAM };
    this.send({ type: 'load', runId: this.state.runId, config, ...(upload ? { upload } : {}), ...(options.init ? { init: options.init } : {}) });
    this.writeHash(true);
    this.render();
  }

  private edit(change: Partial<RunConfig>): void {
    const next = { ...this.state.config, ...change };
    if (sameRun(next, this.state.config) && next.dataset === this.state.config.dataset) {
      // Only the speed or a view toggle changed: the run goes on.
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
    this.pointAuto = false;
    this.state = { ...this.state, selection: { ...this.state.selection, point } };
    this.explain();
    this.attribute();
    this.writeHash(true);
    this.render();
  }

  private openNotes(open: boolean): void {
    this.setNotes({ open });
    if (open) (document.querySelector('[data-view=notes]') as HTMLElement | null)?.scrollIntoView?.({ block: 'nearest' });
  }

  private setNotes(change: Partial<PlaygroundState['notes']>): void {
    this.state = { ...this.state, notes: { ...this.state.notes, ...change } };
    this.teach();
    this.render();
  }

  private moveNotes(move: number | 'first' | 'last'): void {
    const n = this.state.lesson?.steps.length ?? 0;
    if (n === 0) return;
    const at = this.state.notes.step;
    const step = move === 'first' ? 0 : move === 'last' ? n - 1 : Math.min(n - 1, Math.max(0, at + move));
    // Only the index changes: the lesson is rebuilt when the weights or the sample change, not per step.
    this.state = { ...this.state, notes: { ...this.state.notes, step } };
    this.render();
  }

  /** Net 2 of the notes is the 2-2-1 sigmoid network on the two map inputs. */
  private useNet2(): void {
    const c = this.state.config;
    const dataset = this.state.data.axes && this.state.data.task === 'binary' ? c.dataset : 'promotion';
    this.load({ ...c, dataset, hidden: [2], activation: 'sigmoid', features: ['x1', 'x2'], epoch: 0 });
  }

  private receive(msg: FromWorker): void {
    if (msg.runId !== this.state.runId) return;
    if (msg.type === 'failed') {
      this.state = { ...this.state, loading: false, running: false, error: msg.error, dataMessage: msg.error };
      this.render();
      return;
    }
    // The controller owns the history and appends in place: copying it every frame would cost O(epochs).
    const history = msg.from === 0 ? msg.losses : this.state.history;
    if (msg.from !== 0) for (const record of msg.losses) history.push(record);
    const started = performance.now();
    const first = this.state.layers === null;
    this.state = {
      ...this.state, loading: false, running: msg.running, epoch: msg.epoch, layers: msg.layers, history,
      grid: msg.grid, gridSize: msg.gridSize, unitGrids: msg.unitGrids, error: msg.error ?? null,
    };
    if (first && this.pointAuto) this.state.selection = { ...this.state.selection, point: this.steepestPoint() };
    // While running, the factors follow the weights ten times a second (readable, and cheap);
    // the last snapshot of a pause or step is always explained.
    const t = performance.now();
    if (!msg.running || t - this.lastExplain > EXPLAIN_INTERVAL_MS) {
      this.lastExplain = t;
      this.explain();
    }
    if (!msg.running || t - this.lastAttribute > ATTRIBUTE_INTERVAL_MS) {
      this.lastAttribute = t;
      this.attribute();
    }
    this.writeHash(!msg.running);
    this.render();
    measure('chainrule:receive', started);
  }

  /** The training point where the selected parameter's gradient is largest in size: its factors are far from zero. */
  private steepestPoint(): number {
    const { layers, selection, data, config } = this.state;
    const ref = selection.param;
    if (!layers || !ref || !this.validRef(ref)) return selection.point;
    const net = modelToNetwork(playgroundModel(data, layers));
    let best = 0;
    let bestSize = -1;
    for (let i = 0; i < data.train.length; i++) {
      // The point's target as the network learns it: 0/1, one-hot, or standardised.
      const g = backpropGradients(net, trainRow(data, config.features, i), networkTarget(data, data.train[i].y));
      const layer = net.layers[ref.layer];
      const size = Math.abs(ref.input === undefined ? g.bias[ref.layer][ref.unit] : g.weights[ref.layer][ref.unit * layer.inputs + ref.input]);
      if (size > bestSize) { bestSize = size; best = i; }
    }
    return best;
  }

  private validRef(ref: ParamRef): boolean {
    const layers = this.state.layers!;
    return ref.layer < layers.length && ref.unit < layers[ref.layer].weights.length
      && (ref.input === undefined || ref.input < layers[ref.layer].weights[0].length);
  }

  /** Recomputes the selected parameter's factors with the current weights (pure, a few ms), and the notes' lesson. */
  private explain(): void {
    this.teach();
    const { layers, selection, data, config } = this.state;
    if (!layers || !selection.param) {
      this.state.explanation = null;
      return;
    }
    if (!data.train[selection.point]) this.state.selection = { ...selection, point: 0 };
    const point = this.state.selection.point;
    const ref = selection.param;
    if (!this.validRef(ref)) {
      this.state.selection = { ...this.state.selection, param: null };
      this.state.explanation = null;
      return;
    }
    // The explain module names 1-1-1 and 2-2-1 parameters as the notes do (w11, b3, ...). The
    // network-level entry point skips the per-input counterfactual search that explainModel adds:
    // this runs for every frame while training, and the panel shows only the gradient's factors.
    const net = modelToNetwork(playgroundModel(data, layers));
    const param = createNaming(net).param(ref.layer, ref.unit, ref.input);
    try {
      // One target per output unit: one-hot for a softmax head, standardised for regression.
      const target = networkTarget(data, data.train[point].y);
      const y = target.length === 1 ? target[0] : target;
      this.state.explanation = explainNetwork(net, trainRow(data, config.features, point), y, { param, lr: config.lr });
    } catch (err) {
      this.state.explanation = null;
      this.state.error = `explain: ${(err as Error).message}`;
    }
  }

  /** Recomputes the selected point's Shapley values and integrated gradients with the current weights. */
  private attribute(): void {
    const { layers, selection, data, config } = this.state;
    try {
      this.state.attributions = layers ? pointAttributions(data, config.features, layers, selection.point) : null;
    } catch (err) {
      this.state.attributions = null;
      this.state.error = `attributions: ${(err as Error).message}`;
    }
  }

  /** The notes mode's case: Net 1 at the notes' example point; Net 2 is the live run when it is the 2-2-1 sigmoid network. */
  private notesCase(net: NotesNet): NotesCase | null {
    if (net === 'net1') return net1Case(this.state.notes.net1, this.state.notes.net1.lr);
    const { layers, data, config, selection } = this.state;
    const p = data.train[selection.point];
    const net2 = layers && data.axes && data.task === 'binary' && plainFeatures(config.features) && layers.length === 2 && layers[0].weights.length === 2
      && layers.every((l) => l.activation === 'sigmoid');
    if (!net2 || !p) return null;
    const [a, b] = data.inputs;
    return { net: 'net2', model: playgroundModel(data, layers), record: { [a.name]: p.x1, [b.name]: p.x2 }, target: p.y, lr: config.lr };
  }

  private teach(): void {
    const { notes } = this.state;
    if (!notes.open) return;
    const c = this.notesCase(notes.net);
    let lesson = null;
    try {
      lesson = c ? buildLesson(c) : null;
    } catch (err) {
      this.state.error = `notes: ${(err as Error).message}`;
    }
    const step = lesson ? Math.min(notes.step, lesson.steps.length - 1) : 0;
    this.state = { ...this.state, notesCase: c, lesson, notes: { ...notes, step } };
  }

  private async readFile(file: File): Promise<void> {
    if (file.size > MAX_UPLOAD_BYTES) {
      this.state = { ...this.state, dataMessage: `${file.name}: the file is ${(file.size / 1048576).toFixed(1)} MiB; the playground reads CSV files up to ${MAX_UPLOAD_BYTES / 1048576} MiB` };
      this.render();
      return;
    }
    const upload: UploadSpec = { file: file.name, text: await file.text() };
    this.load({ ...this.state.config, dataset: 'upload', epoch: 0 }, { upload });
  }

  /** Whether the server shares its model (GET /health says so when `serve --share-model` is on). */
  private async checkSharedModel(): Promise<void> {
    try {
      const health = await (await fetch('health')).json() as { shareModel?: boolean };
      this.state = { ...this.state, sharedModel: health.shareModel === true };
      this.render();
    } catch { /* a static copy of the page: no server, nothing to share */ }
  }

  /** Loads the served model's weights into a paused run on the promotion data, with the model's own encoders. */
  private async exploreServedModel(): Promise<void> {
    let model: ModelFile;
    try {
      const reply = await fetch('model');
      if (!reply.ok) throw new Error(`GET /model answered ${reply.status}`);
      model = await reply.json() as ModelFile;
    } catch (err) {
      this.state = { ...this.state, dataMessage: `the served model could not be loaded: ${(err as Error).message}` };
      this.render();
      return;
    }
    const names = model.inputs.map((i) => i.name).join(',');
    const promotion = makeData({ ...DEFAULT_CONFIG, dataset: 'promotion' });
    if (names !== promotion.inputs.map((i) => i.name).join(',') || model.layers.length < 1) {
      this.state = { ...this.state, dataMessage: `the served model reads ${names}; the playground explores models of ${promotion.inputs.map((i) => i.name).join(', ')} (the promotion data)` };
      this.render();
      return;
    }
    const hidden = model.layers.slice(0, -1).map((l) => l.weights.length);
    const activation = model.layers[0].activation;
    this.load({ ...this.state.config, dataset: 'promotion', hidden, activation, features: ['x1', 'x2'], epoch: 0 }, { init: { layers: model.layers, inputs: model.inputs } });
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
