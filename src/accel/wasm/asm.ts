/**
 * The one WebAssembly assembler of chainrule: every kernel (gemm and the optimizer update in
 * simdKernels.ts, the 2-2-1 kernels, fdlibm's exp and log1p) is written with it, from bytes, with
 * no toolchain and nothing downloaded. Over 300 lines because it is the instruction set the
 * kernels use, named once: splitting it would only scatter the opcode table.
 *
 * Expressions nest as in the text format's folded form, e.g. `f64x2.add(get(a), get(b))` pushes
 * a, pushes b, then adds. Statements go into a `FunctionBuilder`, which names every parameter and
 * local (`b.local('rowsLeft', I32)` returns its index) and opens blocks, loops and ifs with labels,
 * so a branch names the construct it leaves instead of counting depths. Each module carries the
 * standard "name" section (function and local names), so `npm run kernels:listing` disassembles
 * the very bytes that run into a readable listing with those names.
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
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;

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
export type ValType = typeof I32 | typeof F64 | typeof V128;

// Locals are read and written thousands of times: one shared (read-only) array per local and opcode.
const localOps: Code[][] = [[], [], []];
const localOp = (op: 0 | 1 | 2, l: number): Code => (localOps[op][l] ??= [0x20 + op, ...uleb(l)]);
export const get = (l: number): Code => localOp(0, l);
export const set = (l: number, value: Code): Code => [value, localOp(1, l)];
/** Stores `value` in local l and leaves it on the stack. */
export const tee = (l: number, value: Code): Code => [value, localOp(2, l)];
export const i32c = (v: number): Code => cat([0x41], sleb(v));
/** Memory argument: alignment hint 2^align, constant offset. */
const memarg = (align: number, offset: number): Code => cat([align], uleb(offset));
const op2 = (code: number) => (a: Code, b: Code): Code => cat(a, b, [code]);
const op1 = (code: number) => (a: Code): Code => cat(a, [code]);

export const i32 = {
  add: op2(0x6a),
  sub: op2(0x6b),
  mul: op2(0x6c),
  remU: op2(0x70),
  and: op2(0x71),
  shl: op2(0x74),
  /** Unsigned shift right. */
  shr: op2(0x76),
  eq: op2(0x46),
  eqz: op1(0x45),
  ltU: op2(0x49),
  gtS: op2(0x4a),
  geS: op2(0x4e),
  load: (addr: Code, offset = 0): Code => cat(addr, [0x28], memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x36], memarg(2, offset)),
};

const f64Bytes = new DataView(new ArrayBuffer(8));
export const f64 = {
  const: (x: number): Code => {
    f64Bytes.setFloat64(0, x, true);
    return [0x44, ...Array.from({ length: 8 }, (_, i) => f64Bytes.getUint8(i))];
  },
  /** Loads and stores of one double; rows are only 8-byte aligned, so the hint is 2^3. */
  load: (addr: Code, offset = 0): Code => cat(addr, [0x2b], memarg(3, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x39], memarg(3, offset)),
  add: op2(0xa0),
  sub: op2(0xa1),
  mul: op2(0xa2),
  div: op2(0xa3),
  sqrt: op1(0x9f),
  gt: op2(0x64),
  /** `cond` (an i32) ? ifTrue : ifFalse, both computed. */
  select: (ifTrue: Code, ifFalse: Code, cond: Code): Code => cat(ifTrue, ifFalse, cond, [0x1b]),
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
  /** `align` is the hint 2^align: 4 for 16-byte aligned data, 3 for rows only 8-byte aligned. */
  load: (addr: Code, offset = 0, align = 4): Code => cat(addr, simd(0x00), memarg(align, offset)),
  store: (addr: Code, value: Code, offset = 0, align = 4): Code => cat(addr, value, simd(0x0b), memarg(align, offset)),
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
  sqrt: un(0xef),
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

/** `cond` ? ifTrue : ifFalse as an if/else with a result of `type` (only the taken arm runs). */
export const ifElse = (type: ValType, cond: Code, ifTrue: Code, ifFalse: Code): Code =>
  cat(cond, [0x04, type], ifTrue, [0x05], ifFalse, [0x0b]);

/** Calls function number `index` (imports first, in the order given to moduleBytes). */
export const call = (index: number): Code => cat([0x10], uleb(index));

/** A block, loop or if a branch can leave (or, for a loop, repeat). */
export interface Label {
  readonly kind: 'block' | 'loop' | 'if';
}

/**
 * A function under construction: named parameters first, then named locals, then statements.
 * Locals are declared in the order they were taken (runs of one type share a declaration).
 */
export class FunctionBuilder {
  private readonly code: Code[] = [];
  private readonly types: ValType[] = [];
  private readonly names: string[] = [];
  private readonly taken = new Map<string, number>();
  private paramCount = 0;
  private sink: Code[] = this.code;
  private readonly labels: Label[] = [];
  /** Statements of the streams being interleaved (see `interleave`), else undefined. */
  private streams: Code[][] | undefined;

  constructor(readonly name: string) {}

  /** The parameter types, for the module's type section. */
  get params(): ValType[] {
    return this.types.slice(0, this.paramCount);
  }

  private declare(name: string, type: ValType): number {
    const seen = this.taken.get(name) ?? 0;
    this.taken.set(name, seen + 1);
    this.names.push(seen === 0 ? name : `${name}_${seen + 1}`);
    this.types.push(type);
    return this.types.length - 1;
  }

  /** The next parameter (all of them before the first local). */
  param(name: string, type: ValType): number {
    if (this.types.length > this.paramCount) throw new Error(`parameter ${name} after the first local`);
    this.paramCount++;
    return this.declare(name, type);
  }

  /** A new local; a name already taken gets a suffix (_2, _3, …) in the listing. */
  local(name: string, type: ValType): number {
    return this.declare(name, type);
  }

  /** Appends instructions (one statement of the current stream while interleaving). */
  emit(...parts: Code[]): void {
    if (this.streams) this.streams[this.streams.length - 1].push(parts);
    else this.sink.push(parts);
  }

  /** Stores `value` in a new v128 local and returns the local. */
  let(value: Code, name = 't'): number {
    const l = this.local(name, V128);
    this.emit(set(l, value));
    return l;
  }

  private nest(kind: Label['kind'], open: Code, body: (label: Label) => void, otherwise?: () => void): void {
    if (this.streams) throw new Error('blocks do not nest inside interleave');
    const label: Label = { kind };
    const outer = this.sink;
    const inner: Code[] = [];
    const alternative: Code[] = [];
    this.labels.push(label);
    try {
      this.sink = inner;
      body(label);
      if (otherwise) {
        this.sink = alternative;
        otherwise();
      }
    } finally {
      this.labels.pop();
      this.sink = outer;
    }
    this.sink.push([open, inner, otherwise ? [[0x05], alternative] : [], [0x0b]]);
  }

  /** block … end: a branch to its label continues after it. */
  block(body: (exit: Label) => void): void {
    this.nest('block', [0x02, 0x40], body);
  }

  /** loop … end: a branch to its label starts it again. */
  loop(body: (again: Label) => void): void {
    this.nest('loop', [0x03, 0x40], body);
  }

  /** if (cond ≠ 0) then … [else …] end. */
  if(cond: Code, then: () => void, otherwise?: () => void): void {
    this.nest('if', [cond, 0x04, 0x40], () => then(), otherwise);
  }

  /** block { loop { if (exit) break; body; continue } }: `body` runs until `exit` is non-zero on entry. */
  until(exit: Code, body: (done: Label) => void): void {
    this.block((done) => this.loop((again) => {
      this.brIf(done, exit);
      body(done);
      this.br(again);
    }));
  }

  private depth(label: Label): number {
    const at = this.labels.lastIndexOf(label);
    if (at < 0) throw new Error('branch to a label that is not open here');
    return this.labels.length - 1 - at;
  }

  br(label: Label): void {
    this.emit([0x0c, ...uleb(this.depth(label))]);
  }

  brIf(label: Label, cond: Code): void {
    this.emit(cond, [0x0d, ...uleb(this.depth(label))]);
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

  /** The body as it goes in the code section (size, locals, instructions, end). */
  bytes(): number[] {
    if (this.labels.length > 0) throw new Error(`${this.name}: a block is still open`);
    const runs: number[][] = [];
    for (let l = this.paramCount; l < this.types.length; l++) {
      const type = this.types[l];
      const run = runs[runs.length - 1];
      if (run && run[1] === type) run[0]++;
      else runs.push([1, type]);
    }
    const locals = flatten([uleb(runs.length), runs.map(([count, type]) => [uleb(count), type])]);
    const code = flatten(this.code);
    return flatten([uleb(locals.length + code.length + 1), locals, code, 0x0b]);
  }

  /** Every local's name by index (parameters first), for the name section. */
  localNames(): readonly string[] {
    return this.names;
  }
}

function section(id: number, body: Code): Code {
  const bytes = flatten(body);
  return [id, uleb(bytes.length), bytes];
}

function name(s: string): Code {
  return cat(uleb(s.length), Array.from(s, (c) => c.charCodeAt(0)));
}

/** A host function the module imports as env.<name>, taking no arguments and returning one i32. */
export interface ImportDef {
  name: string;
}

export interface ModuleOptions {
  /** Host functions () → i32, imported before the module's own functions. */
  imports?: ImportDef[];
  /** Imports a shared memory (threads), with the largest maximum; else an ordinary one. */
  shared?: boolean;
}

/**
 * A module importing its memory as env.mem and the host functions `imports`, and exporting each
 * function (no results), with the name section that gives the listing its names.
 */
export function moduleBytes(functions: FunctionBuilder[], { imports = [], shared = false }: ModuleOptions = {}): Uint8Array {
  const types = [imports.length + functions.length, ...imports.flatMap(() => [0x60, 0, 1, I32]),
    ...functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0])];
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const importEntries = [1 + imports.length, ...flatten(name('env')), ...flatten(name('mem')), 0x02, ...limits,
    ...imports.flatMap((f, i) => [...flatten(name('env')), ...flatten(name(f.name)), 0x00, ...uleb(i)])];
  const funcs = [functions.length, ...functions.map((_, i) => imports.length + i)];
  const exports = [functions.length, ...functions.flatMap((f, i) => [...flatten(name(f.name)), 0x00, ...uleb(imports.length + i)])];
  const code = cat([functions.length], ...functions.map((f) => f.bytes()));
  const all = [...imports.map((f) => f.name), ...functions.map((f) => f.name)];
  const functionNames = cat(uleb(all.length), all.map((n, i) => cat(uleb(i), name(n))));
  const localNames = cat(uleb(functions.length), functions.map((f, i) => {
    const names = f.localNames();
    return cat(uleb(imports.length + i), uleb(names.length), names.map((n, l) => cat(uleb(l), name(n))));
  }));
  const subsection = (id: number, body: Code): Code => {
    const bytes = flatten(body);
    return [id, uleb(bytes.length), bytes];
  };
  const names = section(0, cat(name('name'), subsection(1, functionNames), subsection(2, localNames)));
  return Uint8Array.from(flatten([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    section(1, types), section(2, importEntries), section(3, funcs), section(7, exports), section(10, code), names]));
}

/** The compiled module, or undefined when this engine has no WebAssembly (SIMD) or rejects it. */
export function compile(bytes: Uint8Array): WasmModule | undefined {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return undefined;
    return new WebAssembly.Module(bytes);
  } catch {
    return undefined;
  }
}

/** A memory of at least `bytes` bytes (64 KiB pages); a shared one has a fixed size (it is never grown). */
export function createMemory(bytes: number, shared = false): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages });
}

/** An instance of `module` over `memory`, with the host functions it imports. */
export function instantiateOn(
  module: WasmModule, memory: WasmMemory, functions: Record<string, () => number> = {},
): Record<string, unknown> {
  return new WebAssembly.Instance(module, { env: { mem: memory, ...functions } }).exports;
}

/**
 * An instance of `module` over a fresh memory of `bytes` bytes (rounded up to 64 KiB pages), with
 * the host functions it imports.
 */
export function instantiate(
  module: WasmModule, bytes: number, functions: Record<string, () => number> = {},
): { memory: WasmMemory; exports: Record<string, unknown> } {
  const memory = createMemory(bytes);
  return { memory, exports: instantiateOn(module, memory, functions) };
}

/** Grows `memory` to hold at least `bytes` bytes. */
export function ensureBytes(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}
