/**
 * The 2-2-1 fused pass of `accumulateBatch` (fast221.ts) in WebAssembly SIMD, giving its bytes.
 * Two rows share an f64x2 through the forward step, the exps, log1p, the sigmoids and the deltas
 * (every expression in the scalar loop's order; e^x and log1p are fdlibm's, see simdMath.ts). The
 * sums are not vectorised over rows: each gradient is still one sum over the batch in row order
 * from 0, with the lanes running across the two hidden units ([g00, g10], …) and [gc, Σloss]; row
 * r is added, then row r+1. An odd last row runs the same code with its lane duplicated and only
 * its first half added.
 *
 * The module is assembled (asm.ts) on the first 2-2-1 fit that asks for it, not at import (about
 * 40 ms of cold JavaScript on the bench machine), and its exp and log1p are then checked bit for
 * bit against Math.exp and Math.log1p (edge cases and seeded values) and the kernel warmed up; if
 * any bit differs, or the engine has no WebAssembly SIMD, `simd221Available()` is false and
 * fast221.ts keeps the JS loop. Over 300 lines: the batch kernel, its self-check and its two
 * runners share the module's memory layout, which is clearer in one file.
 *
 * Over 300 lines because the batch kernel, its bit check against Math.exp/log1p and its warm-up
 * belong to one build, made once on first use.
 */
import type { Code } from './wasm/asm.js';
import {
  compile, ensureBytes, F64, f64, f64x2, FunctionBuilder, get, I32, i32, i32c, instantiate, moduleBytes, set, v128,
} from './wasm/asm.js';
import { emitExp, emitLog1p, fromHighWord } from './wasm/simdMath.js';
import { STEPS_OUT, stepsFunction } from './simd221Steps.js';

const c = (x: number): Code => v128.f64(x);

/** Bytes 0…71 hold P = [w00, w01, w10, w11, b0, b1, v0, v1, c]; the five sums go to OUT… */
const OUT = 128;
/** Where the data starts (16-byte aligned, so each row of X is one aligned v128). */
const DATA = 256;

/** Pairs of rows per iteration of the main loop, interleaved so their dependency chains overlap. */
const GROUPS = 4;

/**
 * batch(idx, rows, X, Y, sw, swMask, inv): the rows whose indices (u32) start at byte idx; writes
 * at OUT [g00, g10], [g01, g11], [gb0, gb1], [gv0, gv1], [gc, Σ w·loss]. Row i's weight is
 * sw[i & swMask]: without sample weights swMask is 0 and sw[0] is 1, and since ·1 is exact the
 * sums are the unweighted loop's bits (one function instead of two halves the code to assemble).
 * A row's computation is one long chain (three exps and a log1p in a row), so the main loop runs
 * GROUPS pairs side by side, then single pairs, then the odd last row.
 */
function batchFunction(): FunctionBuilder {
  const b = new FunctionBuilder('batch');
  const [IDX, ROWS, XP, YP, SWP, SW_MASK] = ['idx', 'rows', 'X', 'Y', 'sw', 'swMask'].map((n) => b.param(n, I32));
  const INV = b.param('inv', F64);
  const p = b.local('orderAt', I32), end = b.local('pairsEnd', I32), endGroups = b.local('groupsEnd', I32);
  const index = Array.from({ length: 2 * GROUPS }, (_, k) => b.local(`row${k}`, I32));
  const [w00, w01, w10, w11, b0, b1, v0, v1, cc] = ['w00', 'w01', 'w10', 'w11', 'b0', 'b1', 'v0', 'v1', 'c']
    .map((n, q) => b.let(v128.load64Splat(i32c(0), 8 * q), n));
  const inv = b.let(f64x2.splat(get(INV)), 'inv2');
  const acc = ['gx0', 'gx1', 'gb', 'gv', 'gcLoss'].map((n) => b.let(c(0), n));

  /**
   * Rows index[2g] (lane 0) and index[2g+1] (lane 1) up to the five pairs of per-row terms; the
   * sums are left to `accumulate`, which adds them in row order.
   */
  function rows(g: number): [number, number][] {
    const i0 = index[2 * g], i1 = index[2 * g + 1];
    const lanes = (base: number, mask?: number): Code => {
      const at = (i: number) => i32.add(get(base), i32.shl(mask === undefined ? get(i) : i32.and(get(i), get(mask)), i32c(3)));
      return f64x2.replaceLane(f64x2.splat(f64.load(at(i0))), 1, f64.load(at(i1)));
    };
    /** σ(z) as the scalar loop has it: e = e^{−|z|}, (z ≥ 0 ? 1 : e) / (1 + e). */
    const sigmoid = (z: number) => {
      const az = b.let(f64x2.abs(get(z)));
      const e = emitExp(b, b.let(f64x2.neg(get(az))), az);
      const a = b.let(f64x2.div(v128.select(f64x2.ge(get(z), c(0)), c(1), get(e)), f64x2.add(c(1), get(e))));
      return { e, a };
    };
    /** (0 + p·q + r·s) + t, as the reference's dot product then bias. */
    const affine = (p1: number, q1: number, p2: number, q2: number, t: number): number =>
      b.let(f64x2.add(f64x2.add(f64x2.add(c(0), f64x2.mul(get(p1), get(q1))), f64x2.mul(get(p2), get(q2))), get(t)));

    const ra = b.let(v128.load(i32.add(get(XP), i32.shl(get(i0), i32c(4)))));
    const rb = b.let(v128.load(i32.add(get(XP), i32.shl(get(i1), i32c(4)))));
    const x0 = b.let(v128.shuffle64(get(ra), get(rb), 0, 2));
    const x1 = b.let(v128.shuffle64(get(ra), get(rb), 1, 3));
    const y = b.let(lanes(YP));
    const h0 = sigmoid(affine(x0, w00, x1, w01, b0));
    const h1 = sigmoid(affine(x0, w10, x1, w11, b1));
    const z = affine(h0.a, v0, h1.a, v1, cc);
    const out = sigmoid(z);
    const log1pE = emitLog1p(b, out.e);
    // BCE from the logit: (z > 0 ? z : 0) − z·y + log1p(e^{−|z|}).
    const l = b.let(f64x2.add(f64x2.sub(v128.and(get(z), f64x2.gt(get(z), c(0))), f64x2.mul(get(z), get(y))), get(log1pE)));
    // s += w·l and delta = (ŷ − y)·inv·w, as the weighted scalar loop.
    const w = b.let(lanes(SWP, SW_MASK));
    const delta = b.let(f64x2.mul(f64x2.mul(f64x2.sub(get(out.a), get(y)), get(inv)), get(w)));
    const lossTerm = b.let(f64x2.mul(get(w), get(l)));
    const hiddenDelta = (v: number, a: number): number => b.let(f64x2.mul(
      f64x2.mul(f64x2.add(c(0), f64x2.mul(get(delta), get(v))), get(a)), f64x2.sub(c(1), get(a))));
    const d0 = hiddenDelta(v0, h0.a), d1 = hiddenDelta(v1, h1.a);
    return [
      [b.let(f64x2.mul(get(d0), get(x0))), b.let(f64x2.mul(get(d1), get(x0)))],
      [b.let(f64x2.mul(get(d0), get(x1))), b.let(f64x2.mul(get(d1), get(x1)))],
      [d0, d1],
      [b.let(f64x2.mul(get(delta), get(h0.a))), b.let(f64x2.mul(get(delta), get(h1.a)))],
      [delta, lossTerm],
    ];
  }

  /** acc[q] += (row lane 0 of each pair), then (lane 1) unless `both` is false: the rows in order. */
  function accumulate(groups: [number, number][][], both: boolean): void {
    for (const terms of groups) {
      terms.forEach(([first, second], q) => {
        b.emit(set(acc[q], f64x2.add(get(acc[q]), v128.shuffle64(get(first), get(second), 0, 2))));
        if (both) b.emit(set(acc[q], f64x2.add(get(acc[q]), v128.shuffle64(get(first), get(second), 1, 3))));
      });
    }
  }

  /** A loop over `pairs` pairs of rows per iteration while p < limit. */
  function pairLoop(pairs: number, limit: number): void {
    b.until(i32.eqz(i32.ltU(get(p), get(limit))), () => {
      for (let k = 0; k < 2 * pairs; k++) b.emit(set(index[k], i32.load(get(p), 4 * k)));
      accumulate(pairs === 1 ? [rows(0)] : b.interleave(pairs, rows), true);
      b.emit(set(p, i32.add(get(p), i32c(8 * pairs))));
    });
  }

  // end: after the last whole pair; endGroups: after the last whole group of pairs.
  b.emit(set(end, i32.add(get(IDX), i32.shl(i32.and(get(ROWS), i32c(-2)), i32c(2)))), set(p, get(IDX)));
  b.emit(set(endGroups, i32.add(get(IDX), i32.mul(i32.sub(get(ROWS), i32.remU(get(ROWS), i32c(2 * GROUPS))), i32c(4)))));
  if (GROUPS > 1) pairLoop(GROUPS, endGroups);
  pairLoop(1, end);
  b.if(i32.and(get(ROWS), i32c(1)), () => {
    b.emit(set(index[0], i32.load(get(p))), set(index[1], get(index[0])));
    accumulate([rows(0)], false);
  });
  acc.forEach((a, q) => b.emit(v128.store(i32c(0), get(a), OUT + 16 * q)));
  return b;
}

/** f(ptr, count): applies exp or log1p in place to `count` (even) doubles at ptr. */
function mathFunction(fn: 'exp' | 'log1p'): FunctionBuilder {
  const b = new FunctionBuilder(fn);
  const PTR = b.param('ptr', I32), COUNT = b.param('count', I32);
  const p = b.local('at', I32), end = b.local('end', I32);
  b.emit(set(p, get(PTR)), set(end, i32.add(get(PTR), i32.shl(get(COUNT), i32c(3)))));
  b.until(i32.eqz(i32.ltU(get(p), get(end))), () => {
    const x = b.let(v128.load(get(p)), 'x');
    const r = fn === 'exp' ? emitExp(b, x, b.let(f64x2.abs(get(x)), 'absX')) : emitLog1p(b, x);
    b.emit(v128.store(get(p), get(r)), set(p, i32.add(get(p), i32c(16))));
  });
  return b;
}

type BatchFn = (idx: number, rows: number, x: number, y: number, sw: number, swMask: number, inv: number) => void;
type StepsFn = (idx: number, rows: number, x: number, y: number, lr: number, check: number, shuffled: number) => void;
type MathFn = (ptr: number, count: number) => void;

interface Kernel {
  module: object;
  /** The instance the self-check and the test entry points use. */
  checker: Instance;
}
type Instance = ReturnType<typeof instantiate>;

/** The module's bytes: batch, steps, exp and log1p, importing the after-step host function. */
export function simd221ModuleBytes(): Uint8Array {
  return moduleBytes([batchFunction(), stepsFunction(), mathFunction('exp'), mathFunction('log1p')], { imports: [{ name: 'afterStep' }] });
}

/** The compiled module (null until built), or undefined without WebAssembly SIMD. */
let kernel: Kernel | undefined | null = null;
function getKernel(): Kernel | undefined {
  if (kernel === null) {
    const module = compile(simd221ModuleBytes());
    kernel = module ? { module, checker: instantiate(module, 1 << 16, { afterStep: () => 0 }) } : undefined;
  }
  return kernel;
}

function applyInPlace(fn: 'exp' | 'log1p', xs: Float64Array): Float64Array {
  const checker = getKernel()?.checker;
  if (!checker) throw new Error('WebAssembly SIMD is not available');
  const count = xs.length + (xs.length & 1);
  ensureBytes(checker.memory, DATA + 8 * count);
  const heap = new Float64Array(checker.memory.buffer, DATA, count);
  heap.set(xs);
  if (count > xs.length) heap[count - 1] = 0;
  (checker.exports[fn] as MathFn)(DATA, count);
  return heap.slice(0, xs.length);
}

/** e^x (x ≤ 0) for each value, by the kernel's exp. For tests; throws without WebAssembly SIMD. */
export function simd221Exp(xs: Float64Array): Float64Array {
  return applyInPlace('exp', xs);
}

/** log(1+x) (x in [0, 1]) for each value, by the kernel's log1p. For tests. */
export function simd221Log1p(xs: Float64Array): Float64Array {
  return applyInPlace('log1p', xs);
}

/** The edge cases of the self-check: both sides of every branch of exp and log1p on their domains. */
export function edgeCases(): { exp: number[]; log1p: number[] } {
  const around = (x: number) => [x, nextDown(x), nextUp(x)];
  const exp = [0, -0, -Number.MIN_VALUE, -1e-300, -Infinity, Number.NaN, -0.5, -1, -2, -10, -700, -708.39, -708.4, -709.78,
    -744, -745, -745.1332191019411, -745.1332191019412, -745.2, -800,
    ...[0x3fd62e42, 0x3fd62e43, 0x3ff0a2b2, 0x3e300000, 0x40862e42].flatMap((h) => around(-fromHighWord(h)))];
  const log1p = [0, Number.MIN_VALUE, 1e-310, 2 ** -1074, 2 ** -60, 1e-10, 0.1, 0.5, 1, nextDown(1), nextDown(nextDown(1)), Number.NaN,
    ...[0x3fda827a, 0x3e200000, 0x3c900000].flatMap((h) => around(fromHighWord(h))),
    // 1 + x at fdlibm's hu thresholds (0x6a09e, and 0xffffd where (0x100000 − hu) >> 2 is 0).
    ...[0x3ff6a09e, 0x3ffffffd, 0x3ffffffe, 0x3fffffff].flatMap((h) => around(fromHighWord(h) - 1)),
    ...Array.from({ length: 8 }, (_, i) => 1 - i * 2 ** -53)];
  return { exp, log1p };
}

function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x >= 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The kernel's exp and log1p give Math's bits on the edge cases and on seeded values over their domains. */
function selfCheck(): boolean {
  const { exp, log1p } = edgeCases();
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 2000; i++) {
    exp.push(-next() * (i & 1 ? 40 : 760));
    log1p.push(i & 1 ? next() : Math.exp(-next() * 745));
  }
  const same = (xs: number[], got: Float64Array, ref: (x: number) => number) =>
    xs.every((x, i) => Object.is(got[i], ref(x)));
  return same(exp, simd221Exp(Float64Array.from(exp)), Math.exp)
    && same(log1p, simd221Log1p(Float64Array.from(log1p)), Math.log1p);
}

let checked: boolean | undefined;

/**
 * True when the engine runs WebAssembly SIMD and the kernel's exp/log1p give Math's bits. The
 * first call (the first 2-2-1 fit, not the import) assembles, checks and warms the kernel.
 */
export function simd221Available(): boolean {
  if (checked === undefined) {
    checked = getKernel() !== undefined && selfCheck();
    if (checked) warmUp(getKernel()!);
  }
  return checked;
}

/**
 * A few small batches and SGD epochs before the first real one: the engine compiles the kernel on
 * its first call and optimises it in the background once it has run a while; without this the
 * first fit's first epochs pay both (measured: the first 10,000-row call 5.8 ms instead of 0.2 ms,
 * then ~15 calls at twice the time).
 */
function warmUp(k: Kernel): void {
  const rows = 64;
  const data = {
    X: Float64Array.from({ length: 2 * rows }, (_, i) => Math.sin(i)),
    Y: Float64Array.from({ length: rows }, (_, i) => i & 1),
    n: rows,
  };
  const run = batches(k, data);
  const P = Float64Array.of(0.5, -0.5, 0.25, 1, 0.1, -0.1, 1, -1, 0), G = new Float64Array(10);
  for (let i = 0; i < 20; i++) run.accumulate(P, G, 0, rows, false);
  const sgd = steps(k, data);
  const order = new Uint32Array(rows), never = () => false;
  for (let i = 0; i < 20; i++) sgd.run(P, order, false, 0.5, i & 1 ? never : undefined);
}


let enabled = true;

/** Turns the WebAssembly 2-2-1 path off (or back on), so tests can compare it with the JS loop. */
export function setSimd221Enabled(on: boolean): void {
  enabled = on;
}

/** True when new 2-2-1 runners should use the WebAssembly path. */
export function simd221Enabled(): boolean {
  return enabled && simd221Available();
}

export interface Net221Rows {
  X: Float64Array;
  Y: Float64Array;
  n: number;
  sampleWeight?: Float64Array;
}

/** Runs batches of one data set (copied into the module's memory once) with the WebAssembly kernel. */
export interface Simd221Batches {
  /** Takes the epoch's row order (once per epoch, before its shuffled batches). */
  setOrder(order: Uint32Array): void;
  /**
   * One batch with parameters P (as accumulateBatch): G = [Σ loss, ∂L/∂ each parameter in P's
   * order], rows start…start+rows−1 of the order when `shuffled`, else of storage.
   */
  accumulate(P: Float64Array, G: Float64Array, start: number, rows: number, shuffled: boolean): void;
}

/** A runner over `data` on its own instance and memory, or undefined when the path is off. */
export function createSimd221Batches(data: Net221Rows): Simd221Batches | undefined {
  const k = getKernel();
  if (!k || !simd221Enabled()) return undefined;
  return batches(k, data);
}

/**
 * The data of one fit copied into a fresh instance's memory: X, Y, weights, the identity order
 * when `ident` (fresh pages cost a fault each on first touch, so regions a runner does not use stay
 * untouched) and room for the epoch's order.
 */
function load(k: Kernel, data: Net221Rows, ident: boolean, functions: Record<string, () => number>) {
  const { X, Y, n, sampleWeight } = data;
  const xOff = DATA, yOff = xOff + 16 * n, swOff = yOff + 8 * n;
  const identOff = swOff + (sampleWeight ? 8 * n : 8), orderOff = identOff + 4 * n;
  const { memory, exports } = instantiate(k.module, orderOff + 4 * n, functions);
  const buffer = memory.buffer;
  new Float64Array(buffer, xOff, 2 * n).set(X.subarray(0, 2 * n));
  new Float64Array(buffer, yOff, n).set(Y.subarray(0, n));
  if (sampleWeight) new Float64Array(buffer, swOff, n).set(sampleWeight.subarray(0, n));
  else new Float64Array(buffer, swOff, 1)[0] = 1;
  if (ident) {
    const identity = new Uint32Array(buffer, identOff, n);
    for (let i = 0; i < n; i++) identity[i] = i;
  }
  return {
    buffer, exports, xOff, yOff, swOff, identOff, orderOff,
    order: new Uint32Array(buffer, orderOff, n), params: new Float64Array(buffer, 0, 9),
  };
}

function batches(k: Kernel, data: Net221Rows): Simd221Batches {
  const { n, sampleWeight } = data;
  const { buffer, exports, xOff, yOff, swOff, identOff, orderOff, order, params } = load(k, data, true, { afterStep: () => 0 });
  const swMask = sampleWeight ? -1 : 0;
  const out = new Float64Array(buffer, OUT, 10);
  const batch = exports.batch as BatchFn;
  return {
    setOrder(o: Uint32Array): void {
      order.set(o.subarray(0, n));
    },
    accumulate(P: Float64Array, G: Float64Array, start: number, rows: number, shuffled: boolean): void {
      params.set(P);
      const idx = (shuffled ? orderOff : identOff) + 4 * start;
      batch(idx, rows, xOff, yOff, swOff, swMask, 1 / rows);
      // out: [g00, g10, g01, g11, gb0, gb1, gv0, gv1, gc, Σ loss]
      G[0] = out[9];
      G[1] = out[0]; G[2] = out[2]; G[3] = out[1]; G[4] = out[3];
      G[5] = out[4]; G[6] = out[5]; G[7] = out[6]; G[8] = out[7]; G[9] = out[8];
    },
  };
}

/** Runs runFused's epochs (one SGD step per row) of one data set with the WebAssembly kernel. */
export interface Simd221Steps {
  /**
   * One epoch of SGD steps with learning rate `lr` from parameters P (as accumulateBatch's),
   * which it updates, over the rows in `order` when `shuffled`, else in storage order.
   * `afterStep`, when given, is called after every step and ends the epoch when it returns true
   * (pass the same function every epoch: a new one costs the engine its optimised call path).
   * Returns the steps taken; `loss` is then the epoch's loss sum, or NaN when the next step's loss
   * was not finite (that step is not taken and P is left as it was before the epoch).
   */
  run(P: Float64Array, order: Uint32Array, shuffled: boolean, lr: number, afterStep?: () => boolean): number;
  loss: number;
}

/** A runner over `data` on its own instance and memory, or undefined when the path is off. */
export function createSimd221Steps(data: Net221Rows): Simd221Steps | undefined {
  const k = getKernel();
  if (!k || !simd221Enabled()) return undefined;
  return steps(k, data);
}

function steps(k: Kernel, data: Net221Rows): Simd221Steps {
  const { n } = data;
  let after: (() => boolean) | undefined;
  const afterStep = () => (after!() ? 1 : 0);
  const { buffer, exports, xOff, yOff, orderOff, order, params } = load(k, data, false, { afterStep });
  const out = new Float64Array(buffer, STEPS_OUT, 1), outI = new Int32Array(buffer, STEPS_OUT + 8, 2);
  const run = exports.steps as StepsFn;
  const runner: Simd221Steps = {
    loss: 0,
    run(P: Float64Array, o: Uint32Array, shuffled: boolean, lr: number, fn?: () => boolean): number {
      params.set(P);
      if (shuffled) order.set(o.subarray(0, n));
      after = fn;
      run(orderOff, n, xOff, yOff, lr, fn ? 1 : 0, shuffled ? 1 : 0);
      after = undefined;
      if (outI[1] !== 0) {
        runner.loss = Number.NaN;
      } else {
        runner.loss = out[0];
        P.set(params);
      }
      return outI[0];
    },
  };
  return runner;
}
