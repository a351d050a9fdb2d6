/**
 * What `npm pack` ships: the built library with its type declarations, the CLI, the bundled sample
 * data, README and LICENSE; no sources, tests, benchmarks, examples, docs or source maps. The exports
 * map points at files that ship.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm pack --dry-run', () => {
  let files: string[];
  let pkg: { main: string; exports: Record<string, unknown>; bin: Record<string, string>; engines: Record<string, string>; files: string[] };
  beforeAll(() => {
    // --ignore-scripts: prepack would rebuild dist while other test files spawn the CLI from it.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
    pkg = JSON.parse(readFileSync(new URL('package.json', `file://${ROOT}`), 'utf8'));
  });

  it('ships the library entry with its types, the CLI and the bundled data', () => {
    for (const path of [
      'package.json', 'README.md', 'LICENSE', 'data/promotion.csv',
      'dist/index.js', 'dist/bundle/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/browser.d.ts', 'dist/cli/main.js', 'dist/model/onnx.js', 'dist/model/onnx.d.ts',
    ]) expect(files).toContain(path);
  });

  it('ships nothing else: no sources, tests, benchmarks, examples, docs or source maps', () => {
    const allowed = (path: string) => ['package.json', 'README.md', 'LICENSE', 'data/promotion.csv', 'data/README.md'].includes(path)
      || (path.startsWith('dist/') && !path.endsWith('.map'));
    expect(files.filter((path) => !allowed(path))).toEqual([]);
    expect(files.filter((path) => /(^|\/)(test|tests|bench|examples|docs|src)\//.test(path.replace(/^dist\/web\//, '')))).toEqual([]);
    expect(files.filter((path) => path.endsWith('.test.js') || path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('has an exports map with types that point at shipped files, the bin, and engines', () => {
    const browser = { types: './dist/browser.d.ts', default: './dist/browser.js' };
    // Node gets the bundle (scripts/bundle.mjs: one file and lazy chunks instead of ~80 modules); the types are tsc's.
    expect(pkg.exports['.']).toEqual({ browser, types: './dist/index.d.ts', import: './dist/bundle/index.js', default: './dist/bundle/index.js' });
    expect(pkg.main).toBe('dist/bundle/index.js');
    // The browser condition first: Node never matches it, bundlers for the web match it before import.
    expect(Object.keys(pkg.exports['.'] as object)[0]).toBe('browser');
    expect(pkg.exports['./browser']).toEqual(browser);
    const targets = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(targets));
    for (const target of targets(pkg.exports)) expect(files).toContain(target.replace(/^\.\//, ''));
    expect(files).toContain(pkg.bin.chainrule.replace(/^\.\//, ''));
    expect(readFileSync(new URL(pkg.bin.chainrule, `file://${ROOT}`), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
