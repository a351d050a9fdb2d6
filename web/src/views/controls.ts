/**
 * Run controls (play / pause / step / reset, the Notes mode) and the editors for the data (a
 * generated set, or a CSV chosen or dropped), the network (layers with +/− units, activation, the
 * input features), the training (optimizer, learning rate, L2, batch) and the view toggles. Every
 * control has a visible label and works from the keyboard.
 */
import { DATASETS, HIDDEN_ACTIVATIONS, L2_CHOICES, LIMITS, OPTIMIZER_NAMES, type RunConfig } from '../config.js';
import { FEATURES, FEATURE_NAMES, type FeatureName } from '../features.js';
import type { PlaygroundState } from '../state.js';

export interface ControlHandlers {
  onPlayPause(): void;
  onStep(): void;
  onReset(): void;
  /** A config edit; the controller decides whether it restarts the run. */
  onChange(change: Partial<RunConfig>): void;
  onNotes(): void;
  onFile(file: File): void;
  onServedModel(): void;
}

const options = (values: readonly (string | number)[]) => values.map((v) => `<option value="${v}">${v}</option>`).join('');

export class ControlsView {
  private readonly root: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly notes: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly message: HTMLElement;
  private readonly layers: HTMLElement;
  private readonly served: HTMLButtonElement;
  private drawnLayers = '';
  private config: RunConfig | null = null;

  constructor(container: HTMLElement, private readonly handlers: ControlHandlers) {
    const features = FEATURE_NAMES.map((f) => `<label class="check"><input type="checkbox" name="feature" value="${f}" data-testid="feature-${f}"> ${FEATURES[f].label}</label>`).join('');
    container.innerHTML = `
      <div class="buttons">
        <button type="button" data-testid="reset" title="reset the run to epoch 0">⟲ reset</button>
        <button type="button" data-testid="play" class="play">▶ play</button>
        <button type="button" data-testid="step" title="train one epoch">step</button>
        <button type="button" data-testid="notes" class="notes-button" aria-pressed="false" title="walk through the notes' derivations step by step">Notes</button>
        <span class="status" data-testid="status" role="status"></span>
      </div>
      <div class="editors">
        <fieldset><legend>Data</legend>
          <label>data set <select name="dataset" data-testid="dataset">${options(DATASETS)}</select></label>
          <label class="file">CSV file <input type="file" name="file" accept=".csv,.tsv,.txt,text/csv" data-testid="csv-file"></label>
          <span class="drop-hint hint">or drop a CSV on the page</span>
          <button type="button" data-testid="served-model" hidden>explore the served model</button>
          <label>noise <input name="noise" type="range" min="${LIMITS.noise[0]}" max="${LIMITS.noise[1]}" step="1" data-testid="noise"> <output name="noise-out"></output>%</label>
          <label>train share <input name="trainRatio" type="range" min="${LIMITS.trainRatio[0]}" max="${LIMITS.trainRatio[1]}" step="5" data-testid="train-ratio"> <output name="train-out"></output>%</label>
          <label>seed <input name="seed" type="number" min="0" step="1" data-testid="seed"></label>
        </fieldset>
        <fieldset><legend>Network</legend>
          <label>hidden layers <input name="hidden" type="text" size="7" pattern="[0-9, ]*" title="widths, comma-separated, e.g. 2 or 4,2; empty for none" data-testid="hidden"></label>
          <div class="layer-buttons" data-testid="layer-buttons"></div>
          <label>activation <select name="activation" data-testid="activation">${options(HIDDEN_ACTIVATIONS)}</select></label>
          <fieldset class="features" data-testid="features"><legend>inputs (2-D data)</legend>${features}</fieldset>
        </fieldset>
        <fieldset><legend>Training</legend>
          <label>optimizer <select name="optimizer" data-testid="optimizer">${options(OPTIMIZER_NAMES)}</select></label>
          <label>learning rate <select name="lr" data-testid="lr">${options([0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10])}</select></label>
          <label>L2 λ <select name="l2" data-testid="l2">${options(L2_CHOICES)}</select></label>
          <label>batch <input name="batchSize" type="number" min="1" max="${LIMITS.batchSize[1]}" step="1" data-testid="batch"></label>
          <label>speed <select name="speed" data-testid="speed">${options([1, 5, 20, 100])}</select> epochs/frame</label>
        </fieldset>
        <fieldset><legend>View</legend>
          <label class="check"><input type="checkbox" name="showTest" data-testid="show-test"> show test data</label>
          <label class="check"><input type="checkbox" name="discretize" data-testid="discretize"> discretise output</label>
        </fieldset>
      </div>
      <p class="data-message" data-testid="data-message" role="alert" hidden></p>`;
    this.root = container;
    this.play = container.querySelector('[data-testid=play]')!;
    this.notes = container.querySelector('[data-testid=notes]')!;
    this.status = container.querySelector('[data-testid=status]')!;
    this.message = container.querySelector('[data-testid=data-message]')!;
    this.layers = container.querySelector('[data-testid=layer-buttons]')!;
    this.served = container.querySelector('[data-testid=served-model]')!;
    this.play.addEventListener('click', () => handlers.onPlayPause());
    this.notes.addEventListener('click', () => handlers.onNotes());
    this.served.addEventListener('click', () => handlers.onServedModel());
    container.querySelector('[data-testid=step]')!.addEventListener('click', () => handlers.onStep());
    container.querySelector('[data-testid=reset]')!.addEventListener('click', () => handlers.onReset());
    container.querySelector('.editors')!.addEventListener('change', (event) => this.changed(event.target as HTMLInputElement));
    this.layers.addEventListener('click', (event) => this.layerButton(event.target as HTMLElement));
    // Dropping a file anywhere on the page loads it; the page never navigates to the file.
    document.addEventListener('dragover', (event) => { event.preventDefault(); document.body.classList.add('dragging'); });
    document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) document.body.classList.remove('dragging'); });
    document.addEventListener('drop', (event) => {
      event.preventDefault();
      document.body.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (file) handlers.onFile(file);
    });
  }

  private field<T extends HTMLInputElement | HTMLSelectElement>(name: string): T {
    return this.root.querySelector(`[name=${name}]`) as T;
  }

  /** +/− units of a hidden layer, and adding or removing a layer. */
  private layerButton(target: HTMLElement): void {
    const button = target.closest('button');
    if (!button || !this.config) return;
    const hidden = [...this.config.hidden];
    const l = Number(button.dataset.layer);
    const [lo, hi] = LIMITS.units;
    switch (button.dataset.action) {
      case 'more': hidden[l] = Math.min(hi, hidden[l] + 1); break;
      case 'fewer': hidden[l] = Math.max(lo, hidden[l] - 1); break;
      case 'add': if (hidden.length < LIMITS.layers[1]) hidden.push(2); break;
      case 'remove': hidden.pop(); break;
      default: return;
    }
    this.handlers.onChange({ hidden });
  }

  private changed(input: HTMLInputElement | HTMLSelectElement): void {
    const value = input.value;
    switch (input.name) {
      case 'file': {
        const file = (input as HTMLInputElement).files?.[0];
        if (file) this.handlers.onFile(file);
        (input as HTMLInputElement).value = '';
        break;
      }
      case 'dataset': case 'activation': case 'optimizer':
        this.handlers.onChange({ [input.name]: value } as Partial<RunConfig>);
        break;
      case 'feature': {
        const ticked = [...this.root.querySelectorAll<HTMLInputElement>('[name=feature]')].filter((b) => b.checked).map((b) => b.value as FeatureName);
        // The network needs at least one input: unticking the last one is undone.
        if (ticked.length === 0) (input as HTMLInputElement).checked = true;
        else this.handlers.onChange({ features: ticked });
        break;
      }
      case 'showTest': case 'discretize':
        this.handlers.onChange({ [input.name]: (input as HTMLInputElement).checked } as Partial<RunConfig>);
        break;
      case 'hidden': {
        const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        const widths = parts.map(Number);
        if (widths.length <= LIMITS.layers[1] && widths.every((w) => Number.isInteger(w) && w >= LIMITS.units[0] && w <= LIMITS.units[1])) {
          this.handlers.onChange({ hidden: widths });
        } else {
          input.setCustomValidity(`widths from ${LIMITS.units[0]} to ${LIMITS.units[1]}, at most ${LIMITS.layers[1]} layers`);
          input.reportValidity();
        }
        break;
      }
      default: {
        const x = Number(value);
        if (value !== '' && Number.isFinite(x)) this.handlers.onChange({ [input.name]: x } as Partial<RunConfig>);
      }
    }
  }

  private drawLayers(hidden: readonly number[]): void {
    const key = hidden.join(',');
    if (key === this.drawnLayers) return;
    this.drawnLayers = key;
    const rows = hidden.map((w, l) => `<span class="layer-units">layer ${l + 1}:
      <button type="button" data-action="fewer" data-layer="${l}" aria-label="one unit fewer in hidden layer ${l + 1}" data-testid="fewer-${l}">−</button>
      <span data-testid="units-${l}">${w}</span> unit${w === 1 ? '' : 's'}
      <button type="button" data-action="more" data-layer="${l}" aria-label="one unit more in hidden layer ${l + 1}" data-testid="more-${l}">+</button></span>`).join('');
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.testid;
    this.layers.innerHTML = `${rows}
      <span class="layer-units"><button type="button" data-action="add" data-testid="add-layer">+ layer</button>
      <button type="button" data-action="remove" data-testid="remove-layer" ${hidden.length ? '' : 'disabled'}>− layer</button></span>`;
    // Keep the keyboard user's place when the buttons are redrawn.
    if (focused) this.layers.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
  }

  update(state: PlaygroundState): void {
    const c = state.config;
    this.config = c;
    const set = (name: string, value: string) => {
      const el = this.field(name);
      // A linked value that is not among a select's options (say lr=0.05) gets its own option.
      if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === value)) {
        el.add(new Option(value === 'upload' ? `uploaded: ${state.data.file ?? 'CSV'}` : value, value));
      }
      if (el !== document.activeElement && el.value !== value) el.value = value;
      if (el instanceof HTMLInputElement) el.setCustomValidity('');
    };
    const upload = this.field<HTMLSelectElement>('dataset').querySelector('option[value=upload]');
    if (upload && state.data.file) upload.textContent = `uploaded: ${state.data.file}`;
    set('dataset', c.dataset);
    set('noise', String(c.noise));
    set('trainRatio', String(c.trainRatio));
    set('seed', String(c.seed));
    set('hidden', c.hidden.join(','));
    set('activation', c.activation);
    set('optimizer', c.optimizer);
    set('lr', String(c.lr));
    set('l2', String(c.l2));
    set('batchSize', String(c.batchSize));
    set('speed', String(c.speed));
    this.drawLayers(c.hidden);
    this.root.querySelectorAll<HTMLInputElement>('[name=feature]').forEach((b) => {
      b.checked = c.features.includes(b.value as FeatureName);
      b.disabled = !state.data.axes;
    });
    // Noise belongs to the generated sets; an uploaded file is what it is.
    this.field<HTMLInputElement>('noise').closest('label')!.hidden = c.dataset === 'upload';
    this.field<HTMLInputElement>('showTest').checked = c.showTest;
    this.field<HTMLInputElement>('discretize').checked = c.discretize;
    (this.root.querySelector('[name=noise-out]') as HTMLOutputElement).value = String(c.noise);
    (this.root.querySelector('[name=train-out]') as HTMLOutputElement).value = String(c.trainRatio);
    this.play.textContent = state.running ? '❚❚ pause' : '▶ play';
    this.play.dataset.running = String(state.running);
    this.notes.setAttribute('aria-pressed', String(state.notes.open));
    this.served.hidden = !state.sharedModel;
    this.status.textContent = state.error ?? (state.loading ? (c.epoch > 0 ? `replaying ${c.epoch} epochs…` : 'loading…') : '');
    this.status.classList.toggle('error', state.error !== null);
    this.message.hidden = state.dataMessage === null;
    this.message.textContent = state.dataMessage ?? '';
  }
}
