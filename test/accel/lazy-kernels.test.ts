/**
 * Importing the library assembles, compiles and instantiates none of chainrule's WebAssembly
 * kernels: they are built on the first fit that wants them. A child process wraps
 * WebAssembly.Module and WebAssembly.Instance before importing dist/index.js (and, apart, the
 * bundle users import, dist/bundle/index.js) and counts the
 * modules that import env.mem (every kernel module does; a dependency's own WebAssembly, such as
 * long.js's, does not). The same child then runs a 2-2-1 fit and a dense fit, to show that the
 * counter sees the kernels when they are built.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt, REPO } from '../cli/helpers.js';

const script = (entry: string) => `
const W = globalThis.WebAssembly;
const counts = { modules: 0, instances: 0 };
const isKernel = (module) => W.Module.imports(module).some((i) => i.module === 'env' && i.name === 'mem');
const RealModule = W.Module;
W.Module = new Proxy(RealModule, { construct(target, args) {
  const module = Reflect.construct(target, args);
  if (isKernel(module)) counts.modules++;
  return module;
} });
W.Instance = new Proxy(W.Instance, { construct(target, args) {
  if (isKernel(args[0])) counts.instances++;
  return Reflect.construct(target, args);
} });
const lib = await import(${JSON.stringify(pathToFileURL(join(REPO, entry)).href)});
const afterImport = { ...counts };
const rows = 64;
const X = Float64Array.from({ length: 12 * rows }, (_, i) => Math.sin(i));
const Y = Float64Array.from({ length: rows }, (_, i) => i & 1);
const net221 = lib.createNetwork({ inputs: 2, hidden: [2] }, lib.createRng(1));
lib.fit(net221, { X: X.subarray(0, 2 * rows), Y, n: rows }, { epochs: 2, batchSize: 'full', optimizer: lib.optimizerConfig('sgd', 0.5), rng: lib.createRng(2) });
const after221 = { ...counts };
const dense = lib.createNetwork({ inputs: 12, hidden: [8], activation: 'relu' }, lib.createRng(3));
lib.fit(dense, { X, Y, n: rows }, { epochs: 2, batchSize: 16, optimizer: lib.optimizerConfig('adam', 0.01), rng: lib.createRng(4) });
console.log(JSON.stringify({ afterImport, after221, afterDense: { ...counts } }));
`;

describe('kernels are built on first use, not at import', () => {
  it.each(['dist/index.js', 'dist/bundle/index.js'])('importing %s compiles and instantiates no kernel; the first 2-2-1 fit and the first dense fit do', (entry) => {
    assertBuilt();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(entry)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { afterImport, after221, afterDense } = JSON.parse(r.stdout);
    expect(afterImport, 'kernel modules compiled / instantiated by the import alone').toEqual({ modules: 0, instances: 0 });
    expect(after221.modules, 'the 2-2-1 module, compiled by the first 2-2-1 fit').toBe(1);
    expect(after221.instances, 'the 2-2-1 self-check, warm-up and fit instances').toBeGreaterThanOrEqual(2);
    expect(afterDense.modules, 'plus the gemm module, compiled by the first dense fit').toBe(2);
    expect(afterDense.instances).toBeGreaterThan(after221.instances);
  });
});
