/**
 * The four workloads of the benchmark, shared by every system (JS and Python read the same
 * numbers from the data directory's meta.json).
 *   A  the notes' 2-2-1 sigmoid network, BCE, SGD lr 0.5, full batch: 10,000 rows × 500 epochs
 *   B  12-64-64-1 relu, BCE, Adam 1e-3, batches of 256: 50,000 rows × 5 epochs
 *   C  2-2-1 trained one sample at a time (the notes' way), SGD lr 0.5: 100,000 steps
 *   D  64-32-10 relu, softmax + cross-entropy, Adam 1e-3, batches of 128: 20,000 digits-like
 *      8×8 images of 10 classes × 5 epochs (issue 13)
 * `shuffle`: the rows are reshuffled every epoch (seeded, each system with its own generator).
 * `classes`: a multi-class workload; Y holds the class index 0 … classes−1 and each system feeds
 * it as its API wants (one-hot rows for chainrule and tfjs, indices for PyTorch and scikit-learn).
 */
export const WORKLOADS = {
  A: { name: 'A', title: '2-2-1 sigmoid, full batch SGD', dataset: 'small', features: 2, hidden: [2], activation: 'sigmoid', optimizer: 'sgd', lr: 0.5, batch: 'full', epochs: 500 },
  B: { name: 'B', title: '12-64-64-1 relu, Adam, batch 256', dataset: 'wide', features: 12, hidden: [64, 64], activation: 'relu', optimizer: 'adam', lr: 1e-3, batch: 256, epochs: 5, shuffle: true },
  C: { name: 'C', title: '2-2-1 one sample at a time', dataset: 'small', features: 2, hidden: [2], activation: 'sigmoid', optimizer: 'sgd', lr: 0.5, batch: 1, epochs: 10 },
  D: { name: 'D', title: '64-32-10 relu, softmax, Adam, batch 128', dataset: 'digits', features: 64, hidden: [32], activation: 'relu', classes: 10, optimizer: 'adam', lr: 1e-3, batch: 128, epochs: 5, shuffle: true },
};

export const DATASETS = {
  small: { rows: 10_000, features: 2, seed: 8 },
  wide: { rows: 50_000, features: 12, seed: 12 },
  digits: { rows: 20_000, features: 64, classes: 10, seed: 64 },
};

/**
 * Systems that take much longer per sample run a fraction of the epochs (never fewer than one);
 * the figure is a rate, and the table says how many samples each system trained on.
 */
export const EPOCH_FRACTION = {
  'tfjs-cpu': { A: 0.2, B: 0.2, C: 0.003, D: 0.2 },
  'tfjs-wasm': { A: 0.2, B: 0.2, C: 0.003, D: 0.2 },
  'brain.js': { A: 0.2, B: 0.02, C: 1 },
  pytorch: { C: 0.01 },
  'scikit-learn': { C: 0.05 },
  'hand loop': { B: 0.4, D: 0.4 },
  'chainrule (reference loop)': { B: 0.4, D: 0.4 },
};

/**
 * Epochs a system runs of a workload. Below one epoch (the slowest systems on C), the child
 * trains one epoch over that fraction of the rows.
 */
export function plannedEpochs(system, workload, quick = false) {
  const epochs = workload.epochs * (EPOCH_FRACTION[system]?.[workload.name] ?? 1) * (quick ? 0.2 : 1);
  return epochs >= 1 ? Math.round(epochs) : Math.max(epochs, 0.01);
}
