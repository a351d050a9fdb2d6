/** Training progress on stderr, for `chainrule train`. */
import { Presets, SingleBar } from 'cli-progress';
import type { EpochRecord } from '../train/fit.js';

/**
 * Progress on stderr: a cli-progress bar (epoch, loss, val loss, ETA) when stderr is a terminal,
 * else one plain line every tenth of the epochs, so logs and CI output stay readable.
 */
export function createProgress(epochs: number): { onEpoch: (r: EpochRecord) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: 'epoch {value}/{total} [{bar}] loss {loss}  val loss {valLoss}  ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    }, Presets.shades_classic);
    // Started at the first epoch, so notices printed while the data is prepared do not cut through it.
    let started = false;
    return {
      onEpoch: (r) => {
        const payload = { loss: r.loss.toFixed(6), valLoss: r.valLoss !== undefined ? r.valLoss.toFixed(6) : '-' };
        if (!started) {
          bar.start(epochs, r.epoch, payload);
          started = true;
        } else {
          bar.update(r.epoch, payload);
        }
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const every = Math.max(1, Math.round(epochs / 10));
  return {
    onEpoch: (r) => {
      if (r.epoch % every === 0 || r.epoch === 1) {
        process.stderr.write(`epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(6)}${r.valLoss !== undefined ? `  val loss ${r.valLoss.toFixed(6)}` : ''}\n`);
      }
    },
    stop: () => undefined,
  };
}
