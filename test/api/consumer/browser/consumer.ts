// A browser app's file, type-checked (not run) as a Vite project would (moduleResolution bundler,
// the browser condition): 'chainrule' resolves to dist/browser.d.ts, so the Node-only names are
// not there and the browser ones are.
import { explain, parseModelJson, predict, serializeModel, tableFromCsv, train } from 'chainrule';
import type { ModelFile, Prediction, Table } from 'chainrule';
// @ts-expect-error: readCsv reads a file, Node only
import { readCsv } from 'chainrule';
// @ts-expect-error: saveModel writes a file, Node only
import { saveModel } from 'chainrule/browser';

export async function consumer(file: File): Promise<[ModelFile, Prediction[], number, string]> {
  const table: Table = tableFromCsv(await file.text(), { file: file.name, missing: ['-'] });
  const { model } = train(table, { target: 'promoted', hidden: [2] });
  const predictions = predict(model, [{ years_experience: 5, performance_score: 80 }]);
  const gradient: number = explain(model, { years_experience: 5, performance_score: 80 }, 1).factors[0].gradient;
  return [parseModelJson(serializeModel(model), file.name), predictions, gradient, typeof readCsv + typeof saveModel];
}
