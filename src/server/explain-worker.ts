/**
 * One /explain in a worker thread (see explain-pool.ts): the document of `chainrule explain
 * --json`, built by app/attributions.ts and serialised here, so neither step runs on the server's
 * event loop. The served model arrives as shared JSON bytes with a version; it is parsed once per
 * version. An InputError comes back as its field and message (the route's 400).
 */
import { Piscina } from 'piscina';
import type { ModelFile } from '../model/schema.js';
import { explainWithAttributions } from '../app/attributions.js';
import { InputError } from '../errors.js';
import type { ExplainReply, ExplainTask } from './explain-pool.js';

let cached: { version: number; model: ModelFile } | undefined;

export default function explainTask(task: ExplainTask): ExplainReply {
  if (cached?.version !== task.version) {
    // Validated by the server when it loaded the file; this is the same object, copied.
    cached = { version: task.version, model: JSON.parse(Buffer.from(task.model).toString('utf8')) as ModelFile };
  }
  try {
    const doc = explainWithAttributions(cached.model, task.input, task.target, task.options);
    // A fresh buffer of its own (not Buffer's shared pool), so it can be moved to the main thread.
    return Piscina.move(new TextEncoder().encode(JSON.stringify(doc))) as Uint8Array;
  } catch (err) {
    if (err instanceof InputError) return { field: err.field, message: err.message };
    throw err;
  }
}
