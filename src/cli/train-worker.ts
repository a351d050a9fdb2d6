/** The worker thread of `chainrule train`: runs the command's work, stopping on the main thread's SIGINT flag. */
import { runTrain, type TrainFlags } from './commands/train.js';
import { reportError } from './errors.js';
import { workerTask } from './interrupt.js';

workerTask<TrainFlags>(({ payload, shouldStop }) => runTrain(payload, { shouldStop }), reportError);
