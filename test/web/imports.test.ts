/**
 * The browser bundle stays browser-safe (DESIGN.md): nothing the playground reaches, directly or
 * through other modules, imports node:fs, worker_threads or csv-parse's Node entry. Follows every
 * relative import from the page's and the worker's entry points and lists the packages reached.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();
const ENTRIES = ['web/src/main.ts', 'web/src/worker.ts'];
const FORBIDDEN = /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|csv-parse$|csv-parse\/sync$|csv-parse\/stream$)/;

/** Every module reached from the entries, and every package specifier with the module that imports it. */
function reach(): { modules: Set<string>; packages: { from: string; spec: string }[] } {
  const modules = new Set<string>();
  const packages: { from: string; spec: string }[] = [];
  const queue = ENTRIES.map((e) => join(ROOT, e));
  while (queue.length) {
    const file = queue.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    // Type-only imports vanish from the bundle; every other import or re-export is followed.
    const text = readFileSync(file, 'utf8').replace(/^\s*import type [^;]+;/gm, '').replace(/^\s*export type [^;]+;/gm, '');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) {
        packages.push({ from: relative(ROOT, file), spec });
        continue;
      }
      const base = resolve(dirname(file), spec);
      const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
      const found = candidates.find((c) => existsSync(c) && !c.endsWith('.css'));
      if (found) queue.push(found);
    }
  }
  return { modules, packages };
}

describe('the playground bundle', () => {
  it('reaches no Node-only module', () => {
    const { modules, packages } = reach();
    // The walk really covers the page: the notes, the upload path and the explain module are in it.
    for (const f of ['web/src/notes.ts', 'web/src/upload.ts', 'src/explain/explain.ts', 'src/data/table.ts', 'src/train/fit.ts']) {
      expect([...modules].map((m) => relative(ROOT, m)), f).toContain(f);
    }
    expect(packages.filter((p) => FORBIDDEN.test(p.spec))).toEqual([]);
    expect([...modules].map((m) => relative(ROOT, m))).not.toContain('src/data/csv.ts');
    expect(packages.map((p) => p.spec)).toContain('csv-parse/browser/esm/sync');
  });
});
