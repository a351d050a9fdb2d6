// Use chainrule from your code: train the notes' 2-2-1 network on the bundled promotion data, score
// two employees, explain one prediction's gradients as chain-rule factors, save the model and export
// it to ONNX. Run after `npm run build`:
//
//   node examples/train-and-explain.mjs [output-dir]
//
// Inside this repository `chainrule` resolves to the package itself (its `exports` map); in your
// project it is the installed package.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportOnnx, explain, loadModel, predict, readCsv, saveModel, train } from 'chainrule';

const outDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'chainrule-example-'));
const table = await readCsv(fileURLToPath(new URL('../data/promotion.csv', import.meta.url)));

// 1. Train: any option left out takes `chainrule train`'s default; onEpoch follows the run.
const { model, metrics } = train(table, {
  target: 'promoted',
  hidden: [2],
  optimizer: 'adam',
  lr: 0.05,
  epochs: 60,
  seed: 7,
  onEpoch: ({ epoch, loss }) => {
    if (epoch % 20 === 0) console.log(`epoch ${epoch}: mean BCE loss ${loss.toFixed(4)}`);
  },
});
console.log(`training accuracy ${(100 * metrics.accuracy).toFixed(1)}%`);

// 2. Predict: raw records in, each encoded with the model's own encoders.
const employees = [
  { years_experience: 9, performance_score: 88 },
  { years_experience: 2, performance_score: 51 },
];
const predictions = predict(model, employees);
predictions.forEach(({ probability, label }, i) => {
  console.log(`employee ${i + 1}: P(promoted) = ${probability.toFixed(4)} → ${label === 1 ? 'promoted' : 'not promoted'}`);
});

// 3. Explain: the loss for target 1 and each gradient as its chain-rule factors.
const why = explain(model, employees[0], 1);
const w11 = why.factors.find((f) => f.param === 'w11');
console.log(`loss ${why.loss.toFixed(6)}; ∂L/∂w11 = ${w11.terms.map((t) => `${t.symbol} ${t.value.toFixed(4)}`).join(' · ')}`);
console.log(`  = ${w11.product.toExponential(6)} (finite difference ${w11.finiteDifference.toExponential(6)})`);

// 4. Save, load back, export to ONNX (input "features" = raw values, output "probability").
const modelPath = join(outDir, 'promotion-model.json');
const onnxPath = join(outDir, 'promotion-model.onnx');
saveModel(modelPath, model);
const bytes = exportOnnx(loadModel(modelPath), onnxPath);
console.log(`saved ${modelPath}; exported ${onnxPath} (${bytes.length} bytes)`);

// A machine-readable summary on the last line, for the test that runs this example.
console.log(JSON.stringify({
  accuracy: metrics.accuracy,
  predictions,
  w11: { product: w11.product, gradient: w11.gradient, finiteDifference: w11.finiteDifference },
  maxAbsDiff: why.check.maxAbsDiff,
  modelPath,
  onnxPath,
}));
