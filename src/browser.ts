/**
 * chainrule for browsers, web workers and bundlers (package.json's `browser` and `worker`
 * conditions): the library without a file system or worker threads. Build and train networks, read
 * a table from CSV text ({@link tableFromCsv}), predict, evaluate, explain every gradient as its
 * chain-rule factors, compute attributions, and parse or serialize model files as JSON text.
 * The same names as the Node entry, minus readCsv, loadModel, saveModel, createThreadPool and
 * ONNX export (test/api/entries.test.ts keeps the two lists in step).
 *
 * ```ts
 * import { tableFromCsv, train, predict, serializeModel } from 'chainrule';
 * const table = tableFromCsv(await file.text(), { file: file.name });
 * const { model } = train(table, { target: 'promoted', hidden: [2], epochs: 200 });
 * predict(model, [{ years_experience: 6, performance_score: 82 }]);
 * const json = serializeModel(model); // parseModelJson(json) reads it back
 * ```
 *
 * @packageDocumentation
 */
import * as zod from 'zod';
import * as csvSync from 'csv-parse/browser/esm/sync';
import { provide } from './on-demand.js';

export * from './portable.js';

// A bundle cannot require packages on first use as Node does (on-demand.ts): they come with this entry.
provide('zod', zod);
provide('csv-parse/sync', csvSync);
