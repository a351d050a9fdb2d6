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
 * The module is assembled here from its bytes (no toolchain, nothing downloaded) and imports its
 * memory, so operands can live in that memory across calls (`fastDenseWasm.ts`) and several
 * threads can share it. `simdMatmul` is the copying form for operands in ordinary arrays.
 */
import { uleb } from './asm.js';

/** The part of the WebAssembly JS API used here (the project compiles without the DOM library). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;

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
} as const;

/**
 * The kernel; byte addresses and strides. Rows of out and of x1/x2 (when they are matrices) are
 * ldo bytes apart, rows of M ldm bytes apart.
 */
export type Gemm = (
  out: number, ldo: number, a: number, aRow: number, aStep: number, mm: number, ldm: number,
  m: number, k: number, j0: number, j1: number, epilogue: number, x1: number, x2: number,
) => void;


function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Locals: 14 i32 parameters, then i32 scratch, v128 registers and f64 registers.
const OUT = 0, LDO = 1, A = 2, AROW = 3, ASTEP = 4, MM = 5, LDM = 6, M = 7, K = 8, J0 = 9, J1 = 10, MODE = 11, X1 = 12, X2 = 13;
const I = 14, J = 15, P = 16, PA = [17, 18, 19, 20], PB = 21, OFF = 22, PBIAS = 23;
const ACC = [24, 25, 26, 27, 28, 29, 30, 31], B0 = 32, B1 = 33, XV = 34, TV = 35, ZERO = 36, ONE = 37;
const S = [38, 39, 40, 41], Y = 42, TS = 43;

type Code = (number | Code)[];
const flat = (code: Code): number[] => code.flatMap((c) => (Array.isArray(c) ? flat(c) : [c]));
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const i32 = (v: number) => [0x41, ...uleb(v)]; // non-negative constants below 64 only (LEB sign bit)
const ADD = 0x6a, SUB = 0x6b, MUL = 0x6c, EQ = 0x46, EQZ = 0x45, GT_S = 0x4a, GE_S = 0x4e;
const simd = (op: number) => [0xfd, ...uleb(op)];
const mem = (offset: number) => [3, ...uleb(offset)]; // alignment hint 2^3: rows are only 8-byte aligned
const vload = (addr: Code, o: number) => [addr, simd(0x00), mem(o)];
const vstore = (addr: Code, value: Code, o: number) => [addr, value, simd(0x0b), mem(o)];
const vadd = (x: Code, y: Code) => [x, y, simd(0xf0)];
const vsub = (x: Code, y: Code) => [x, y, simd(0xf1)];
const vmul = (x: Code, y: Code) => [x, y, simd(0xf2)];
const vpositive = (x: Code) => [x, get(ZERO), simd(0x4a)]; // f64x2.gt: all ones where x > 0 (false for NaN)
const vand = (x: Code, y: Code) => [x, y, simd(0x4e)];
const fload = (addr: Code) => [addr, 0x2b, mem(0)];
const fstore = (addr: Code, value: Code) => [addr, value, 0x39, mem(0)];
const F64 = (x: number) => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
const fadd = (x: Code, y: Code) => [x, y, 0xa0];
const fsub = (x: Code, y: Code) => [x, y, 0xa1];
const fmul = (x: Code, y: Code) => [x, y, 0xa2];
const fselectPositive = (value: Code, test: Code) => [value, F64(0), test, F64(0), 0x64, 0x1b]; // test > 0 ? value : 0
const add = (x: Code, y: Code) => [x, y, ADD];
/** block { loop { if (exit) break; body; continue } } */
const whileNot = (exit: Code, body: Code) => [0x02, 0x40, 0x03, 0x40, exit, 0x0d, 1, body, 0x0c, 0, 0x0b, 0x0b];

/** The finished sums of one tile (R rows × C columns) through the epilogue `mode`. */
function storeTile(R: number, C: number, mode: number): Code {
  const code: Code = [set(OFF), add(get(X1), [get(J), i32(8), MUL]), set(PBIAS)];
  const at = (base: number) => add(get(base), get(OFF));
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < Math.max(1, C / 2); v++) {
      const o = 16 * v;
      if (C === 1) {
        const s = get(S[r]);
        if (mode === Epilogue.plain) code.push(fstore(at(OUT), s));
        if (mode === Epilogue.bias) code.push(fstore(at(OUT), fadd(s, fload(get(PBIAS)))));
        if (mode === Epilogue.biasRelu) {
          code.push(fadd(s, fload(get(PBIAS))), set(TS), fstore(at(OUT), get(TS)), fstore(at(X2), fselectPositive(get(TS), get(TS))));
        }
        if (mode === Epilogue.reluGrad) code.push(fstore(at(OUT), fselectPositive(s, fload(at(X1)))));
        if (mode === Epilogue.sigmoidGrad) code.push(fload(at(X1)), set(TS), fstore(at(OUT), fmul(fmul(s, get(TS)), fsub(F64(1), get(TS)))));
        if (mode === Epilogue.tanhGrad) code.push(fload(at(X1)), set(TS), fstore(at(OUT), fmul(s, fsub(F64(1), fmul(get(TS), get(TS))))));
        continue;
      }
      const acc = get(ACC[2 * r + v]);
      if (mode === Epilogue.plain) code.push(vstore(at(OUT), acc, o));
      if (mode === Epilogue.bias) code.push(vstore(at(OUT), vadd(acc, vload(get(PBIAS), o)), o));
      if (mode === Epilogue.biasRelu) {
        code.push(vadd(acc, vload(get(PBIAS), o)), set(TV), vstore(at(OUT), get(TV), o), vstore(at(X2), vand(get(TV), vpositive(get(TV))), o));
      }
      if (mode === Epilogue.reluGrad) code.push(vstore(at(OUT), vand(acc, vpositive(vload(at(X1), o))), o));
      if (mode === Epilogue.sigmoidGrad) code.push(vload(at(X1), o), set(TV), vstore(at(OUT), vmul(vmul(acc, get(TV)), vsub(get(ONE), get(TV))), o));
      if (mode === Epilogue.tanhGrad) code.push(vload(at(X1), o), set(TV), vstore(at(OUT), vmul(acc, vsub(get(ONE), vmul(get(TV), get(TV)))), o));
    }
    code.push(add(get(OFF), get(LDO)), set(OFF));
  }
  return code;
}

/** One tile: rows I … I+R−1, columns J … J+C−1, summed over p in order. */
function tile(R: number, C: number): Code {
  const code: Code = [];
  code.push(add(get(A), [get(I), get(AROW), MUL]), set(PA[0]));
  for (let r = 1; r < R; r++) code.push(add(get(PA[r - 1]), get(AROW)), set(PA[r]));
  code.push(add(get(MM), [get(J), i32(8), MUL]), set(PB));
  for (let r = 0; r < R; r++) {
    if (C === 1) code.push(F64(0), set(S[r]));
    else for (let v = 0; v < C / 2; v++) code.push(simd(0x0c), new Array(16).fill(0), set(ACC[2 * r + v]));
  }
  const step: Code = [];
  if (C === 1) step.push(fload(get(PB)), set(Y));
  else for (let v = 0; v < C / 2; v++) step.push(vload(get(PB), 16 * v), set(v ? B1 : B0));
  for (let r = 0; r < R; r++) {
    if (C === 1) {
      step.push(fadd(get(S[r]), fmul(fload(get(PA[r])), get(Y))), set(S[r]));
    } else {
      step.push(get(PA[r]), simd(0x0a), mem(0), set(XV)); // v128.load64_splat
      for (let v = 0; v < C / 2; v++) step.push(vadd(get(ACC[2 * r + v]), vmul(get(XV), get(v ? B1 : B0))), set(ACC[2 * r + v]));
    }
    step.push(add(get(PA[r]), get(ASTEP)), set(PA[r]));
  }
  step.push(add(get(PB), get(LDM)), set(PB), [get(P), i32(1), SUB], set(P));
  code.push(get(K), set(P), whileNot([get(P), EQZ], step));
  const offset = add([get(I), get(LDO), MUL], [get(J), i32(8), MUL]);
  for (const mode of Object.values(Epilogue)) {
    code.push(get(MODE), i32(mode), EQ, 0x04, 0x40, offset, storeTile(R, C, mode), 0x0b);
  }
  return code;
}

function columns(R: number): Code {
  const code: Code = [get(J0), set(J)];
  for (const C of [4, 2, 1]) {
    code.push(whileNot([add(get(J), i32(C)), get(J1), GT_S], [tile(R, C), add(get(J), i32(C)), set(J)]));
  }
  return code;
}

function body(): number[] {
  const code: Code = [
    simd(0x0c), new Array(16).fill(0), set(ZERO), F64(1), simd(0x14), set(ONE),
    i32(0), set(I),
    whileNot([add(get(I), i32(4)), get(M), GT_S], [columns(4), add(get(I), i32(4)), set(I)]),
    whileNot([get(I), get(M), GE_S], [columns(1), add(get(I), i32(1)), set(I)]),
    0x0b,
  ];
  const bytes = flat(code);
  const locals = [3, 10, 0x7f, 14, 0x7b, 6, 0x7c]; // 10 × i32, 14 × v128, 6 × f64
  return [...uleb(locals.length + bytes.length), ...locals, ...bytes];
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
function updateBody(): number[] {
  const RULE = 0, UP = 1, UG = 2, UM = 3, UV = 4, LEN = 5, H = 6, UI = 7, UEND = 8;
  // Locals after the 7 parameters: 2 × i32, then v128 9–20 (hyper 9–17, g m v), then f64 21–32 (the same).
  const vec = (slot: number) => 9 + slot, sca = (slot: number) => 21 + slot;
  const VG = 18, VM = 19, VV = 20, SG = 30, SM = 31, SV = 32;
  const code: Code = [];
  for (const slot of Object.values(HYPER)) {
    code.push(get(H), 0x2b, mem(8 * slot), 0x22, sca(slot), simd(0x14), set(vec(slot))); // f64.load offset=8·slot; local.tee
  }
  code.push([get(LEN), i32(8), MUL], set(UEND));
  const at = (base: number) => add(get(base), get(UI));
  const element = (v: boolean, rule: number): Code => {
    const load = v ? (b: number) => vload(at(b), 0) : (b: number) => fload(at(b));
    const store = v ? (b: number, x: Code) => vstore(at(b), x, 0) : (b: number, x: Code) => fstore(at(b), x);
    const [plus, minus, times] = v ? [vadd, vsub, vmul] : [fadd, fsub, fmul];
    const over = (x: Code, y: Code) => [x, y, v ? simd(0xf3) : 0xa3];
    const root = (x: Code) => [x, v ? simd(0xef) : 0x9f];
    const h = (slot: number) => get(v ? vec(slot) : sca(slot));
    const [g, m, w] = v ? [VG, VM, VV] : [SG, SM, SV];
    if (rule === UpdateRule.sgd) return store(UP, minus(load(UP), times(h(HYPER.lr), load(UG))));
    if (rule === UpdateRule.momentum) {
      return [plus(times(h(HYPER.momentum), load(UM)), load(UG)), set(w), store(UM, get(w)), store(UP, minus(load(UP), times(h(HYPER.lr), get(w))))];
    }
    return [
      load(UG), set(g),
      plus(times(h(HYPER.beta1), load(UM)), times(h(HYPER.oneMinusBeta1), get(g))), set(m), store(UM, get(m)),
      plus(times(h(HYPER.beta2), load(UV)), times(times(h(HYPER.oneMinusBeta2), get(g)), get(g))), set(w), store(UV, get(w)),
      store(UP, minus(load(UP), over(times(h(HYPER.lr), over(get(m), h(HYPER.c1))), plus(root(over(get(w), h(HYPER.c2))), h(HYPER.epsilon))))),
    ];
  };
  for (const rule of Object.values(UpdateRule)) {
    code.push(get(RULE), i32(rule), EQ, 0x04, 0x40, i32(0), set(UI),
      whileNot([add(get(UI), i32(16)), get(UEND), GT_S], [element(true, rule), add(get(UI), i32(16)), set(UI)]),
      whileNot([get(UI), get(UEND), GE_S], [element(false, rule), add(get(UI), i32(8)), set(UI)]),
      0x0b);
  }
  code.push(0x0b);
  const bytes = flat(code);
  const locals = [3, 2, 0x7f, 12, 0x7b, 12, 0x7c];
  return [...uleb(locals.length + bytes.length), ...locals, ...bytes];
}

/** Every kernel's arguments are i32 (byte addresses, counts): `update` reads its f64 hyper-parameters from memory. */
export type Update = (rule: number, p: number, g: number, m: number, v: number, len: number, hyper: number) => void;

/** The module's bytes; a shared memory needs an import declared shared (with a maximum). */
function moduleBytes(shared: boolean): Uint8Array {
  const fnType = (params: number) => [0x60, params, ...new Array(params).fill(0x7f), 0];
  const types = [2, ...fnType(14), ...fnType(7)];
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const imports = [1, ...name('env'), ...name('mem'), 0x02, ...limits];
  const exports = [2, ...name('gemm'), 0x00, 0, ...name('update'), 0x00, 1];
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types), ...section(2, imports), ...section(3, [2, 0, 1]), ...section(7, exports),
    ...section(10, [2, ...body(), ...updateBody()])]);
}

const compiled = new Map<boolean, WasmModule | undefined>();

/** The compiled module (for a shared memory or not), or undefined when the engine lacks WebAssembly SIMD. */
export function gemmModule(shared: boolean): WasmModule | undefined {
  if (!compiled.has(shared)) {
    let module: WasmModule | undefined;
    try {
      const bytes = moduleBytes(shared);
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = undefined;
    }
    compiled.set(shared, module);
  }
  return compiled.get(shared);
}

export interface Kernels {
  gemm: Gemm;
  update: Update;
}

/** The kernels bound to `memory` (which must be shared exactly when `module` was compiled for one). */
export function instantiateKernels(module: WasmModule, memory: WasmMemory): Kernels {
  const { exports } = new WebAssembly.Instance(module, { env: { mem: memory } });
  return { gemm: exports.gemm as Gemm, update: exports.update as Update };
}

/** A memory of at least `bytes` bytes; a shared one has a fixed size (it is never grown). */
export function createMemory(bytes: number, shared: boolean): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages });
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
  if (!enabled) return false;
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

/** The copying SIMD matmul, or undefined when this engine cannot run WebAssembly SIMD. */
export const simdMatmul: typeof matmulSimd | undefined = gemmModule(false) ? matmulSimd : undefined;
