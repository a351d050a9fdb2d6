/** A worker of `createThreadPool`: each message attaches it to a memory, and it serves phases until detached. */
import { parentPort } from 'node:worker_threads';
import type { Kernels } from './wasm/simdKernels.js';
import { instantiateKernels } from './wasm/simdKernels.js';
import type { AttachMessage } from './threadPool.js';
import { serve } from './threadPool.js';

if (!parentPort) throw new Error('threadWorker must run in a worker thread');

// Every epoch attaches again; the kernels are instantiated once per memory.
let bound: { id: number; kernels: Kernels } | undefined;
parentPort.on('message', (message: AttachMessage) => {
  if (bound?.id !== message.id) bound = { id: message.id, kernels: instantiateKernels(message.module, message.memory) };
  serve(bound.kernels, message);
});
parentPort.postMessage('ready');
