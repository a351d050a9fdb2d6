/**
 * One gradient-descent step θ ← θ − η·∂L/∂θ on every parameter at once, taken on a copy, with the
 * loss of the sample before and after. The model itself is not touched. `keep` limits the
 * listed parameters (a large network's document lists only the ones it explains); the step and
 * its losses still cover every parameter.
 */
import type { Gradients, Network } from '../math/network.js';
import { cloneNetwork } from '../math/network.js';
import type { StepRecord, StepReport } from './types.js';
import type { Naming } from './naming.js';
import { forEachParameter } from './naming.js';
import { lossAt, type SampleTarget } from './check.js';

export function gradientStep(
  net: Network, grads: Gradients, x: readonly number[], y: SampleTarget, lr: number, naming: Naming,
  keep?: (l: number, j: number, i: number | undefined) => boolean,
): StepReport {
  const next = cloneNetwork(net);
  const parameters: StepRecord[] = [];
  forEachParameter(net, (l, j, i) => {
    const layer = net.layers[l];
    const index = i === undefined ? j : j * layer.inputs + i;
    const old = i === undefined ? layer.bias[index] : layer.weights[index];
    const gradient = i === undefined ? grads.bias[l][index] : grads.weights[l][index];
    const updated = old - lr * gradient;
    if (i === undefined) next.layers[l].bias[index] = updated;
    else next.layers[l].weights[index] = updated;
    if (!keep || keep(l, j, i)) parameters.push({ param: naming.param(l, j, i), old, lr, gradient, new: updated });
  });
  return { lr, rule: 'θ ← θ − η·∂L/∂θ', lossBefore: lossAt(net, x, y), lossAfter: lossAt(next, x, y), parameters };
}
