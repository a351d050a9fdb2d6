// A TypeScript user's file: type-checked (not run) against the shipped declarations, resolved
// through the package's exports map ("types": dist/index.d.ts) by its own name.
import { createNetwork, createRng, exportOnnx, explain, fit, predict, readCsv, train } from 'chainrule';
import type { EpochRecord, ModelFile, Prediction, TrainConfig } from 'chainrule';

export async function consumer(): Promise<[ModelFile, Prediction[], number, Uint8Array]> {
  const table = await readCsv('data/promotion.csv');
  const config: TrainConfig = { target: 'promoted', hidden: [2], onEpoch: (r: EpochRecord) => (r.epoch > 10 ? 'stop' : undefined) };
  const { model } = train(table, config);
  const predictions: Prediction[] = predict(model, [{ years_experience: 5, performance_score: 80 }]);
  const gradient: number = explain(model, { years_experience: 5, performance_score: 80 }, 1).factors[0].gradient;
  const net = createNetwork({ inputs: 2, hidden: [3] }, createRng(1));
  fit(net, { X: new Float64Array(4), Y: new Float64Array(2), n: 2 }, { epochs: 1, batchSize: 'full', optimizer: { name: 'sgd', lr: 0.1 }, rng: createRng(2) });
  return [model, predictions, gradient, exportOnnx(model, 'model.onnx')];
}

// @ts-expect-error: the target column is required
train(await readCsv('x.csv'), { epochs: 3 });
