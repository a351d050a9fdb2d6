/**
 * The assembler (src/accel/wasm/asm.ts) on small functions run in this engine: structured loops and
 * labelled branches leave the constructs they name, locals are declared in runs and named in the
 * module's name section, and the LEB128 encodings are the spec's.
 */
import { describe, expect, it } from 'vitest';
import {
  compile, f64, FunctionBuilder, get, I32, F64, i32, i32c, ifElse, instantiate, moduleBytes, set, sleb, uleb, V128, v128,
} from '../../src/accel/wasm/asm.js';

/** Runs fn(args) of a one-function module and returns the i32 it stores at byte 0. */
function run(b: FunctionBuilder, ...args: number[]): number {
  const module = compile(moduleBytes([b]));
  expect(module, 'the module validates').toBeDefined();
  const { memory, exports } = instantiate(module!, 1 << 16);
  (exports[b.name] as (...a: number[]) => void)(...args);
  return new Int32Array(memory.buffer, 0, 1)[0];
}

describe('the assembler', () => {
  it('LEB128: unsigned and signed encodings of the spec examples and the sign-bit edge (64 and −64)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('until: Σ i for i < n, as a JavaScript loop gives, for n = 0, 1, 7 and 1000', () => {
    for (const n of [0, 1, 7, 1000]) {
      const b = new FunctionBuilder('sum');
      const count = b.param('n', I32);
      const i = b.local('i', I32), s = b.local('s', I32);
      b.until(i32.geS(get(i), get(count)), () => b.emit(set(s, i32.add(get(s), get(i))), set(i, i32.add(get(i), i32c(1)))));
      b.emit(i32.store(i32c(0), get(s)));
      let want = 0;
      for (let k = 0; k < n; k++) want += k;
      expect(run(b, n), `n = ${n}`).toBe(want);
    }
  });

  it('a branch inside an if inside a loop leaves the block it names: the first i with i·i > limit', () => {
    for (const limit of [0, 10, 99, 100]) {
      const b = new FunctionBuilder('firstSquareAbove');
      const lim = b.param('limit', I32);
      const i = b.local('i', I32);
      b.block((found) => b.loop((again) => {
        b.if(i32.gtS(i32.mul(get(i), get(i)), get(lim)), () => b.br(found));
        b.emit(set(i, i32.add(get(i), i32c(1))));
        b.br(again);
      }));
      b.emit(i32.store(i32c(0), get(i)));
      expect(run(b, limit), `limit ${limit}`).toBe(Math.floor(Math.sqrt(limit)) + 1);
    }
  });

  it('if/else and ifElse take the arm their condition picks; brIf to a label that is not open throws', () => {
    for (const x of [-3, 0, 5]) {
      const b = new FunctionBuilder('sign');
      const v = b.param('x', I32);
      const out = b.local('out', I32);
      b.if(i32.gtS(get(v), i32c(0)), () => b.emit(set(out, i32c(1))),
        () => b.emit(set(out, ifElse(I32, i32.eqz(get(v)), i32c(0), i32c(-1)))));
      b.emit(i32.store(i32c(0), get(out)));
      expect(run(b, x)).toBe(Math.sign(x));
    }
    const b = new FunctionBuilder('bad');
    let outside: Parameters<FunctionBuilder['br']>[0] | undefined;
    b.block((label) => { outside = label; });
    expect(() => b.brIf(outside!, i32c(1))).toThrow('branch to a label that is not open here');
  });

  it('names: parameters and locals in declaration order, a repeated name suffixed, in the module\'s name section', () => {
    const b = new FunctionBuilder('named');
    b.param('x', F64);
    b.local('t', V128);
    b.local('t', V128);
    b.local('count', I32);
    b.emit(f64.store(i32c(8), get(0)), v128.store(i32c(16), v128.f64(1.5)));
    expect(b.localNames()).toEqual(['x', 't', 't_2', 'count']);
    expect(b.params).toEqual([F64]);
    const bytes = moduleBytes([b]);
    const text = new TextDecoder('latin1').decode(bytes);
    for (const name of ['named', 't_2', 'count']) expect(text).toContain(name);
    expect(() => b.param('late', I32)).toThrow('parameter late after the first local');
    const { memory, exports } = instantiate(compile(bytes)!, 1 << 16);
    (exports.named as (x: number) => void)(-2.25);
    expect(Array.from(new Float64Array(memory.buffer, 8, 3))).toEqual([-2.25, 1.5, 1.5]);
  });
});
