/**
 * The checked-in listing of the WebAssembly kernels (src/accel/wasm/kernels.listing.txt) is the
 * disassembly of the kernels the sources assemble today, so a kernel change cannot land without
 * its text. And the listing really is the kernels' text: it names the functions and locals asm.ts
 * declares, and it changes when a kernel's instructions change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelListing, kernelModules, LISTING } from '../../scripts/kernel-listing.mjs';
import { gemmModuleBytes } from '../../src/accel/wasm/simdKernels.js';
import { simd221ModuleBytes } from '../../src/accel/simd221.js';

describe('the kernel listing', () => {
  it('src/accel/wasm/kernels.listing.txt matches the kernels the sources assemble', async () => {
    const want = await kernelListing(kernelModules({ gemmModuleBytes, simd221ModuleBytes }));
    const have = readFileSync(LISTING, 'utf8');
    if (have !== want) {
      const a = have.split('\n'), b = want.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(`src/accel/wasm/kernels.listing.txt is out of date (first difference at line ${line + 1}: `
        + `${JSON.stringify(a[line])} should be ${JSON.stringify(b[line])}); run npm run kernels:listing`);
    }
  });

  it('names every kernel function and its locals, one instruction per line, indented by block', async () => {
    const text = readFileSync(LISTING, 'utf8');
    for (const fn of ['gemm', 'update', 'batch', 'steps', 'exp', 'log1p']) expect(text).toContain(`(func $${fn} `);
    expect(text).toContain('(param $aStep i32)');
    expect(text).toContain('(local $acc0_0 v128)');
    expect(text).toMatch(/\n {6}loop {2};; label = @2\n {8}local\.get \$i\n/);
  });

  it('a changed instruction changes the listing', async () => {
    const modules = kernelModules({ gemmModuleBytes, simd221ModuleBytes });
    const before = await kernelListing(modules);
    // f64x2.add (0xfd 0xf0 0x01) → f64x2.sub (0xfd 0xf1 0x01) at the first one in the gemm module.
    const bytes = Uint8Array.from(modules[0].bytes);
    const at = bytes.findIndex((b, i) => b === 0xfd && bytes[i + 1] === 0xf0 && bytes[i + 2] === 0x01);
    bytes[at + 1] = 0xf1;
    const after = await kernelListing([{ ...modules[0], bytes }, modules[1]]);
    expect(after).not.toBe(before);
    expect(after.split('\n').filter((l, i) => l !== before.split('\n')[i]).map((l) => l.trim())).toEqual(['f64x2.sub']);
  });
});
