/**
 * `runFused` (fast221.ts) in WebAssembly: one SGD step per row, rows in order, each step's
 * forward pass, loss, backward pass and update in the scalar loop's operations and order. Steps
 * depend on each other, so the lanes run across the two hidden units instead of across rows:
 * [w00, w10], [w01, w11], [b0, b1], [v0, v1] and [z0, z1] are vectors, and one vector exp gives
 * both hidden units. The output unit's values (z, e^{−|z|}, ŷ, the loss, delta) sit in both lanes
 * of a vector, so its exp and log1p are the same fdlibm code and every other operation is the
 * lane-wise one of the scalar loop.
 *
 * The function is part of simd221.ts's module, so the same load-time check and warm-up cover it.
 */
import type { Code } from './wasm/asm.js';
import { call, f64x2, FunctionBuilder, get, I32, F64, i32, i32c, ifElse, set, v128 } from './wasm/asm.js';
import { emitExp, emitLog1p } from './wasm/simdMath.js';

const c = (x: number): Code => v128.f64(x);

/** Where `steps` leaves the epoch's loss sum (f64), the steps taken (i32) and 1 if a loss was not finite (i32). */
export const STEPS_OUT = 208;
/** Index of the imported host function called after each step when asked to (see `stepsFunction`). */
export const AFTER_STEP_IMPORT = 0;

/**
 * steps(idx, rows, X, Y, lr, check, shuffled): one epoch of `rows` SGD steps, over the rows whose
 * indices (u32) start at byte idx when `shuffled` is not 0, else over rows in storage order (no
 * index array to fill), with parameters P = [w00, w01, w10, w11, b0, b1, v0, v1, c] at bytes
 * 0…71, updated in place. Stops before the update of the first step whose loss is not finite (as
 * runFused returns there); when `check` is not 0, calls the host function after every step and
 * stops after the step where it returns non-zero (shouldStop). Writes the loss sum (in row order,
 * from 0), the steps taken and 1 if it stopped on a loss that was not finite at STEPS_OUT.
 */
export function stepsFunction(): FunctionBuilder {
  const b = new FunctionBuilder('steps');
  const IDX = b.param('idx', I32), ROWS = b.param('rows', I32), XP = b.param('X', I32), YP = b.param('Y', I32);
  const LR = b.param('lr', F64), CHECK = b.param('check', I32), SHUFFLED = b.param('shuffled', I32);
  const p = b.local('orderAt', I32), end = b.local('orderEnd', I32), row = b.local('row', I32), bad = b.local('notFinite', I32);
  const m0 = b.let(v128.load(i32c(0)), 'p0'), m1 = b.let(v128.load(i32c(0), 16), 'p1');
  // wx0 = [w00, w10] and wx1 = [w01, w11]: the weights on x0 and x1 of both hidden units.
  const wx0 = b.let(v128.shuffle64(get(m0), get(m1), 0, 2), 'wx0'), wx1 = b.let(v128.shuffle64(get(m0), get(m1), 1, 3), 'wx1');
  const bias = b.let(v128.load(i32c(0), 32), 'b'), v = b.let(v128.load(i32c(0), 48), 'v'), cc = b.let(v128.load64Splat(i32c(0), 64), 'c');
  const lr = b.let(f64x2.splat(get(LR)), 'lr2');
  const lossSum = b.let(c(0), 'lossSum');
  b.emit(set(p, get(IDX)), set(end, i32.add(get(p), i32.shl(get(ROWS), i32c(2)))), set(bad, i32c(0)));

  b.until(i32.eqz(i32.ltU(get(p), get(end))), (done) => {
    // row = shuffled ? order[step] : step.
    b.emit(set(row, ifElse(I32, get(SHUFFLED), i32.load(get(p)), i32.shr(i32.sub(get(p), get(IDX)), i32c(2)))));
    const xr = b.let(v128.load(i32.add(get(XP), i32.shl(get(row), i32c(4)))), 'xRow');
    const x0 = b.let(v128.shuffle64(get(xr), get(xr), 0, 0), 'x0'), x1 = b.let(v128.shuffle64(get(xr), get(xr), 1, 1), 'x1');
    const y = b.let(v128.load64Splat(i32.add(get(YP), i32.shl(get(row), i32c(3)))), 'y');
    /** σ(z) as the scalar loop has it: e = e^{−|z|}, (z ≥ 0 ? 1 : e) / (1 + e). */
    const sigmoid = (z: number) => {
      const az = b.let(f64x2.abs(get(z)), 'absZ');
      const e = emitExp(b, b.let(f64x2.neg(get(az)), 'negAbsZ'), az);
      const a = b.let(f64x2.div(v128.select(f64x2.ge(get(z), c(0)), c(1), get(e)), f64x2.add(c(1), get(e))), 'a');
      return { e, a };
    };
    // [z0, z1] = (0 + x0·[w00, w10] + x1·[w01, w11]) + [b0, b1].
    const zh = b.let(f64x2.add(f64x2.add(f64x2.add(c(0), f64x2.mul(get(x0), get(wx0))), f64x2.mul(get(x1), get(wx1))), get(bias)), 'zHidden');
    const h = sigmoid(zh);
    // z = (0 + a0·v0 + a1·v1) + c: lane 0 of (0 + [a0v0, a1v1]) + [a1v1, ·], then in both lanes.
    const av = b.let(f64x2.mul(get(h.a), get(v)), 'av');
    const dot = f64x2.add(f64x2.add(c(0), get(av)), v128.shuffle64(get(av), get(av), 1, 1));
    const z = b.let(f64x2.add(v128.shuffle64(dot, dot, 0, 0), get(cc)), 'zOut');
    const out = sigmoid(z);
    const log1pE = emitLog1p(b, out.e);
    // BCE from the logit: (z > 0 ? z : 0) − z·y + log1p(e^{−|z|}); not finite when l − l is not 0.
    const l = b.let(f64x2.add(f64x2.sub(v128.and(get(z), f64x2.gt(get(z), c(0))), f64x2.mul(get(z), get(y))), get(log1pE)), 'loss');
    b.if(v128.anyTrue(f64x2.ne(f64x2.sub(get(l), get(l)), c(0))), () => {
      b.emit(set(bad, i32c(1)));
      b.br(done);
    });
    b.emit(set(lossSum, f64x2.add(get(lossSum), get(l))));
    const delta = b.let(f64x2.sub(get(out.a), get(y)), 'delta');
    // [d0, d1] = (0 + delta·[v0, v1]) · a · (1 − a), from the weights before this step's update.
    const d = b.let(f64x2.mul(f64x2.mul(f64x2.add(c(0), f64x2.mul(get(delta), get(v))), get(h.a)), f64x2.sub(c(1), get(h.a))), 'deltaHidden');
    /** q −= lr·(0 + g), each gradient a sum over one row started at 0. */
    const update = (q: number, g: Code) => b.emit(set(q, f64x2.sub(get(q), f64x2.mul(get(lr), f64x2.add(c(0), g)))));
    update(wx0, f64x2.mul(get(d), get(x0)));
    update(wx1, f64x2.mul(get(d), get(x1)));
    update(bias, get(d));
    update(v, f64x2.mul(get(delta), get(h.a)));
    update(cc, get(delta));
    b.emit(set(p, i32.add(get(p), i32c(4))));
    // The host's after-step call (optimizer step count, shouldStop) only when asked for.
    b.if(get(CHECK), () => b.brIf(done, call(AFTER_STEP_IMPORT)));
  });

  b.emit(v128.store(i32c(0), v128.shuffle64(get(wx0), get(wx1), 0, 2)), v128.store(i32c(0), v128.shuffle64(get(wx0), get(wx1), 1, 3), 16));
  b.emit(v128.store(i32c(0), get(bias), 32), v128.store(i32c(0), get(v), 48), v128.store(i32c(0), get(cc), 64));
  b.emit(v128.store(i32c(0), get(lossSum), STEPS_OUT));
  b.emit(i32.store(i32c(0), i32.shr(i32.sub(get(p), get(IDX)), i32c(2)), STEPS_OUT + 8), i32.store(i32c(0), get(bad), STEPS_OUT + 12));
  return b;
}
