/**
 * out[m×n] = A[m×k] · M[k×n] (row-major) with WebAssembly SIMD, giving the bytes of the scalar
 * kernels: each out[i,j] is still one sum started at 0 and accumulated over p = 0 … k−1 in order
 * (f64x2 lanes run across *columns* j, j+1, never across p; WebAssembly has no fused multiply-add,
 * so every lane rounds the product and the sum as JavaScript does).
 *
 * The module is assembled here from its bytes (no toolchain, nothing downloaded): one function
 * over blocks of 4 rows × 4 columns (8 f64x2 accumulators); the ragged edge rows and columns are
 * computed in JavaScript. Operands are copied into the module's memory for each call — O(mk + kn
 * + mn) copies against O(mkn) arithmetic, in chunks of rows that keep the module's memory under
 * 16 MiB. When the engine has no WebAssembly SIMD, `simdMatmul` is undefined and callers keep the
 * scalar kernels.
 */

/** The part of the WebAssembly JS API used here (the project compiles without the DOM library). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Local indices: parameters, then i32 scratch, then v128 registers.
const OUT = 0, A = 1, MM = 2, M4 = 3, K = 4, N4 = 5, N = 6;
const I = 7, J = 8, P = 9, K8 = 10, N8 = 11, PA = [12, 13, 14, 15], PB = 16, PO = 17;
const ACC = [18, 19, 20, 21, 22, 23, 24, 25], B0 = 26, B1 = 27, X = 28;

const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const i32 = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only
const ADD = 0x6a, MUL = 0x6c, GE_U = 0x4f;
const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_LOAD = 0x00, V128_STORE = 0x0b, V128_CONST = 0x0c, F64X2_SPLAT = 0x14, F64X2_ADD = 0xf0, F64X2_MUL = 0xf2;
const memarg = (offset: number) => [3, ...uleb(offset)]; // alignment hint 2^3: rows are only 8-byte aligned

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => { for (const p of parts) Array.isArray(p) ? code.push(...p) : code.push(p); };
  emit(get(K), i32(8), MUL, set(K8), get(N), i32(8), MUL, set(N8));
  emit(i32(0), set(I));
  emit(0x02, 0x40, 0x03, 0x40); // block, loop over i
  emit(get(I), get(M4), GE_U, 0x0d, 1);
  emit(i32(0), set(J));
  emit(0x02, 0x40, 0x03, 0x40); // block, loop over j
  emit(get(J), get(N4), GE_U, 0x0d, 1);
  for (const acc of ACC) emit(simd(V128_CONST), new Array(16).fill(0), set(acc));
  emit(get(A), get(I), get(K8), MUL, ADD, set(PA[0]));
  for (let r = 1; r < 4; r++) emit(get(PA[r - 1]), get(K8), ADD, set(PA[r]));
  emit(get(MM), get(J), i32(8), MUL, ADD, set(PB));
  emit(i32(0), set(P));
  emit(0x02, 0x40, 0x03, 0x40); // block, loop over p
  emit(get(P), get(K), GE_U, 0x0d, 1);
  emit(get(PB), simd(V128_LOAD), memarg(0), set(B0));
  emit(get(PB), simd(V128_LOAD), memarg(16), set(B1));
  for (let r = 0; r < 4; r++) {
    emit(get(PA[r]), 0x2b, memarg(0), simd(F64X2_SPLAT), set(X));
    emit(get(ACC[2 * r]), get(X), get(B0), simd(F64X2_MUL), simd(F64X2_ADD), set(ACC[2 * r]));
    emit(get(ACC[2 * r + 1]), get(X), get(B1), simd(F64X2_MUL), simd(F64X2_ADD), set(ACC[2 * r + 1]));
    emit(get(PA[r]), i32(8), ADD, set(PA[r]));
  }
  emit(get(PB), get(N8), ADD, set(PB));
  emit(get(P), i32(1), ADD, set(P));
  emit(0x0c, 0, 0x0b, 0x0b); // br loop p; end loop; end block
  emit(get(OUT), get(I), get(N8), MUL, ADD, get(J), i32(8), MUL, ADD, set(PO));
  for (let r = 0; r < 4; r++) {
    emit(get(PO), get(ACC[2 * r]), simd(V128_STORE), memarg(0));
    emit(get(PO), get(ACC[2 * r + 1]), simd(V128_STORE), memarg(16));
    emit(get(PO), get(N8), ADD, set(PO));
  }
  emit(get(J), i32(4), ADD, set(J));
  emit(0x0c, 0, 0x0b, 0x0b); // br loop j; end; end
  emit(get(I), i32(4), ADD, set(I));
  emit(0x0c, 0, 0x0b, 0x0b); // br loop i; end; end
  emit(0x0b); // end function
  const locals = [2, 11, 0x7f, 11, 0x7b]; // 11 × i32, 11 × v128
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function moduleBytes(): Uint8Array {
  const type = [1, 0x60, 7, ...new Array(7).fill(0x7f), 0];
  const imports = [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1];
  const funcs = [1, 0];
  const exports = [1, ...name('gemm'), 0x00, 0];
  const code = [1, ...body()];
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, type), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}

type Gemm = (out: number, a: number, m: number, m4: number, k: number, n4: number, n: number) => void;

function instantiate(): { memory: WasmMemory; gemm: Gemm } | undefined {
  try {
    const bytes = moduleBytes();
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return undefined;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
    return { memory, gemm: instance.exports.gemm as Gemm };
  } catch {
    return undefined;
  }
}

const wasm = instantiate();
let heap = wasm ? new Float64Array(wasm.memory.buffer) : new Float64Array(0);

function reserve(doubles: number): Float64Array {
  if (!wasm) throw new Error('WebAssembly SIMD is not available');
  if (heap.length < doubles) {
    const pages = Math.ceil((doubles * 8 - wasm.memory.buffer.byteLength) / 65536);
    wasm.memory.grow(pages);
    heap = new Float64Array(wasm.memory.buffer);
  }
  return heap;
}

let enabled = true;

/** Turns the SIMD path off (or back on), so tests can check the scalar fallback gives the same bytes. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** Doubles of module memory one call may use (16 MiB): the heap stays small and in cache. */
const BUDGET = 1 << 21;

/**
 * out[m×n] = A[m×k]·M[k×n]; each element summed over p in order from 0 (the reference's bytes).
 * Rows of A go through in chunks that fit the budget (each output depends on one row only, so
 * chunking changes nothing). Returns false, computing nothing, when M alone would not fit: the
 * caller then uses the scalar kernels.
 */
function matmulSimd(out: Float64Array, A: Float64Array, M: Float64Array, m: number, k: number, n: number): boolean {
  if (!enabled) return false;
  const chunk = Math.floor((BUDGET - k * n) / (k + n) / 4) * 4;
  if (chunk < 4) return false;
  const mOff = 0;
  const h = reserve(Math.min(BUDGET, k * n + (k + n) * Math.max(m, 4)));
  h.set(M.subarray(0, k * n), mOff);
  for (let r0 = 0; r0 < m; r0 += chunk) {
    const rows = Math.min(chunk, m - r0);
    const m4 = rows - (rows % 4);
    const n4 = n - (n % 4);
    if (m4 > 0 && n4 > 0 && k > 0) {
      const aOff = k * n, oOff = aOff + rows * k;
      h.set(A.subarray(r0 * k, (r0 + rows) * k), aOff);
      wasm!.gemm(oOff * 8, aOff * 8, mOff * 8, m4, k, n4, n);
      if (n4 === n) {
        out.set(h.subarray(oOff, oOff + m4 * n), r0 * n);
      } else {
        for (let i = 0; i < m4; i++) out.set(h.subarray(oOff + i * n, oOff + i * n + n4), (r0 + i) * n);
      }
    }
    // The ragged edge: columns n4… of the block's rows, then every column of the last rows.
    for (let i = 0; i < rows; i++) {
      const row = r0 + i;
      for (let j = i < m4 && k > 0 ? n4 : 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[row * k + p] * M[p * n + j];
        out[row * n + j] = s;
      }
    }
  }
  return true;
}

/** The SIMD matmul, or undefined when this engine cannot run WebAssembly SIMD. */
export const simdMatmul: typeof matmulSimd | undefined = wasm ? matmulSimd : undefined;
