/**
 * Run by test/api/bundle.test.ts in a fresh node (a file, not `node -e`: worker threads inherit
 * `--input-type`, which they reject): imports 'chainrule' by name, as a user's script does, and
 * dist/index.js side by side, and prints what the test checks as JSON. Run with the repository as
 * the working directory.
 */
const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { tmpdir } = await import('node:os');
const entry = import.meta.resolve('chainrule');
const lib = await import('chainrule');
const plain = await import('../../dist/index.js');
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const dir = mkdtempSync(join(tmpdir(), 'chainrule-bundle-'));
const out = { entry: entry.slice(entry.lastIndexOf('/dist/') + 1), names: Object.keys(lib).sort(), plainNames: Object.keys(plain).sort() };
try {
  const table = await lib.readCsv('data/promotion.csv');
  const options = { target: 'promoted', epochs: 8, seed: 3 };
  const { model } = lib.train(table, options);
  out.train = same(model, plain.train(await plain.readCsv('data/promotion.csv'), options).model);
  // 256 rows × 64 × 64: big enough that fit splits the products among the pool's threads.
  const rng = lib.createRng(9);
  const data = { X: Float64Array.from({ length: 256 * 64 }, () => rng.next() - 0.5), Y: Float64Array.from({ length: 256 }, () => (rng.next() < 0.5 ? 0 : 1)), n: 256 };
  const net = (l) => l.createNetwork({ inputs: 64, hidden: [64] }, l.createRng(5));
  const fitOptions = (l) => ({ epochs: 2, batchSize: 'full', optimizer: { name: 'adam', lr: 0.01 }, rng: l.createRng(2) });
  const pool = await lib.createThreadPool(2);
  const threaded = net(lib);
  try { lib.fit(threaded, data, { ...fitOptions(lib), pool }); } finally { await pool.close(); }
  const single = net(plain);
  plain.fit(single, data, fitOptions(plain));
  out.threads = same(threaded, single);
  out.cv = same(await lib.crossValidate(table, { ...options, folds: 3, jobs: 2 }), await plain.crossValidate(table, { ...options, folds: 3 }));
  const bytes = lib.exportOnnx(model, join(dir, 'm.onnx'));
  out.onnx = same([...bytes], [...plain.modelToOnnx(model)]);
  const decoded = lib.decodeOnnx(bytes);
  out.producerVersion = decoded.producerVersion ?? decoded.producer_version;
  lib.saveModel(join(dir, 'm.json'), model);
  out.loaded = same(lib.loadModel(join(dir, 'm.json')), plain.loadModel(join(dir, 'm.json')));
  writeFileSync(join(dir, 'bad.json'), '{"format":"chainrule/model","version":1}');
  try { lib.loadModel(join(dir, 'bad.json')); } catch (err) { out.badFile = [err instanceof lib.ModelFileError, err.message.slice(err.message.indexOf('bad.json'))]; }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
