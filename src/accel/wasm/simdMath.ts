/**
 * e^x and log(1+x) on f64x2 lanes, emitted into a WebAssembly function body, giving the bits of
 * the engine's Math.exp and Math.log1p. V8 computes both with ports of fdlibm's e_exp.c and
 * s_log1p.c; these are the same algorithms with every branch computed and the lane's branch picked
 * by comparison masks. WebAssembly has no fused multiply-add, so each product and sum rounds as in
 * the C source. The high-word tests of fdlibm (hx < 0x3e300000, …) become comparisons of |x| with
 * the double whose high word is that constant and whose low word is 0, which orders the same way.
 *
 * Only the domains the sigmoid/BCE kernels need are covered: exp for x ≤ 0 (e^{−|z|}, from −0 to
 * −∞, with subnormal results below −708 and 0 below −745.13) and log1p for x in [0, 1]; NaN gives
 * NaN. Callers check the bits against Math.exp/Math.log1p before using them (another engine may
 * not use fdlibm).
 *
 * Derived from fdlibm:
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this software is
 * freely granted, provided that this notice is preserved.
 */
import type { Code, FunctionBuilder } from './asm.js';
import { f64x2, get, i32c, i32x4, i64x2, v128 } from './asm.js';

const view = new DataView(new ArrayBuffer(8));

/** The double whose high 32 bits are `high` and low 32 bits are 0. */
export function fromHighWord(high: number): number {
  view.setUint32(0, high);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

const c = (x: number): Code => v128.f64(x);

const INV_LN2 = 1.44269504088896338700e+00;
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
const EXP_UNDERFLOW = -7.45133219101941108420e+02;
/** 2^−1000: the second factor of a subnormal result (fdlibm's twom1000). */
const TWO_M1000 = 9.33263618503218878990e-302;

/**
 * e^x for x ≤ 0 in local `x` (|x| in local `ax`); returns the local holding the result.
 * fdlibm: x = k·ln2 + r with |r| ≤ ½ln2, e^r from a rational approximation, then scaled by 2^k.
 */
export function emitExp(b: FunctionBuilder, x: number, ax: number): number {
  // k = 0 for |x| ≤ ½ln2 (hx ≤ 0x3fd62e42), −1 below 1.5·ln2 (hx < 0x3ff0a2b2), else trunc(x/ln2 − ½).
  // Both branches of fdlibm's reduction are hi = x − k·ln2hi, lo = k·ln2lo (exact for k = 0, −1).
  const general = f64x2.trunc(f64x2.add(f64x2.mul(c(INV_LN2), get(x)), c(-0.5)));
  const k = b.let(v128.select(f64x2.ge(get(ax), c(fromHighWord(0x3fd62e43))),
    v128.select(f64x2.ge(get(ax), c(fromHighWord(0x3ff0a2b2))), general, c(-1)), c(0)), 'exp_k');
  const hi = b.let(f64x2.sub(get(x), f64x2.mul(get(k), c(LN2_HI))), 'exp_hi');
  const lo = b.let(f64x2.mul(get(k), c(LN2_LO)), 'exp_lo');
  const r = b.let(f64x2.sub(get(hi), get(lo)), 'exp_r');
  const t = b.let(f64x2.mul(get(r), get(r)), 'exp_t');
  let poly = c(P5);
  for (const p of [P4, P3, P2, P1]) poly = f64x2.add(c(p), f64x2.mul(get(t), poly));
  const cr = b.let(f64x2.sub(get(r), f64x2.mul(get(t), poly)), 'exp_cr');
  // fdlibm's k = 0 form 1 − ((r·c)/(c−2) − r) is this one with lo = 0, hi = r: (c−2) = −(2−c) exactly.
  const y = f64x2.sub(c(1), f64x2.sub(f64x2.sub(get(lo), f64x2.div(f64x2.mul(get(r), get(cr)), f64x2.sub(c(2), get(cr)))), get(hi)));
  // 2^k built in the exponent field; below k = −1021 it is 2^(k+1000) · 2^−1000, as fdlibm does.
  const k64 = b.let(i64x2.extendLowI32x4S(i32x4.truncSatF64x2Zero(get(k))), 'exp_k64');
  const sub = b.let(i64x2.ltS(get(k64), v128.i64(-1021n)), 'exp_sub');
  const twopk = i64x2.shl(i64x2.add(i64x2.add(get(k64), v128.i64(1023n)), v128.and(get(sub), v128.i64(1000n))), i32c(52));
  const scaled = f64x2.mul(f64x2.mul(y, twopk), v128.select(get(sub), c(TWO_M1000), c(1)));
  // |x| < 2^−28: 1 + x; x < −745.13…: 0 (e^x underflows).
  const tiny = v128.select(f64x2.lt(get(ax), c(fromHighWord(0x3e300000))), f64x2.add(c(1), get(x)), scaled);
  return b.let(v128.andnot(tiny, f64x2.lt(get(x), c(EXP_UNDERFLOW))), 'exp');
}

const LP = [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
  1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01];

/**
 * log(1+x) for x in [0, 1] in local `x`; returns the local holding the result.
 * fdlibm: 1+x = 2^k·(1+f) with √2/2 < 1+f < √2, log(1+f) from a series in s = f/(2+f), and c the
 * rounding error of 1+x. On [0, 1]: x < 2^−54 gives x, x < 2^−29 gives x − x²/2; below
 * hx = 0x3fda827a (x < √2 − 1) k = 0 and f = x; above it 1+x ≥ √2, so k = 1 and 1+f = (1+x)/2.
 */
export function emitLog1p(b: FunctionBuilder, x: number): number {
  const u = b.let(f64x2.add(c(1), get(x)), 'log1p_u');
  const upper = b.let(f64x2.ge(get(x), c(fromHighWord(0x3fda827a))), 'log1p_upper');
  // c = 1 − (u − x) when u's exponent says k > 0 (u = 2), else x − (u − 1); then c/u.
  const cu = b.let(f64x2.div(v128.select(f64x2.ge(get(u), c(2)),
    f64x2.sub(c(1), f64x2.sub(get(u), get(x))), f64x2.sub(get(x), f64x2.sub(get(u), c(1)))), get(u)), 'log1p_cu');
  // u with its exponent set to −1 is u/2 exactly (u normal).
  const f = b.let(v128.select(get(upper), f64x2.sub(f64x2.mul(get(u), c(0.5)), c(1)), get(x)), 'log1p_f');
  const hfsq = b.let(f64x2.mul(f64x2.mul(c(0.5), get(f)), get(f)), 'log1p_hfsq');
  const s = b.let(f64x2.div(get(f), f64x2.add(c(2), get(f))), 'log1p_s');
  const z = b.let(f64x2.mul(get(s), get(s)), 'log1p_z');
  let poly = c(LP[6]);
  for (let i = 5; i >= 0; i--) poly = f64x2.add(c(LP[i]), f64x2.mul(get(z), poly));
  const sR = b.let(f64x2.mul(get(s), f64x2.add(get(hfsq), f64x2.mul(get(z), poly))), 'log1p_sR');
  const low = f64x2.sub(get(f), f64x2.sub(get(hfsq), get(sR)));
  // k = 1. fdlibm's hu = 0 case (u's high word ≥ 0x3ffffffd, where (0x100000 − hu) >> 2 is 0) uses
  // R = hfsq·(1 − ⅔f); at u = 2 (f = 0) that expression gives its ln2hi + (c + ln2lo) exactly.
  const lc = b.let(f64x2.add(c(LN2_LO), get(cu)), 'log1p_lc');
  const hu0 = f64x2.ge(get(u), c(fromHighWord(0x3ffffffd)));
  const r2 = f64x2.mul(get(hfsq), f64x2.sub(c(1), f64x2.mul(c(0.66666666666666666), get(f))));
  const inner = v128.select(hu0, f64x2.sub(r2, get(lc)), f64x2.sub(get(hfsq), f64x2.add(get(sR), get(lc))));
  const high = f64x2.sub(c(LN2_HI), f64x2.sub(inner, get(f)));
  const main = v128.select(get(upper), high, low);
  const small = v128.select(f64x2.lt(get(x), c(fromHighWord(0x3e200000))),
    f64x2.sub(get(x), f64x2.mul(f64x2.mul(get(x), get(x)), c(0.5))), main);
  return b.let(v128.select(f64x2.lt(get(x), c(fromHighWord(0x3c900000))), get(x), small), 'log1p');
}
