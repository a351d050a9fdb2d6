/**
 * DESIGN.md's never-pairs, enforced on the real sources (src/ and web/src): the test prints every
 * forbidden import with its file, line and rule. The checker itself is tested first on small
 * made-up graphs, so a rule that matched nothing could not pass silently.
 *
 * The rule for web/: it may import any module of src/ (src/data/generate.ts, src/data/prepare.ts
 * included) as long as nothing it reaches, directly or through other modules, imports a Node
 * builtin or csv-parse's Node entry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeGlobalUses, pairViolations, reachable, readGraph, webViolations } from './imports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourcesUnder(dir: string, out = new Map<string, string>(), ext = /\.(ts|mts)$/): Map<string, string> {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourcesUnder(path, out, ext);
    else if (ext.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.set(relative('.', path).split(sep).join('/'), readFileSync(join(ROOT, path), 'utf8'));
    }
  }
  return out;
}

describe('the checker (made-up graphs)', () => {
  const graph = (files: Record<string, string>) => readGraph(new Map(Object.entries(files)));

  it('finds static, re-exported, dynamic and URL edges, and skips type-only ones', () => {
    const edges = graph({
      'src/math/a.ts': [
        "import { x } from '../data/csv.js';",
        "export { y } from '../model/file.js';",
        "import type { T } from '../app/train-model.js';",
        "import { type U } from '../cli/errors.js';",
        "export type { V } from '../server/app.js';",
        "// import { z } from '../data/never.js';",
        "const s = \"import('../data/nope.js')\";",
        "const m = await import('../app/predict.js');",
        "const w = new URL('./worker.js', import.meta.url);",
        "import { readFileSync } from 'node:fs';",
      ].join('\n'),
      'src/data/csv.ts': '', 'src/model/file.ts': '', 'src/app/train-model.ts': '', 'src/cli/errors.ts': '',
      'src/server/app.ts': '', 'src/app/predict.ts': '', 'src/math/worker.ts': '',
    });
    expect(edges.map((e) => [e.specifier, e.kind, e.to, e.line])).toEqual([
      ['../data/csv.js', 'static', 'src/data/csv.ts', 1],
      ['../model/file.js', 're-export', 'src/model/file.ts', 2],
      ['../app/predict.js', 'dynamic', 'src/app/predict.ts', 8],
      ['./worker.js', 'url', 'src/math/worker.ts', 9],
      ['node:fs', 'static', undefined, 10],
    ]);
    expect(pairViolations(edges)).toEqual([
      "src/math/a.ts:1 imports '../data/csv.js' (src/data/csv.ts): math/accel/train must not import data, model, app, cli, server, web or node's fs",
      "src/math/a.ts:2 imports '../model/file.js' (src/model/file.ts): math/accel/train must not import data, model, app, cli, server, web or node's fs",
      "src/math/a.ts:8 imports '../app/predict.js' (src/app/predict.ts): math/accel/train must not import data, model, app, cli, server, web or node's fs",
      "src/math/a.ts:10 imports 'node:fs': math/accel/train must not import data, model, app, cli, server, web or node's fs",
    ]);
  });

  it('names each never-pair', () => {
    const edges = graph({
      'src/explain/e.ts': "import '../app/x.js';\nimport { readFile } from 'fs/promises';",
      'src/server/s.ts': "import { run } from '../cli/main.js';",
      'src/model/m.ts': "import { DataError } from '../data/table.js';",
      'src/data/d.ts': "import { encodeRecord } from '../model/encoding.js';",
      'src/app/x.ts': '', 'src/cli/main.ts': '', 'src/data/table.ts': '', 'src/model/encoding.ts': '',
    });
    expect(pairViolations(edges).map((v) => v.split(': ').slice(1).join(': '))).toEqual([
      'explain must not import app, a face (cli, server) or fs',
      'explain must not import app, a face (cli, server) or fs',
      'server must not import cli',
      'data imports model, never model data (no data ↔ model cycle)',
    ]);
  });

  it('follows web/ through any number of modules to a Node builtin, and prints the chain', () => {
    const edges = graph({
      'web/src/main.ts': "import { a } from '../../src/explain/a.js';",
      'src/explain/a.ts': "export { b } from './b.js';",
      'src/explain/b.ts': "import { Worker } from 'node:worker_threads';\nimport { parse } from 'csv-parse';\nimport { p } from 'csv-parse/browser/esm/sync';",
      'src/data/unreached.ts': "import 'node:fs';",
    });
    expect(webViolations(edges, ['web/src/main.ts'])).toEqual([
      "src/explain/b.ts imports 'node:worker_threads', reached from web/ by web/src/main.ts:1 → '../../src/explain/a.js', src/explain/a.ts:1 → './b.js', src/explain/b.ts:1 → 'node:worker_threads': nothing the playground loads may import a Node builtin or csv-parse's Node entry",
      "src/explain/b.ts imports 'csv-parse', reached from web/ by web/src/main.ts:1 → '../../src/explain/a.js', src/explain/a.ts:1 → './b.js', src/explain/b.ts:2 → 'csv-parse': nothing the playground loads may import a Node builtin or csv-parse's Node entry",
    ]);
  });

  it('checks the library\'s browser entry the same way, in sources and in built .js files, naming the entry', () => {
    const browser = { where: 'the browser entry', who: 'a page importing chainrule' };
    const edges = graph({
      'dist/browser.js': "export * from './portable.js';",
      'dist/portable.js': "export { readCsv } from './data/csv.js';\nexport { fit } from './train/fit.js';",
      'dist/data/csv.js': "import { createReadStream } from 'node:fs';",
      'dist/train/fit.js': '',
    });
    expect([...reachable(edges, ['dist/browser.js'])].sort()).toEqual(['dist/browser.js', 'dist/data/csv.js', 'dist/portable.js', 'dist/train/fit.js']);
    expect(webViolations(edges, ['dist/browser.js'], browser)).toEqual([
      "dist/data/csv.js imports 'node:fs', reached from the browser entry by dist/browser.js:1 → './portable.js', dist/portable.js:1 → './data/csv.js', dist/data/csv.js:1 → 'node:fs': nothing a page importing chainrule loads may import a Node builtin or csv-parse's Node entry",
    ]);
  });

  it('finds run-time uses of Node globals (Buffer, process, require, …), not property names, types, typeof guards or own names', () => {
    expect(nodeGlobalUses('src/x.ts', [
      "const b = Buffer.from('x');",
      'const pid = process.pid;',
      'const guarded = typeof process !== "undefined";',
      'const viaGlobal = (globalThis as { process?: unknown }).process;',
      'const key = { process: 1, Buffer: 2 };',
      'let typed: Buffer | undefined;',
      'function f(err: NodeJS.ErrnoException): void {}',
      'class C { require(): void {} }',
      'const m = require("zod");',
    ].join('\n'))).toEqual(['src/x.ts:1 uses Buffer', 'src/x.ts:2 uses process', 'src/x.ts:9 uses require']);
    expect(nodeGlobalUses('src/y.ts', 'function g(process: { pid: number }) { return process.pid; }')).toEqual([]);
  });
});

const BROWSER_ENTRY = { where: 'the browser entry', who: 'a page importing chainrule' };

describe('the real sources keep DESIGN.md\'s boundaries', () => {
  const sources = sourcesUnder('src', sourcesUnder('web/src'));
  const edges = readGraph(sources);

  it('reads the whole tree (a sanity floor, so an empty read cannot pass)', () => {
    expect(sources.size).toBeGreaterThan(80);
    expect(edges.filter((e) => e.to).length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'src/cli/commands/index.ts' && e.kind === 'dynamic')).toBe(true);
  });

  it('no never-pair: math/accel/train, explain, server, model, errors.ts', () => {
    expect(pairViolations(edges)).toEqual([]);
  });

  it('nothing web/ reaches imports a Node builtin or csv-parse\'s Node entry', () => {
    const roots = [...sources.keys()].filter((file) => file.startsWith('web/src/'));
    expect(roots.length).toBeGreaterThan(10);
    expect(webViolations(edges, roots)).toEqual([]);
  });
});

describe('the library\'s browser entry (package.json "browser" condition) reaches nothing Node-only', () => {
  it('in the sources: src/browser.ts and all it loads (the Node entry, checked the same way, does reach node:fs)', () => {
    const edges = readGraph(sourcesUnder('src'));
    const reached = reachable(edges, ['src/browser.ts']);
    // A floor, and the use cases the entry is for, so an entry that lost its re-exports cannot pass.
    for (const file of ['src/portable.ts', 'src/app/train-model.ts', 'src/app/explain-model.ts', 'src/app/attributions.ts', 'src/data/csv-text.ts', 'src/model/json.ts']) {
      expect(reached.has(file), file).toBe(true);
    }
    expect(reached.size).toBeGreaterThan(40);
    expect(webViolations(edges, ['src/browser.ts'], BROWSER_ENTRY)).toEqual([]);
    expect(webViolations(edges, ['src/index.ts'], BROWSER_ENTRY).some((v) => v.includes("imports 'node:fs")), 'control: the Node entry').toBe(true);
  });

  it('nothing the browser entry or the playground loads uses a Node global at run time (Buffer, process, require, …)', () => {
    const sources = sourcesUnder('src', sourcesUnder('web/src'));
    const edges = readGraph(sources);
    const roots = ['src/browser.ts', ...[...sources.keys()].filter((file) => file.startsWith('web/src/'))];
    const uses = (files: Iterable<string>) => [...files].flatMap((file) => nodeGlobalUses(file, sources.get(file) ?? ''));
    expect(uses(reachable(edges, roots))).toEqual([]);
    expect(uses(reachable(edges, ['src/index.ts'])).some((u) => u.endsWith('uses Buffer')), 'control: the Node entry reaches Buffer').toBe(true);
  });

  it('in what ships: dist/browser.js and all it loads (npm run build first)', () => {
    if (!existsSync(join(ROOT, 'dist/browser.js'))) throw new Error('dist/browser.js is not built: run npm run build');
    const built = sourcesUnder('dist', new Map(), /\.js$/);
    for (const file of [...built.keys()]) if (file.startsWith('dist/web/')) built.delete(file);
    const edges = readGraph(built);
    const reached = reachable(edges, ['dist/browser.js']);
    expect(reached.has('dist/app/train-model.js')).toBe(true);
    expect(reached.size).toBeGreaterThan(40);
    expect(webViolations(edges, ['dist/browser.js'], BROWSER_ENTRY)).toEqual([]);
  });
});
