/**
 * A few helpers for assembling small WebAssembly modules from their bytes (no toolchain, nothing
 * downloaded): instructions are arrays of bytes, and expressions nest as in the text format's
 * folded form, e.g. `f64x2.add(get(a), get(b))` pushes a, pushes b, then adds.
 * Only the instructions the SIMD kernels use are named here.
 */

/**
 * Code: one or more instructions that leave their results on the stack, as bytes nested the way
 * the expressions nest (flattened once, when the function is done: copying at every level cost
 * tens of milliseconds at load).
 */
export type Code = (number | Code)[];

/** The part of the WebAssembly JS API used here (the project compiles without the DOM library). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const cat = (...parts: Code[]): Code => parts;
function flatten(code: Code, out: number[] = []): number[] {
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (typeof c === 'number') out.push(c);
    else flatten(c, out);
  }
  return out;
}

export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

// Locals are read and written thousands of times: one shared (read-only) array per local and opcode.
const localOps: Code[][] = [[], []];
const localOp = (op: 0 | 1, l: number): Code => (localOps[op][l] ??= [0x20 + op, ...uleb(l)]);
export const get = (l: number): Code => localOp(0, l);
export const set = (l: number, value: Code): Code => [value, localOp(1, l)];
export const i32c = (v: number): Code => cat([0x41], sleb(v));
/** Memory argument: alignment hint 2^align, constant offset. */
const memarg = (align: number, offset: number): Code => cat([align], uleb(offset));

export const i32 = {
  add: (a: Code, b: Code): Code => cat(a, b, [0x6a]),
  sub: (a: Code, b: Code): Code => cat(a, b, [0x6b]),
  mul: (a: Code, b: Code): Code => cat(a, b, [0x6c]),
  remU: (a: Code, b: Code): Code => cat(a, b, [0x70]),
  and: (a: Code, b: Code): Code => cat(a, b, [0x71]),
  shl: (a: Code, b: Code): Code => cat(a, b, [0x74]),
  /** Unsigned shift right. */
  shr: (a: Code, b: Code): Code => cat(a, b, [0x76]),
  ltU: (a: Code, b: Code): Code => cat(a, b, [0x49]),
  load: (addr: Code, offset = 0): Code => cat(addr, [0x28], memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x36], memarg(2, offset)),
};

export const f64 = {
  load: (addr: Code, offset = 0): Code => cat(addr, [0x2b], memarg(3, offset)),
};

const simd = (op: number): Code => [0xfd, ...uleb(op)];
const bin = (op: number) => {
  const code = simd(op);
  return (a: Code, b: Code): Code => [a, b, code];
};
const un = (op: number) => {
  const code = simd(op);
  return (a: Code): Code => [a, code];
};

/** Scratch for constants: allocating typed arrays per constant made the assembly GC-bound. */
const scratch = new DataView(new ArrayBuffer(16));
const V128_CONST = simd(0x0c);

const constants = new Map<string, Code>();

/** v128.const from the 16 little-endian bytes in `scratch` (one shared array per constant). */
function constBytes(): Code {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(scratch.getUint8(i));
  const key = bytes.join();
  let code = constants.get(key);
  if (!code) constants.set(key, code = [V128_CONST, bytes]);
  return code;
}

export const v128 = {
  load: (addr: Code, offset = 0): Code => cat(addr, simd(0x00), memarg(4, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, simd(0x0b), memarg(4, offset)),
  /** Splat of one double loaded from memory. */
  load64Splat: (addr: Code, offset = 0): Code => cat(addr, simd(0x0a), memarg(3, offset)),
  f64: (a: number, b = a): Code => {
    scratch.setFloat64(0, a, true);
    scratch.setFloat64(8, b, true);
    return constBytes();
  },
  i64: (a: bigint, b = a): Code => {
    scratch.setBigInt64(0, a, true);
    scratch.setBigInt64(8, b, true);
    return constBytes();
  },
  and: bin(0x4e),
  or: bin(0x50),
  /** a & ~b */
  andnot: bin(0x4f),
  /** 1 when any bit of the vector is set, else 0 (an i32). */
  anyTrue: un(0x53),
  /** Lanes of `ifTrue` where `mask` is all ones, else of `ifFalse`. */
  select: (mask: Code, ifTrue: Code, ifFalse: Code): Code => cat(ifTrue, ifFalse, mask, simd(0x52)),
  /** Two 64-bit lanes picked from a (0, 1) and b (2, 3). */
  shuffle64: (a: Code, b: Code, lane0: number, lane1: number): Code => {
    const bytes = (l: number) => Array.from({ length: 8 }, (_, i) => 8 * l + i);
    return cat(a, b, simd(0x0d), bytes(lane0), bytes(lane1));
  },
};

export const f64x2 = {
  splat: un(0x14),
  replaceLane: (v: Code, lane: number, x: Code): Code => cat(v, x, simd(0x22), [lane]),
  extractLane: (v: Code, lane: number): Code => cat(v, simd(0x21), [lane]),
  add: bin(0xf0),
  sub: bin(0xf1),
  mul: bin(0xf2),
  div: bin(0xf3),
  abs: un(0xec),
  neg: un(0xed),
  trunc: un(0x7a),
  eq: bin(0x47),
  ne: bin(0x48),
  lt: bin(0x49),
  gt: bin(0x4a),
  ge: bin(0x4c),
};

export const i64x2 = {
  add: bin(0xce),
  shl: (a: Code, by: Code): Code => cat(a, by, simd(0xcb)),
  ltS: bin(0xd8),
  /** The two i32 lanes of `truncSatF64x2Zero`, sign-extended. */
  extendLowI32x4S: un(0xc7),
};

export const i32x4 = {
  /** Both f64 lanes truncated to i32 (saturating), upper two lanes zero. */
  truncSatF64x2Zero: un(0xfc),
};

/** A function body under construction: i32 and f64 locals after the parameters, then v128 ones. */
export class FunctionBuilder {
  readonly code: Code = [];
  private nextI32: number;
  private nextV128 = 0;
  private readonly i32Base: number;
  private readonly v128Base: number;

  /** `params` counts the function's parameters; at most `maxI32` i32 locals can be taken. */
  constructor(params: number, private readonly maxI32 = 32) {
    this.i32Base = params;
    this.nextI32 = params;
    this.v128Base = params + maxI32;
  }

  /** A new i32 local. */
  i32(): number {
    if (this.nextI32 >= this.i32Base + this.maxI32) throw new Error('too many i32 locals');
    return this.nextI32++;
  }

  /** A new v128 local. */
  v128(): number {
    return this.v128Base + this.nextV128++;
  }

  /** Statements of the streams being interleaved (see `interleave`), else undefined. */
  private streams: Code[][] | undefined;

  /** Appends instructions (one statement of the current stream while interleaving). */
  emit(...parts: Code[]): void {
    if (this.streams) this.streams[this.streams.length - 1].push(parts);
    else this.code.push(parts);
  }

  /**
   * Emits `count` independent computations statement by statement in turn (s0 of each, then s1 of
   * each, …), so that independent dependency chains sit side by side in the code for the CPU to
   * overlap. Each must emit the same sequence of statements and touch only its own locals.
   */
  interleave<T>(count: number, gen: (g: number) => T): T[] {
    if (this.streams) throw new Error('interleave does not nest');
    const streams: Code[][] = [];
    this.streams = streams;
    const results: T[] = [];
    try {
      for (let g = 0; g < count; g++) {
        streams.push([]);
        results.push(gen(g));
      }
    } finally {
      this.streams = undefined;
    }
    const longest = Math.max(...streams.map((st) => st.length));
    for (let i = 0; i < longest; i++) for (const st of streams) if (i < st.length) this.emit(st[i]);
    return results;
  }

  /** Stores `value` in a new v128 local and returns the local. */
  let(value: Code): number {
    const l = this.v128();
    this.emit(set(l, value));
    return l;
  }

  /** The body as it goes in the code section (size, locals, instructions, end). */
  bytes(): number[] {
    const locals = flatten([2, uleb(this.maxI32), I32, uleb(Math.max(this.nextV128, 1)), V128]);
    const code = flatten(this.code);
    return flatten([uleb(locals.length + code.length + 1), locals, code, 0x0b]);
  }
}

function section(id: number, body: Code): Code {
  const bytes = flatten(body);
  return [id, uleb(bytes.length), bytes];
}

function name(s: string): Code {
  return cat(uleb(s.length), Array.from(s, (c) => c.charCodeAt(0)));
}

export interface FunctionDef {
  name: string;
  params: number[];
  body: FunctionBuilder;
}

/** A host function the module imports as env.<name>, taking no arguments and returning one i32. */
export interface ImportDef {
  name: string;
}

/** Calls imported function number `index` (in the order given to moduleBytes). */
export const call = (index: number): Code => cat([0x10], uleb(index));

/**
 * A module importing its memory as env.mem and the host functions `imports` (() → i32), and
 * exporting each function (no results). Imported functions come first in the index space.
 */
export function moduleBytes(functions: FunctionDef[], imports: ImportDef[] = []): Uint8Array {
  const types = [imports.length + functions.length, ...imports.flatMap(() => [0x60, 0, 1, I32]),
    ...functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0])];
  const importEntries = [1 + imports.length, ...name('env'), ...name('mem'), 0x02, 0x00, 1,
    ...imports.flatMap((f, i) => [...name('env'), ...name(f.name), 0x00, ...uleb(i)])];
  const funcs = [functions.length, ...functions.map((_, i) => imports.length + i)];
  const exports = [functions.length, ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(imports.length + i)])];
  const code = cat([functions.length], ...functions.map((f) => f.body.bytes()));
  return Uint8Array.from(flatten([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    section(1, types), section(2, importEntries), section(3, funcs), section(7, exports), section(10, code)]));
}

/** The compiled module, or undefined when this engine has no WebAssembly (SIMD) or rejects it. */
export function compile(bytes: Uint8Array): object | undefined {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return undefined;
    return new WebAssembly.Module(bytes);
  } catch {
    return undefined;
  }
}

/**
 * An instance of `module` over a fresh memory of `bytes` bytes (rounded up to 64 KiB pages), with
 * the host functions it imports.
 */
export function instantiate(
  module: object, bytes: number, functions: Record<string, () => number> = {},
): { memory: WasmMemory; exports: Record<string, unknown> } {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new WebAssembly.Instance(module, { env: { mem: memory, ...functions } });
  return { memory, exports: instance.exports };
}

/** Grows `memory` to hold at least `bytes` bytes. */
export function ensureBytes(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}
