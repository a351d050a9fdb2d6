/**
 * The training worker: owns the Session and trains while playing, `speed` epochs per frame, so the
 * page only draws. After each frame it posts the weights, the new loss records and the ŷ grid.
 */
import type { FromWorker, ToWorker } from './protocol.js';
import { GRID_SIZE, UNIT_GRID_SIZE } from './protocol.js';
import { createSession, type Session } from './session.js';

let session: Session | undefined;
let runId = 0;
let running = false;
let speed = 1;
let sent = 0;
let error: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

const FRAME_MS = 16;

function post(): void {
  if (!session) return;
  const grid = session.grid(GRID_SIZE);
  const unitGrids = session.unitGrids(UNIT_GRID_SIZE);
  const message: FromWorker = {
    type: 'snapshot', runId, epoch: session.epoch, running, layers: session.layers(),
    from: sent, losses: session.history.slice(sent), gridSize: GRID_SIZE, grid, unitGrids, ...(error ? { error } : {}),
  };
  sent = session.history.length;
  (self as unknown as Worker).postMessage(message, [grid.buffer, unitGrids.buffer]);
}

/** Runs n epochs; on divergence stops playing and keeps the last finite weights. */
function train(n: number): void {
  if (!session) return;
  try {
    for (let k = 0; k < n; k++) session.runEpoch();
  } catch (err) {
    error = (err as Error).message;
    running = false;
  }
}

function frame(): void {
  timer = undefined;
  if (!running) return;
  const started = performance.now();
  train(speed);
  post();
  // Keep roughly one frame per display refresh, giving the message queue (pause) a turn.
  timer = setTimeout(frame, Math.max(0, FRAME_MS - (performance.now() - started)));
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'load':
      if (timer) clearTimeout(timer);
      timer = undefined;
      running = false;
      error = undefined;
      runId = msg.runId;
      speed = msg.config.speed;
      try {
        session = createSession({ ...msg.config, epoch: 0 }, msg.upload, msg.init);
      } catch (err) {
        session = undefined;
        (self as unknown as Worker).postMessage({ type: 'failed', runId, error: (err as Error).message } satisfies FromWorker);
        break;
      }
      sent = 0;
      train(msg.config.epoch);
      post();
      break;
    case 'play':
      if (running || error) return;
      running = true;
      frame();
      break;
    case 'pause':
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      post();
      break;
    case 'step':
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!error) train(1);
      post();
      break;
    case 'speed':
      speed = msg.speed;
      break;
  }
};
