/**
 * The WebAssembly 2-2-1 kernel (simd221.ts): its exp and log1p give Math.exp's and Math.log1p's
 * bits over the domains the kernel feeds them (e^{−|z|}, log1p of that), on a million seeded values
 * and on both sides of every fdlibm branch; and `fit` through it leaves the reference bytes
 * (weights, loss history, optimizer state) for full and mini-batches, shuffled or not, sample
 * weights, L2, every optimizer and |z| ~ 1000 — with the WebAssembly path on and off.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/rng.js';
import type { Rng } from '../../src/math/rng.js';
import { fromHighWord } from '../../src/accel/wasm/simdMath.js';
import { createNetwork } from '../../src/math/init.js';
import { optimizerConfig } from '../../src/math/optimizers.js';
import type { OptimizerName } from '../../src/math/optimizers.js';
import type { Dataset } from '../../src/train/fit.js';
import { setSimd221Enabled, simd221Available, simd221Enabled, simd221Exp, simd221Log1p } from '../../src/accel/simd221.js';
import { expectSameBits, expectSameDivergence, expectSameTraining, runBoth } from './same-bits.js';

function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x >= 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** x and its 8 neighbours on each side (in ulps). */
function around(x: number): number[] {
  const out = [x];
  let up = x, down = x;
  for (let i = 0; i < 8; i++) {
    up = nextUp(up);
    down = -nextUp(-down);
    out.push(up, down);
  }
  return out;
}

describe('the kernel\'s exp and log1p give Math\'s bits', () => {
  it('runs here: WebAssembly SIMD is present and the load-time self-check passed', () => {
    expect(simd221Available()).toBe(true);
  });

  it('exp at the branch boundaries (high words 0x3fd62e42, 0x3ff0a2b2, 0x3e300000, 0x40862e42) and edges', () => {
    const xs = [
      0, -0, -Number.MIN_VALUE, -1e-320, -1e-300, -(2 ** -28), -(2 ** -29), -Infinity, Number.NaN, -Math.LN2 / 2, -Math.LN2, -1.5 * Math.LN2,
      -700, -708.3964185322641, -708.4, -709.782712893384, -744.44, -745.1332191019411, -745.1332191019412, -745.2, -746, -1000, -1e300,
      ...[0x3fd62e42, 0x3fd62e43, 0x3ff0a2b2, 0x3ff0a2b1, 0x3e300000, 0x3e2fffff, 0x40862e42, 0x40862e43].flatMap((h) => around(-fromHighWord(h))),
      ...[-708.39, -745.1332191019411].flatMap(around),
    ];
    expectSameBits(simd221Exp(Float64Array.from(xs)), xs.map(Math.exp), 'exp', xs);
  });

  it('exp on 1,200,000 seeded values in [−760, 0]: uniform, near 0, deep and subnormal results', () => {
    const rng = createRng(2024);
    const xs = new Float64Array(1_200_000);
    for (let i = 0; i < xs.length; i++) {
      const r = rng.next();
      switch (i % 4) {
        case 0: xs[i] = -40 * r; break;
        case 1: xs[i] = -(r ** 4) * 760; break;
        case 2: xs[i] = -(2 ** (-60 * r)); break;
        default: xs[i] = -708 - 38 * r;
      }
    }
    expectSameBits(simd221Exp(xs), Array.from(xs, Math.exp), 'exp', xs);
  });

  it('log1p at the branch boundaries (0x3fda827a, 0x3e200000, 0x3c900000; 1+x at hu 0x6a09e and hu = 0) and edges', () => {
    const xs = [
      0, Number.MIN_VALUE, 1e-320, 2 ** -1022, 2 ** -60, 2 ** -54, 2 ** -29, 1e-10, 0.25, Math.SQRT2 - 1, 0.5, 0.75, 1, Number.NaN,
      ...[0x3fda827a, 0x3fda8279, 0x3e200000, 0x3c900000].flatMap((h) => around(fromHighWord(h))),
      // 1 + x with hu ≥ 0xffffd ((0x100000 − hu) >> 2 = 0) or 1 + x = 2 (hu = 0 with f = 0).
      ...[0x3ff6a09e, 0x3ffffffc, 0x3ffffffd, 0x3ffffffe, 0x3fffffff].flatMap((h) => around(fromHighWord(h) - 1)),
      ...Array.from({ length: 40 }, (_, i) => 1 - i * 2 ** -53),
      ...around(1).filter((x) => x <= 1),
    ];
    expectSameBits(simd221Log1p(Float64Array.from(xs)), xs.map(Math.log1p), 'log1p', xs);
  });

  it('log1p on 1,200,000 seeded values in [0, 1]: uniform, e^{−745r}, near 1 and near 2^−29', () => {
    const rng = createRng(4048);
    const xs = new Float64Array(1_200_000);
    for (let i = 0; i < xs.length; i++) {
      const r = rng.next();
      switch (i % 4) {
        case 0: xs[i] = r; break;
        case 1: xs[i] = Math.exp(-745 * r); break;
        case 2: xs[i] = 1 - r * 1e-5; break;
        default: xs[i] = 2 ** (-20 - 40 * r);
      }
    }
    expectSameBits(simd221Log1p(xs), Array.from(xs, Math.log1p), 'log1p', xs);
  });
});

function dataset(rng: Rng, n: number, opts: { weights?: boolean; scale?: number } = {}): Dataset {
  const scale = opts.scale ?? 2;
  const X = Float64Array.from({ length: 2 * n }, () => (2 * rng.next() - 1) * scale);
  const Y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1));
  const sampleWeight = opts.weights ? Float64Array.from({ length: n }, () => 0.25 + 2 * rng.next()) : undefined;
  return { X, Y, n, sampleWeight };
}

describe('fit on the 2-2-1 net leaves the reference bytes through the WebAssembly kernel', () => {
  const net221 = (seed: number) => createNetwork({ inputs: 2, hidden: [2] }, createRng(seed));
  const variants: {
    name: string; n: number; batchSize: number | 'full'; optimizer: OptimizerName; lr: number;
    l2?: number; weights?: boolean; shuffle?: boolean; scale?: number;
  }[] = [
    { name: 'full batch of 301 rows, sgd lr 0.5', n: 301, batchSize: 'full', optimizer: 'sgd', lr: 0.5 },
    { name: 'full batch of 300 rows, sample weights, l2 0.01', n: 300, batchSize: 'full', optimizer: 'sgd', lr: 0.5, weights: true, l2: 0.01 },
    { name: 'batch 17 of 100 (last 15), shuffled, sgd', n: 100, batchSize: 17, optimizer: 'sgd', lr: 0.3 },
    { name: 'batch 33 of 200, unshuffled, momentum, sample weights', n: 200, batchSize: 33, optimizer: 'momentum', lr: 0.1, weights: true, shuffle: false },
    { name: 'batch 16 of 99, shuffled, adam, sample weights, l2 0.001', n: 99, batchSize: 16, optimizer: 'adam', lr: 0.01, weights: true, l2: 0.001 },
    { name: 'batch 21 of 150, shuffled, adam', n: 150, batchSize: 21, optimizer: 'adam', lr: 0.02 },
    { name: '|z| ~ 1000 (inputs ×500), full batch of 121, sgd', n: 121, batchSize: 'full', optimizer: 'sgd', lr: 0.05, scale: 500 },
    { name: '|z| ~ 1000 (inputs ×500), batch 19, shuffled, sample weights, adam', n: 120, batchSize: 19, optimizer: 'adam', lr: 0.05, weights: true, scale: 500 },
  ];
  for (const simd of [true, false]) for (const v of variants) {
    it(`2-2-1 ${simd ? 'WebAssembly' : 'JS loop'}: ${v.name}`, () => {
      setSimd221Enabled(simd);
      try {
        expect(simd221Enabled()).toBe(simd);
        const data = dataset(createRng(11), v.n, { weights: v.weights, scale: v.scale });
        const r = runBoth(net221(3), data, {
          epochs: 15, batchSize: v.batchSize, optimizer: optimizerConfig(v.optimizer, v.lr), l2: v.l2, shuffle: v.shuffle,
        }, 99);
        expectSameTraining(r);
        expect(r.fast.history).toHaveLength(15);
      } finally {
        setSimd221Enabled(true);
      }
    });
  }

  it('extreme weights: first-layer weights ×400 put |z| near 1000 and e^{−|z|} in the subnormals', () => {
    const net = net221(5);
    for (const w of [net.layers[0].weights, net.layers[0].bias]) for (let i = 0; i < w.length; i++) w[i] *= 400;
    const data = dataset(createRng(7), 64);
    const r = runBoth(net, data, { epochs: 10, batchSize: 'full', optimizer: optimizerConfig('sgd', 0.5) }, 3);
    expectSameTraining(r);
  });

  it('an overflowing z (inputs near 1e308, weights ×1000) stops both paths at the same epoch with the same weights', () => {
    const overflowingNet = () => {
      const net = net221(8);
      for (let i = 0; i < 4; i++) net.layers[0].weights[i] *= 1000;
      return net;
    };
    expectSameDivergence(overflowingNet, dataset(createRng(2), 80, { scale: 1e308 }), { epochs: 20, batchSize: 16, optimizer: optimizerConfig('sgd', 0.5) });
  });
});
