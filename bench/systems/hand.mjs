/**
 * The yardstick: training loops written by hand, with no library. `generic` is what one writes
 * for any layer sizes (arrays per layer, one row at a time, gradients accumulated over the batch);
 * `writtenOut` is the 2-2-1 network in scalars, the fastest plain JavaScript one would write for
 * the notes' network. Both compute the mean BCE of every epoch, as a training loop reports it;
 * `generic` on a multi-class workload has a softmax output and computes the mean cross-entropy.
 */
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

export function generic(workload, data, layers, epochs) {
  const L = layers.map((l) => ({
    inputs: l.inputs, units: l.units, relu: l.activation === 'relu',
    W: Float64Array.from(l.weights), b: Float64Array.from(l.bias),
    gW: new Float64Array(l.weights.length), gb: new Float64Array(l.units),
    mW: new Float64Array(l.weights.length), vW: new Float64Array(l.weights.length),
    mb: new Float64Array(l.units), vb: new Float64Array(l.units),
    a: new Float64Array(l.units), d: new Float64Array(l.units),
  }));
  const last = L.length - 1;
  const { X, Y, n, features } = data;
  const classes = workload.classes;
  const batch = workload.batch === 'full' ? n : workload.batch;
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  const adam = workload.optimizer === 'adam';
  let t = 0;

  function forwardRow(row) {
    let input = X.subarray(row * features, row * features + features);
    for (let l = 0; l <= last; l++) {
      const { W, b, a, inputs, units } = L[l];
      for (let j = 0; j < units; j++) {
        let z = b[j];
        for (let i = 0; i < inputs; i++) z += W[j * inputs + i] * input[i];
        a[j] = l === last ? (classes === undefined ? sigmoid(z) : z) : !L[l].relu ? sigmoid(z) : z > 0 ? z : 0;
      }
      input = a;
    }
    if (classes !== undefined) {
      // Softmax over the output logits, shifted by their maximum so that exp never overflows.
      const a = L[last].a;
      let max = -Infinity, sum = 0;
      for (let j = 0; j < classes; j++) max = Math.max(max, a[j]);
      for (let j = 0; j < classes; j++) sum += (a[j] = Math.exp(a[j] - max));
      for (let j = 0; j < classes; j++) a[j] /= sum;
    }
    return L[last].a[0];
  }

  function step(rows) {
    t++;
    for (const l of L) {
      for (const [p, g, m, v] of [[l.W, l.gW, l.mW, l.vW], [l.b, l.gb, l.mb, l.vb]]) {
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] / rows;
          if (adam) {
            m[i] = 0.9 * m[i] + 0.1 * gi;
            v[i] = 0.999 * v[i] + 0.001 * gi * gi;
            p[i] -= (workload.lr * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
          } else {
            p[i] -= workload.lr * gi;
          }
          g[i] = 0;
        }
      }
    }
  }

  return {
    train() {
      for (let epoch = 0; epoch < epochs; epoch++) {
        if (workload.shuffle) {
          for (let i = n - 1; i > 0; i--) {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            const j = seed % (i + 1);
            const tmp = order[i]; order[i] = order[j]; order[j] = tmp;
          }
        }
        let epochLoss = 0;
        for (let start = 0; start < n; start += batch) {
          const rows = Math.min(batch, n - start);
          for (let r = 0; r < rows; r++) {
            const row = order[start + r];
            const yhat = forwardRow(row);
            const y = Y[row];
            if (classes === undefined) {
              epochLoss += -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat));
              L[last].d[0] = yhat - y;
            } else {
              const { a, d } = L[last];
              epochLoss -= Math.log(a[y]);
              for (let j = 0; j < classes; j++) d[j] = a[j] - (j === y ? 1 : 0);
            }
            for (let l = last; l >= 0; l--) {
              const { W, gW, gb, d, inputs, units } = L[l];
              const input = l === 0 ? X.subarray(row * features, row * features + features) : L[l - 1].a;
              for (let j = 0; j < units; j++) {
                gb[j] += d[j];
                for (let i = 0; i < inputs; i++) gW[j * inputs + i] += d[j] * input[i];
              }
              if (l > 0) {
                const prev = L[l - 1];
                for (let i = 0; i < inputs; i++) {
                  let s = 0;
                  for (let j = 0; j < units; j++) s += d[j] * W[j * inputs + i];
                  const a = prev.a[i];
                  prev.d[i] = prev.relu ? (a > 0 ? s : 0) : s * a * (1 - a);
                }
              }
            }
          }
          step(rows);
        }
        if (!(epochLoss >= 0)) throw new Error(`hand loop diverged at epoch ${epoch + 1}`);
      }
    },
    probabilities() {
      const m = classes ?? 1;
      const p = new Float64Array(n * m);
      for (let i = 0; i < n; i++) {
        forwardRow(i);
        p.set(L[last].a.subarray(0, m), i * m);
      }
      return p;
    },
  };
}

export function writtenOut(workload, data, layers, epochs) {
  let [w11, w21, w12, w22] = layers[0].weights;
  let [b1, b2] = layers[0].bias;
  let [w1, w2] = layers[1].weights;
  let [b3] = layers[1].bias;
  const { X, Y, n } = data;
  const lr = workload.lr;
  const batch = workload.batch === 'full' ? n : workload.batch;
  return {
    train() {
      for (let epoch = 0; epoch < epochs; epoch++) {
        let epochLoss = 0;
        for (let start = 0; start < n; start += batch) {
          const rows = Math.min(batch, n - start);
          let g11 = 0, g21 = 0, g12 = 0, g22 = 0, gb1 = 0, gb2 = 0, g1 = 0, g2 = 0, gb3 = 0;
          for (let row = start; row < start + rows; row++) {
            const x1 = X[2 * row], x2 = X[2 * row + 1], y = Y[row];
            const a1 = 1 / (1 + Math.exp(-(w11 * x1 + w21 * x2 + b1)));
            const a2 = 1 / (1 + Math.exp(-(w12 * x1 + w22 * x2 + b2)));
            const yhat = 1 / (1 + Math.exp(-(w1 * a1 + w2 * a2 + b3)));
            epochLoss += -(y * Math.log(yhat) + (1 - y) * Math.log(1 - yhat));
            const d = yhat - y;
            g1 += d * a1; g2 += d * a2; gb3 += d;
            const d1 = d * w1 * a1 * (1 - a1), d2 = d * w2 * a2 * (1 - a2);
            g11 += d1 * x1; g21 += d1 * x2; gb1 += d1;
            g12 += d2 * x1; g22 += d2 * x2; gb2 += d2;
          }
          const s = lr / rows;
          w11 -= s * g11; w21 -= s * g21; w12 -= s * g12; w22 -= s * g22; b1 -= s * gb1; b2 -= s * gb2;
          w1 -= s * g1; w2 -= s * g2; b3 -= s * gb3;
        }
        if (!(epochLoss >= 0)) throw new Error(`hand loop diverged at epoch ${epoch + 1}`);
      }
    },
    probabilities() {
      const p = new Float64Array(n);
      for (let row = 0; row < n; row++) {
        const a1 = sigmoid(w11 * X[2 * row] + w21 * X[2 * row + 1] + b1);
        const a2 = sigmoid(w12 * X[2 * row] + w22 * X[2 * row + 1] + b2);
        p[row] = sigmoid(w1 * a1 + w2 * a2 + b3);
      }
      return p;
    },
  };
}
