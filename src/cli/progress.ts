/**
 * Training progress on stderr, for `chainrule train`. The training loop runs in a worker thread
 * (see interrupt.ts) and is synchronous, so the worker only reports: epoch records and notices
 * as messages, and a step count in shared memory. The main thread, idle while training runs,
 * draws: on a terminal a bar redrawn every 100 ms with the fraction of the current epoch, loss
 * and ETA; elsewhere a plain line every tenth of the epochs, and a heartbeat line during long
 * epochs, each written when it happens. Notices and the Ctrl-C message are printed on their own
 * lines above the bar, never through it.
 */
import type { EpochRecord } from '../train/fit.js';

/** What the worker tells the main thread; `steps` travel separately, in shared memory. */
export type ProgressMessage =
  | { kind: 'begin'; epochs: number; firstEpoch: number; stepsPerEpoch: number }
  /** `steps`: the worker's step count when the epoch ended (messages arrive late; this does not). */
  | { kind: 'epoch'; epoch: number; loss: number; valLoss?: number; steps: number }
  | { kind: 'line'; text: string }
  | { kind: 'end' };

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Steps taken so far in this process (the worker counts them in shared memory). */
  steps: () => number;
  /** Draw progress (false: --quiet / --json, only the `line` messages are printed). */
  show: boolean;
  now?: () => number;
  /** Redraw period of the bar on a terminal. */
  redrawMs?: number;
  /** Off a terminal, a status line at least this often while training runs. */
  heartbeatMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (timer: unknown) => void;
}

export interface ProgressView {
  handle(message: ProgressMessage): void;
  /** Prints `text` on its own line (e.g. the Ctrl-C notice); the bar goes on below it. */
  print(text: string): void;
  /** Ends the bar (leaving its last state on screen) and stops the timer. */
  stop(): void;
}

/** "1:05", "12:00:03". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function createProgressView(options: ProgressOptions): ProgressView {
  const { stream, show } = options;
  const now = options.now ?? (() => performance.now());
  const tty = Boolean(stream.isTTY);
  const redrawMs = options.redrawMs ?? 100;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const every = { value: 1 };
  let plan: { epochs: number; firstEpoch: number; stepsPerEpoch: number; at: number; steps0: number } | undefined;
  let last: { epoch: number; loss: number; valLoss?: number; steps: number } | undefined;
  /** Steps per epoch: the worker's estimate until the first epoch record gives the exact count. */
  let stepsPerEpoch = 1;
  let barShown = false;
  let lastLineAt = 0;
  let timer: unknown;

  /** Epochs done, with the fraction of the running epoch, since this process began. */
  function progressNow(): { done: number; epochFraction: number } {
    if (!plan) return { done: 0, epochFraction: 0 };
    const doneEpochs = (last?.epoch ?? plan.firstEpoch - 1) - (plan.firstEpoch - 1);
    // The shared counter is an Int32 that may wrap on very long runs; differences stay right.
    const inEpoch = Math.max(0, (options.steps() - (last?.steps ?? plan.steps0)) | 0);
    const epochFraction = last?.epoch === plan.epochs ? 0 : Math.min(0.999, inEpoch / stepsPerEpoch);
    return { done: doneEpochs + epochFraction, epochFraction };
  }

  function status(width: number | undefined): string {
    if (!plan) return '';
    const { done } = progressNow();
    const todo = plan.epochs - plan.firstEpoch + 1;
    const elapsed = now() - plan.at;
    const eta = done > 0 ? formatDuration((elapsed / done) * (todo - done)) : '-';
    // The epoch running now (the one after the latest record), or the last one once all are done.
    const epochNow = Math.min(plan.epochs, (last?.epoch ?? plan.firstEpoch - 1) + 1);
    const loss = last ? last.loss.toFixed(6) : '-';
    const valLoss = last?.valLoss !== undefined ? `  val loss ${last.valLoss.toFixed(6)}` : '';
    const percent = `${((100 * ((plan.firstEpoch - 1) + done)) / plan.epochs).toFixed(1)}%`;
    const tail = `  loss ${loss}${valLoss}  ETA ${eta}`;
    if (width === undefined) return `epoch ${epochNow}/${plan.epochs}  ${percent}${tail}`;
    const head = `epoch ${epochNow}/${plan.epochs} `;
    const barWidth = Math.max(10, Math.min(40, width - head.length - tail.length - percent.length - 4));
    const filled = Math.round((barWidth * ((plan.firstEpoch - 1) + done)) / plan.epochs);
    const text = `${head}[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${percent}${tail}`;
    return text.length >= width ? text.slice(0, width - 1) : text;
  }

  function redraw(): void {
    if (!plan) return;
    stream.write(`\r\x1b[2K${status(stream.columns || 80)}`);
    barShown = true;
  }

  /** Clears the bar's line so a notice can take it; the next redraw puts the bar back below. */
  function clearBar(): void {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  }

  function plainLine(): void {
    if (!last || !plan) return;
    stream.write(`epoch ${last.epoch}/${plan.epochs}  loss ${last.loss.toFixed(6)}${last.valLoss !== undefined ? `  val loss ${last.valLoss.toFixed(6)}` : ''}\n`);
    lastLineAt = now();
  }

  function heartbeat(): void {
    if (!plan || now() - lastLineAt < heartbeatMs) return;
    stream.write(`${status(undefined)}\n`);
    lastLineAt = now();
  }

  function startTimer(): void {
    if (timer !== undefined || !show) return;
    const set = options.setInterval ?? ((fn, ms) => { const t = setInterval(fn, ms); t.unref(); return t; });
    timer = tty ? set(redraw, redrawMs) : set(heartbeat, Math.min(heartbeatMs, 1000));
  }

  function stop(): void {
    if (timer !== undefined) (options.clearInterval ?? ((t) => clearInterval(t as ReturnType<typeof setInterval>)))(timer);
    timer = undefined;
    if (tty && barShown) {
      redraw();
      stream.write('\n');
      barShown = false;
    }
  }

  return {
    handle(message) {
      switch (message.kind) {
        case 'begin':
          // The worker's count starts at 0 and `begin` is sent before its first step.
          plan = { ...message, at: now(), steps0: 0 };
          every.value = Math.max(1, Math.round(message.epochs / 10));
          stepsPerEpoch = Math.max(1, message.stepsPerEpoch);
          lastLineAt = now();
          startTimer();
          if (tty && show) redraw();
          return;
        case 'epoch': {
          const before = last ?? (plan && { epoch: plan.firstEpoch - 1, steps: plan.steps0 });
          const previous = last?.epoch;
          last = { epoch: message.epoch, loss: message.loss, valLoss: message.valLoss, steps: message.steps };
          if (before && message.epoch > before.epoch) {
            stepsPerEpoch = Math.max(1, ((message.steps - before.steps) | 0) / (message.epoch - before.epoch));
          }
          if (!show) return;
          if (tty) {
            // The worker sends at most one record per 50 ms (and the last); the timer draws the rest.
            if (previous === undefined) redraw();
          } else if (message.epoch === 1 || message.epoch % every.value === 0 || message.epoch === plan?.epochs) {
            plainLine();
          }
          return;
        }
        case 'line':
          clearBar();
          stream.write(`${message.text}\n`);
          if (tty && show && plan && timer !== undefined) redraw();
          return;
        case 'end':
          stop();
          return;
        default: {
          const never: never = message;
          throw new Error(`unknown progress message ${JSON.stringify(never)}`);
        }
      }
    },
    print(text) {
      // Leave the bar where it stands (its line ends here) and print below it.
      if (barShown) stream.write('\n');
      barShown = false;
      stream.write(`${text}\n`);
    },
    stop,
  };
}

/**
 * Worker side: which epoch records to send. The first, every tenth of the epochs and the last
 * (the lines printed off a terminal), and otherwise at most one per `minMs`, so a run of 100,000
 * tiny epochs does not flood the channel.
 */
export function epochSender(epochs: number, send: (record: EpochRecord) => void, now: () => number = () => performance.now(), minMs = 50): (record: EpochRecord) => void {
  const every = Math.max(1, Math.round(epochs / 10));
  let lastSent = -Infinity;
  return (record) => {
    const t = now();
    if (record.epoch === 1 || record.epoch % every === 0 || record.epoch === epochs || t - lastSent >= minMs) {
      lastSent = t;
      send(record);
    }
  };
}
