/**
 * The worker thread of `chainrule train`: runs the command's work, stopping on the main thread's
 * SIGINT flag. Everything it prints goes to the main thread as messages (progress, notices, the
 * summary, an error line): a busy worker's own stderr is held back until training ends.
 */
import { runTrain, type TrainFlags, type WorkerMessage } from './commands/train.js';
import { reportError } from './errors.js';
import { workerTask } from './interrupt.js';

let post: ((message: WorkerMessage) => void) | undefined;
workerTask<TrainFlags>(
  (ctx) => {
    post = ctx.post;
    return runTrain(ctx.payload, { shouldStop: ctx.shouldStop, post: ctx.post, countStep: ctx.countStep, steps: ctx.steps });
  },
  (err) => reportError(err, post && ((text) => post?.({ kind: 'line', text: text.replace(/\n$/, '') }))),
);
