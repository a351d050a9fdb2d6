/**
 * One WebAssembly SIMD kernel for every matrix product of a dense layer, giving the bytes of the
 * scalar kernels: each output element is one sum started at 0 and accumulated over p = 0 … k−1 in
 * order (f64x2 lanes run across *columns* j, j+1, never across p; WebAssembly has no fused
 * multiply-add, so every lane rounds the product and the sum as JavaScript does).
 *
 *   gemm: out[i,j] = Σ_p A(i,p)·M[p,j] for rows i < m and columns j0 ≤ j < j1, where A(i,p) is read
 *   at a + i·aRow + p·aStep (so A may be stored transposed: dW = dZᵀ·X reads dZ in place), and the
 *   finished sum goes through an epilogue (`Epilogue`): + bias, + bias then ReLU into a second
 *   array, or times an activation's derivative. Every epilogue is the reference's own expression
 *   on the finished sum, so fusing it changes no bit.
 *
 * Tiles of 4 rows × 4 columns (8 f64x2 accumulators), then 2 and 1 columns, then single rows:
 * which tile computes an element never changes its value, so callers may split the columns (or
 * rows) of one product among threads and still get the same bytes.
 *
 * The module is assembled with asm.ts on its first use (not at import) and imports its memory, so
 * operands can live in that memory across calls (`fastDenseWasm.ts`) and several threads can
 * share it. `simdMatmul` is the copying form for operands in ordinary arrays. Its text is in
 * kernels.listing.txt. Just over 300 lines: the two kernels share the module, its memory helpers
 * and the switch that turns SIMD off for tests.
 *
 * Over 300 lines because gemm, its epilogues and the optimizer update share one module and one
 * memory layout: split, the layout would be written twice.
 */
import type { Code, WasmMemory, WasmModule } from './asm.js';
import { compile, createMemory, f64, f64x2, FunctionBuilder, get, I32, F64, i32, i32c, instantiateOn, moduleBytes, set, tee, V128, v128 } from './asm.js';

export type { WasmMemory, WasmModule } from './asm.js';
export { createMemory } from './asm.js';

/** What a finished sum s goes through before it is stored at out[i,j]. */
export const Epilogue = {
  /** out = s */
  plain: 0,
  /** out = s + bias[j] (x1 = bias) */
  bias: 1,
  /** out = z = s + bias[j]; x2[i,j] = z > 0 ? z : 0 (x1 = bias, x2 = activations) */
  biasRelu: 2,
  /** out = x1[i,j] > 0 ? s : 0 (x1 = Z: ReLU's backward) */
  reluGrad: 3,
  /** out = s·a·(1 − a), a = x1[i,j] (sigmoid's backward) */
  sigmoidGrad: 4,
  /** out = s·(1 − a·a), a = x1[i,j] (tanh's backward) */
  tanhGrad: 5,
  /** out = z > 0 ? z : 0, z = s + bias[j] (x1 = bias): a hidden ReLU layer's A alone, its Z never stored */
  biasReluOnly: 6,
} as const;

/**
 * The kernel; byte addresses and strides. Rows of out and of x1/x2 (when they are matrices) are
 * ldo bytes apart, rows of M ldm bytes apart.
 */
export type Gemm = (
  out: number, ldo: number, a: number, aRow: number, aStep: number, mm: number, ldm: number,
  m: number, k: number, j0: number, j1: number, epilogue: number, x1: number, x2: number,
) => void;

// Rows are only 8-byte aligned: the alignment hint of every v128 access is 2^3.
const vload = (addr: Code, offset: number): Code => v128.load(addr, offset, 3);
const vstore = (addr: Code, value: Code, offset: number): Code => v128.store(addr, value, offset, 3);
const ZERO16 = v128.i64(0n);
/** x > 0 ? value : 0 for doubles (false for NaN). */
const fselectPositive = (value: Code, test: Code): Code => f64.select(value, f64.const(0), f64.gt(test, f64.const(0)));

function gemmFunction(): FunctionBuilder {
  const b = new FunctionBuilder('gemm');
  const [OUT, LDO, A, AROW, ASTEP, MM, LDM, M, K, J0, J1, MODE, X1, X2] =
    ['out', 'ldo', 'a', 'aRow', 'aStep', 'mm', 'ldm', 'm', 'k', 'j0', 'j1', 'epilogue', 'x1', 'x2'].map((n) => b.param(n, I32));
  const I = b.local('i', I32), J = b.local('j', I32), P = b.local('pLeft', I32);
  const PA = [0, 1, 2, 3].map((r) => b.local(`aRow${r}`, I32));
  const PB = b.local('mRow', I32), OFF = b.local('outAt', I32), PBIAS = b.local('biasAt', I32);
  const ACC = [0, 1, 2, 3, 4, 5, 6, 7].map((q) => b.local(`acc${q >> 1}_${q & 1}`, V128));
  const B0 = b.local('m0', V128), B1 = b.local('m1', V128), XV = b.local('aSplat', V128), TV = b.local('z', V128);
  const ZERO = b.local('zero', V128), ONE = b.local('one', V128);
  const S = [0, 1, 2, 3].map((r) => b.local(`sum${r}`, F64));
  const Y = b.local('mValue', F64), TS = b.local('zScalar', F64);

  const vpositive = (x: Code) => f64x2.gt(x, get(ZERO)); // all ones where x > 0 (false for NaN)

  /** The finished sums of one tile (R rows × C columns) through the epilogue `mode`. */
  function storeTile(R: number, C: number, mode: number): void {
    b.emit(set(PBIAS, i32.add(get(X1), i32.mul(get(J), i32c(8)))));
    const at = (base: number) => i32.add(get(base), get(OFF));
    for (let r = 0; r < R; r++) {
      for (let v = 0; v < Math.max(1, C / 2); v++) {
        const o = 16 * v;
        if (C === 1) {
          const s = get(S[r]);
          if (mode === Epilogue.plain) b.emit(f64.store(at(OUT), s));
          if (mode === Epilogue.bias) b.emit(f64.store(at(OUT), f64.add(s, f64.load(get(PBIAS)))));
          if (mode === Epilogue.biasRelu) {
            b.emit(set(TS, f64.add(s, f64.load(get(PBIAS)))), f64.store(at(OUT), get(TS)), f64.store(at(X2), fselectPositive(get(TS), get(TS))));
          }
          if (mode === Epilogue.biasReluOnly) b.emit(set(TS, f64.add(s, f64.load(get(PBIAS)))), f64.store(at(OUT), fselectPositive(get(TS), get(TS))));
          if (mode === Epilogue.reluGrad) b.emit(f64.store(at(OUT), fselectPositive(s, f64.load(at(X1)))));
          if (mode === Epilogue.sigmoidGrad) b.emit(set(TS, f64.load(at(X1))), f64.store(at(OUT), f64.mul(f64.mul(s, get(TS)), f64.sub(f64.const(1), get(TS)))));
          if (mode === Epilogue.tanhGrad) b.emit(set(TS, f64.load(at(X1))), f64.store(at(OUT), f64.mul(s, f64.sub(f64.const(1), f64.mul(get(TS), get(TS))))));
          continue;
        }
        const acc = get(ACC[2 * r + v]);
        if (mode === Epilogue.plain) b.emit(vstore(at(OUT), acc, o));
        if (mode === Epilogue.bias) b.emit(vstore(at(OUT), f64x2.add(acc, vload(get(PBIAS), o)), o));
        if (mode === Epilogue.biasRelu) {
          b.emit(set(TV, f64x2.add(acc, vload(get(PBIAS), o))), vstore(at(OUT), get(TV), o), vstore(at(X2), v128.and(get(TV), vpositive(get(TV))), o));
        }
        if (mode === Epilogue.biasReluOnly) b.emit(set(TV, f64x2.add(acc, vload(get(PBIAS), o))), vstore(at(OUT), v128.and(get(TV), vpositive(get(TV))), o));
        if (mode === Epilogue.reluGrad) b.emit(vstore(at(OUT), v128.and(acc, vpositive(vload(at(X1), o))), o));
        if (mode === Epilogue.sigmoidGrad) b.emit(set(TV, vload(at(X1), o)), vstore(at(OUT), f64x2.mul(f64x2.mul(acc, get(TV)), f64x2.sub(get(ONE), get(TV))), o));
        if (mode === Epilogue.tanhGrad) b.emit(set(TV, vload(at(X1), o)), vstore(at(OUT), f64x2.mul(acc, f64x2.sub(get(ONE), f64x2.mul(get(TV), get(TV)))), o));
      }
      b.emit(set(OFF, i32.add(get(OFF), get(LDO))));
    }
  }

  /** One tile: rows I … I+R−1, columns J … J+C−1, summed over p in order. */
  function tile(R: number, C: number): void {
    b.emit(set(PA[0], i32.add(get(A), i32.mul(get(I), get(AROW)))));
    for (let r = 1; r < R; r++) b.emit(set(PA[r], i32.add(get(PA[r - 1]), get(AROW))));
    b.emit(set(PB, i32.add(get(MM), i32.mul(get(J), i32c(8)))));
    for (let r = 0; r < R; r++) {
      if (C === 1) b.emit(set(S[r], f64.const(0)));
      else for (let v = 0; v < C / 2; v++) b.emit(set(ACC[2 * r + v], ZERO16));
    }
    b.emit(set(P, get(K)));
    b.until(i32.eqz(get(P)), () => {
      if (C === 1) b.emit(set(Y, f64.load(get(PB))));
      else for (let v = 0; v < C / 2; v++) b.emit(set(v ? B1 : B0, vload(get(PB), 16 * v)));
      for (let r = 0; r < R; r++) {
        if (C === 1) {
          b.emit(set(S[r], f64.add(get(S[r]), f64.mul(f64.load(get(PA[r])), get(Y)))));
        } else {
          b.emit(set(XV, v128.load64Splat(get(PA[r]))));
          for (let v = 0; v < C / 2; v++) b.emit(set(ACC[2 * r + v], f64x2.add(get(ACC[2 * r + v]), f64x2.mul(get(XV), get(v ? B1 : B0)))));
        }
        b.emit(set(PA[r], i32.add(get(PA[r]), get(ASTEP))));
      }
      b.emit(set(PB, i32.add(get(PB), get(LDM))), set(P, i32.sub(get(P), i32c(1))));
    });
    const offset = i32.add(i32.mul(get(I), get(LDO)), i32.mul(get(J), i32c(8)));
    for (const mode of Object.values(Epilogue)) {
      b.if(i32.eq(get(MODE), i32c(mode)), () => {
        b.emit(set(OFF, offset));
        storeTile(R, C, mode);
      });
    }
  }

  function columns(R: number): void {
    b.emit(set(J, get(J0)));
    for (const C of [4, 2, 1]) {
      b.until(i32.gtS(i32.add(get(J), i32c(C)), get(J1)), () => {
        tile(R, C);
        b.emit(set(J, i32.add(get(J), i32c(C))));
      });
    }
  }

  b.emit(set(ZERO, ZERO16), set(ONE, f64x2.splat(f64.const(1))), set(I, i32c(0)));
  b.until(i32.gtS(i32.add(get(I), i32c(4)), get(M)), () => {
    columns(4);
    b.emit(set(I, i32.add(get(I), i32c(4))));
  });
  b.until(i32.geS(get(I), get(M)), () => {
    columns(1);
    b.emit(set(I, i32.add(get(I), i32c(1))));
  });
  return b;
}

/** The optimizers of optimizers.ts, in their order of `hyper` values; each formula is written as there. */
export const UpdateRule = { sgd: 0, momentum: 1, adam: 2 } as const;
/** f64 slots of the hyper-parameter block `update` reads. */
export const HYPER = { lr: 0, beta1: 1, beta2: 2, c1: 3, c2: 4, epsilon: 5, oneMinusBeta1: 6, oneMinusBeta2: 7, momentum: 8 } as const;

/**
 * update(rule, p, g, m, v, len, hyper): one optimizer step over len parameters, element by
 * element as optimizers.ts does it (so any split of the elements gives the same bytes); the
 * first moment is in m, so momentum's velocity is there:
 *   sgd       p ← p − lr·g
 *   momentum  m ← μ·m + g;  p ← p − lr·m
 *   adam      m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g·g;  p ← p − (lr·(m/c1)) / (√(v/c2) + ε)
 * Two lanes at a time, then one; div and sqrt are correctly rounded in both, as in JavaScript.
 */
function updateFunction(): FunctionBuilder {
  const b = new FunctionBuilder('update');
  const [RULE, UP, UG, UM, UV, LEN, H] = ['rule', 'p', 'g', 'm', 'v', 'len', 'hyper'].map((n) => b.param(n, I32));
  const UI = b.local('at', I32), UEND = b.local('end', I32);
  const slots = Object.entries(HYPER);
  const vec = slots.map(([n]) => b.local(`${n}2`, V128));
  const [VG, VM, VV] = ['g2', 'm2', 'v2'].map((n) => b.local(n, V128));
  const sca = slots.map(([n]) => b.local(n, F64));
  const [SG, SM, SV] = ['gScalar', 'mScalar', 'vScalar'].map((n) => b.local(n, F64));
  for (const [, slot] of slots) b.emit(set(vec[slot], f64x2.splat(tee(sca[slot], f64.load(get(H), 8 * slot)))));
  b.emit(set(UEND, i32.mul(get(LEN), i32c(8))));
  const at = (base: number) => i32.add(get(base), get(UI));
  const element = (v: boolean, rule: number): Code => {
    const load = v ? (p: number) => vload(at(p), 0) : (p: number) => f64.load(at(p));
    const store = v ? (p: number, x: Code) => vstore(at(p), x, 0) : (p: number, x: Code) => f64.store(at(p), x);
    const { add: plus, sub: minus, mul: times, div: over, sqrt: root } = v ? f64x2 : f64;
    const h = (slot: number) => get(v ? vec[slot] : sca[slot]);
    const [g, m, w] = v ? [VG, VM, VV] : [SG, SM, SV];
    if (rule === UpdateRule.sgd) return store(UP, minus(load(UP), times(h(HYPER.lr), load(UG))));
    if (rule === UpdateRule.momentum) {
      return [set(w, plus(times(h(HYPER.momentum), load(UM)), load(UG))), store(UM, get(w)), store(UP, minus(load(UP), times(h(HYPER.lr), get(w))))];
    }
    return [
      set(g, load(UG)),
      set(m, plus(times(h(HYPER.beta1), load(UM)), times(h(HYPER.oneMinusBeta1), get(g)))), store(UM, get(m)),
      set(w, plus(times(h(HYPER.beta2), load(UV)), times(times(h(HYPER.oneMinusBeta2), get(g)), get(g)))), store(UV, get(w)),
      store(UP, minus(load(UP), over(times(h(HYPER.lr), over(get(m), h(HYPER.c1))), plus(root(over(get(w), h(HYPER.c2))), h(HYPER.epsilon))))),
    ];
  };
  for (const rule of Object.values(UpdateRule)) {
    b.if(i32.eq(get(RULE), i32c(rule)), () => {
      b.emit(set(UI, i32c(0)));
      b.until(i32.gtS(i32.add(get(UI), i32c(16)), get(UEND)), () => b.emit(element(true, rule), set(UI, i32.add(get(UI), i32c(16)))));
      b.until(i32.geS(get(UI), get(UEND)), () => b.emit(element(false, rule), set(UI, i32.add(get(UI), i32c(8)))));
    });
  }
  return b;
}

/** Every kernel's arguments are i32 (byte addresses, counts): `update` reads its f64 hyper-parameters from memory. */
export type Update = (rule: number, p: number, g: number, m: number, v: number, len: number, hyper: number) => void;

/** The module's bytes; a shared memory needs an import declared shared (with a maximum). */
export function gemmModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes([gemmFunction(), updateFunction()], { shared });
}

const compiled = new Map<boolean, WasmModule | undefined>();

/**
 * The compiled module (for a shared memory or not), or undefined when the engine lacks
 * WebAssembly SIMD. Built on the first call, not at import: importing the library assembles nothing.
 */
export function gemmModule(shared: boolean): WasmModule | undefined {
  if (!compiled.has(shared)) compiled.set(shared, compile(gemmModuleBytes(shared)));
  return compiled.get(shared);
}

export interface Kernels {
  gemm: Gemm;
  update: Update;
}

/** The kernels bound to `memory` (which must be shared exactly when `module` was compiled for one). */
export function instantiateKernels(module: WasmModule, memory: WasmMemory): Kernels {
  const exports = instantiateOn(module, memory);
  return { gemm: exports.gemm as Gemm, update: exports.update as Update };
}

let enabled = true;

/** Turns the SIMD paths off (or back on), so tests can check the scalar fallback gives the same bytes. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** True when the WebAssembly SIMD kernels are available and not turned off. */
export function simdEnabled(): boolean {
  return enabled && gemmModule(false) !== undefined;
}

/** Doubles of module memory one copying call may use (16 MiB): the heap stays small and in cache. */
const BUDGET = 1 << 21;
let heap: { memory: WasmMemory; gemm: Gemm; view: Float64Array } | undefined;

function reserve(doubles: number): { gemm: Gemm; view: Float64Array } {
  if (!heap) {
    const memory = createMemory(doubles * 8, false);
    heap = { memory, gemm: instantiateKernels(gemmModule(false)!, memory).gemm, view: new Float64Array(memory.buffer) };
  }
  if (heap.view.length < doubles) {
    heap.memory.grow(Math.ceil((doubles * 8 - heap.memory.buffer.byteLength) / 65536));
    heap.view = new Float64Array(heap.memory.buffer);
  }
  return heap;
}

/**
 * out[m×n] = A[m×k]·M[k×n] for operands in ordinary arrays, copied into the module's memory in
 * chunks of rows that fit the budget (each output depends on one row only, so chunking changes
 * nothing). Returns false, computing nothing, when M alone would not fit: the caller then uses
 * the scalar kernels.
 */
function matmulSimd(out: Float64Array, A: Float64Array, M: Float64Array, m: number, k: number, n: number): boolean {
  if (!simdEnabled()) return false;
  const chunk = Math.floor((BUDGET - k * n) / (k + n) / 4) * 4;
  if (chunk < 4) return false;
  const { gemm, view } = reserve(Math.min(BUDGET, k * n + (k + n) * Math.max(m, 4)));
  view.set(M.subarray(0, k * n), 0);
  for (let r0 = 0; r0 < m; r0 += chunk) {
    const rows = Math.min(chunk, m - r0);
    const aOff = k * n, oOff = aOff + rows * k;
    view.set(A.subarray(r0 * k, (r0 + rows) * k), aOff);
    gemm(oOff * 8, n * 8, aOff * 8, k * 8, 8, 0, n * 8, rows, k, 0, n, Epilogue.plain, 0, 0);
    out.set(view.subarray(oOff, oOff + rows * n), r0 * n);
  }
  return true;
}

/**
 * The copying SIMD matmul; false (computing nothing) when this engine cannot run WebAssembly SIMD
 * or the SIMD paths are off. A function rather than a value decided at import, so that importing
 * assembles nothing.
 */
export const simdMatmul: typeof matmulSimd = matmulSimd;
