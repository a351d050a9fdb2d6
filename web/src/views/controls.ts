/** Run controls (play / pause / step / reset) and the editors for the data and the network. */
import { DATASETS, HIDDEN_ACTIVATIONS, LIMITS, OPTIMIZER_NAMES, type RunConfig } from '../config.js';
import type { PlaygroundState } from '../state.js';

export interface ControlHandlers {
  onPlayPause(): void;
  onStep(): void;
  onReset(): void;
  /** A config edit; the controller decides whether it restarts the run. */
  onChange(change: Partial<RunConfig>): void;
}

const options = (values: readonly (string | number)[]) => values.map((v) => `<option value="${v}">${v}</option>`).join('');

export class ControlsView {
  private readonly root: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly status: HTMLElement;

  constructor(container: HTMLElement, private readonly handlers: ControlHandlers) {
    container.innerHTML = `
      <div class="buttons">
        <button data-testid="reset" title="reset the run to epoch 0">⟲ reset</button>
        <button data-testid="play" class="play">▶ play</button>
        <button data-testid="step" title="train one epoch">step</button>
        <span class="status" data-testid="status"></span>
      </div>
      <div class="editors">
        <label>data <select name="dataset" data-testid="dataset">${options(DATASETS)}</select></label>
        <label>noise <input name="noise" type="range" min="${LIMITS.noise[0]}" max="${LIMITS.noise[1]}" step="1" data-testid="noise"> <output name="noise-out"></output>%</label>
        <label>train <input name="trainRatio" type="range" min="${LIMITS.trainRatio[0]}" max="${LIMITS.trainRatio[1]}" step="5" data-testid="train-ratio"> <output name="train-out"></output>%</label>
        <label>seed <input name="seed" type="number" min="0" step="1" data-testid="seed"></label>
        <label>hidden layers <input name="hidden" type="text" size="7" pattern="[0-9, ]*" title="widths, comma-separated, e.g. 2 or 4,2; empty for none" data-testid="hidden"></label>
        <label>activation <select name="activation" data-testid="activation">${options(HIDDEN_ACTIVATIONS)}</select></label>
        <label>optimizer <select name="optimizer" data-testid="optimizer">${options(OPTIMIZER_NAMES)}</select></label>
        <label>learning rate <select name="lr" data-testid="lr">${options([0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10])}</select></label>
        <label>batch <input name="batchSize" type="number" min="1" max="${LIMITS.batchSize[1]}" step="1" data-testid="batch"></label>
        <label>speed <select name="speed" data-testid="speed">${options([1, 5, 20, 100])}</select> epochs/frame</label>
      </div>`;
    this.root = container;
    this.play = container.querySelector('[data-testid=play]')!;
    this.status = container.querySelector('[data-testid=status]')!;
    this.play.addEventListener('click', () => handlers.onPlayPause());
    container.querySelector('[data-testid=step]')!.addEventListener('click', () => handlers.onStep());
    container.querySelector('[data-testid=reset]')!.addEventListener('click', () => handlers.onReset());
    container.querySelector('.editors')!.addEventListener('change', (event) => this.changed(event.target as HTMLInputElement));
  }

  private field<T extends HTMLInputElement | HTMLSelectElement>(name: string): T {
    return this.root.querySelector(`[name=${name}]`) as T;
  }

  private changed(input: HTMLInputElement | HTMLSelectElement): void {
    const value = input.value;
    switch (input.name) {
      case 'dataset': case 'activation': case 'optimizer':
        this.handlers.onChange({ [input.name]: value } as Partial<RunConfig>);
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

  update(state: PlaygroundState): void {
    const c = state.config;
    const set = (name: string, value: string) => {
      const el = this.field(name);
      // A linked value that is not among a select's options (say lr=0.05) gets its own option.
      if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === value)) el.add(new Option(value, value));
      if (el !== document.activeElement && el.value !== value) el.value = value;
      if (el instanceof HTMLInputElement) el.setCustomValidity('');
    };
    set('dataset', c.dataset);
    set('noise', String(c.noise));
    set('trainRatio', String(c.trainRatio));
    set('seed', String(c.seed));
    set('hidden', c.hidden.join(','));
    set('activation', c.activation);
    set('optimizer', c.optimizer);
    set('lr', String(c.lr));
    set('batchSize', String(c.batchSize));
    set('speed', String(c.speed));
    (this.root.querySelector('[name=noise-out]') as HTMLOutputElement).value = String(c.noise);
    (this.root.querySelector('[name=train-out]') as HTMLOutputElement).value = String(c.trainRatio);
    this.play.textContent = state.running ? '❚❚ pause' : '▶ play';
    this.play.dataset.running = String(state.running);
    this.status.textContent = state.error ?? (state.loading ? (c.epoch > 0 ? `replaying ${c.epoch} epochs…` : 'loading…') : '');
    this.status.classList.toggle('error', state.error !== null);
  }
}
