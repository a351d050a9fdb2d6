/**
 * Learning-rate schedules: the learning rate η_e of each epoch e (1-based) from the optimizer's
 * base rate η₀. Pure functions over plain data, so the loop's state (ScheduleState) goes into a
 * checkpoint as numbers and a resumed run sets the very same rates.
 *   step         η_e = η₀ · γ^⌊(e − 1)/every⌋            (γ = gamma; the rate drops after every `every` epochs)
 *   exponential  η_e = η₀ · γ^(e − 1)
 *   cosine       η_e = min + (η₀ − min) · (1 + cos(π·(e − 1)/(E − 1)))/2   (E = the run's epochs; η_E = min exactly)
 *   plateau      η ← max(η · factor, min) once the validation loss has not improved for `patience` epochs
 * Written as text: `step:every=50,gamma=0.5`, `exponential:gamma=0.99`, `cosine:min=1e-4`,
 * `plateau:patience=5,factor=0.5,min=0`.
 */

export type ScheduleSpec =
  | { name: 'step'; every: number; gamma: number }
  | { name: 'exponential'; gamma: number }
  | { name: 'cosine'; min: number }
  | { name: 'plateau'; patience: number; factor: number; min: number };

export type ScheduleName = ScheduleSpec['name'];

/** What the loop carries between epochs: the rate last set, and plateau's best loss and epochs waited. */
export interface ScheduleState {
  lr: number;
  best: number | null;
  wait: number;
}

interface ParamRule {
  /** Used when the text leaves the parameter out; undefined means it is required. */
  default?: number;
  /** Says what is wrong with a value, or undefined when it is fine. */
  check: (x: number) => string | undefined;
}

const positiveInteger = (x: number) => (Number.isSafeInteger(x) && x >= 1 ? undefined : 'a positive integer');
const factorIn01 = (x: number) => (x > 0 && x < 1 ? undefined : 'a number in (0, 1)');
const gammaIn01 = (x: number) => (x > 0 && x <= 1 ? undefined : 'a number in (0, 1]');
const nonNegative = (x: number) => (Number.isFinite(x) && x >= 0 ? undefined : 'a non-negative number');

/** One record per schedule: its parameters, in the order `formatSchedule` writes them. */
export const SCHEDULES: { readonly [K in ScheduleName]: Readonly<Record<string, ParamRule>> } = {
  step: { every: { check: positiveInteger }, gamma: { default: 0.5, check: gammaIn01 } },
  exponential: { gamma: { check: gammaIn01 } },
  cosine: { min: { default: 0, check: nonNegative } },
  plateau: { patience: { default: 10, check: positiveInteger }, factor: { default: 0.5, check: factorIn01 }, min: { default: 0, check: nonNegative } },
};

export const SCHEDULE_NAMES = Object.keys(SCHEDULES) as ScheduleName[];

/** Thrown for schedule text or values that do not make a schedule; the message quotes the bad part. */
export class ScheduleError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Checks a schedule given as data (e.g. from a model file) and fills in the defaults. */
export function checkSchedule(value: { name: string } & Record<string, unknown>): ScheduleSpec {
  const rules = (SCHEDULES as Record<string, Record<string, ParamRule>>)[value.name];
  if (!rules) throw new ScheduleError(`unknown schedule "${value.name}" (expected one of ${SCHEDULE_NAMES.join(', ')})`);
  const out: Record<string, unknown> = { name: value.name };
  for (const key of Object.keys(value)) {
    if (key !== 'name' && !(key in rules)) {
      throw new ScheduleError(`${value.name}: unknown parameter "${key}" (expected ${Object.keys(rules).join(', ')})`);
    }
  }
  for (const [key, rule] of Object.entries(rules)) {
    const given = value[key];
    if (given === undefined && rule.default === undefined) throw new ScheduleError(`${value.name}: ${key}= is required`);
    const x = given === undefined ? rule.default : given;
    const problem = typeof x !== 'number' || Number.isNaN(x) ? 'a number' : rule.check(x);
    if (problem) throw new ScheduleError(`${value.name}: ${key} must be ${problem}, got ${String(given)}`);
    out[key] = x;
  }
  return out as ScheduleSpec;
}

/** `step:every=50,gamma=0.5` → { name: 'step', every: 50, gamma: 0.5 }; defaults filled in. */
export function parseSchedule(text: string): ScheduleSpec {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const params: Record<string, unknown> = { name };
  const rest = colon < 0 ? '' : text.slice(colon + 1).trim();
  for (const part of rest === '' ? [] : rest.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part.trim() : part.slice(0, eq).trim();
    const raw = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (eq < 0 || raw === '') throw new ScheduleError(`${name}: expected key=value, got "${part.trim()}"`);
    const x = Number(raw);
    if (!Number.isFinite(x)) throw new ScheduleError(`${name}: ${key} must be a number, got ${raw}`);
    if (key in params) throw new ScheduleError(`${name}: ${key} is given twice`);
    params[key] = x;
  }
  return checkSchedule(params as { name: string });
}

/** The canonical text of a schedule, every parameter written: parseSchedule(formatSchedule(s)) equals s. */
export function formatSchedule(spec: ScheduleSpec): string {
  const values = spec as unknown as Record<string, number>;
  return `${spec.name}:${Object.keys(SCHEDULES[spec.name]).map((key) => `${key}=${values[key]}`).join(',')}`;
}

/** Whether the schedule reads the validation loss (and so needs a validation set). */
export function needsValidation(spec: ScheduleSpec): boolean {
  return spec.name === 'plateau';
}

export function startSchedule(baseLr: number): ScheduleState {
  return { lr: baseLr, best: null, wait: 0 };
}

/** η for epoch `epoch` (1-based) of a run of `epochs` epochs; plateau's rate is the one in `state`. */
export function scheduledLr(spec: ScheduleSpec, baseLr: number, epoch: number, epochs: number, state: ScheduleState): number {
  switch (spec.name) {
    case 'step':
      return baseLr * Math.pow(spec.gamma, Math.floor((epoch - 1) / spec.every));
    case 'exponential':
      return baseLr * Math.pow(spec.gamma, epoch - 1);
    case 'cosine': {
      // A one-epoch run is its own last epoch, so it runs at the minimum too.
      const t = epochs > 1 ? (epoch - 1) / (epochs - 1) : 1;
      // At t = 1, 1 + cos(π) is exactly 0, so the last epoch's rate is `min` exactly.
      return spec.min + (baseLr - spec.min) * ((1 + Math.cos(Math.PI * t)) / 2);
    }
    case 'plateau':
      return state.lr;
    default: {
      const never: never = spec;
      throw new ScheduleError(`unknown schedule ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The state after an epoch that ran at `lr` and ended with `loss` (the validation loss for
 * plateau). Plateau: a strictly lower loss resets the wait; `patience` epochs without one cut the
 * rate by `factor` (not below `min`) and start the wait again, as Keras's ReduceLROnPlateau.
 */
export function afterEpoch(spec: ScheduleSpec, state: ScheduleState, lr: number, loss: number): ScheduleState {
  if (spec.name !== 'plateau') return { ...state, lr };
  if (state.best === null || loss < state.best) return { lr, best: loss, wait: 0 };
  const wait = state.wait + 1;
  if (wait < spec.patience) return { lr, best: state.best, wait };
  return { lr: Math.max(lr * spec.factor, spec.min), best: state.best, wait: 0 };
}
