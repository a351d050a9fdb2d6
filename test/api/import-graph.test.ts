/**
 * What importing the library entry loads (DESIGN.md: at most 50 ms over a bare node start;
 * kernels, schemas and parsers load on first use): the static import graph of dist/index.js and
 * of the bundle users import (dist/bundle/index.js, package.json's exports) — `import … from` and
 * `export … from`, not dynamic `import()` — reaches none of the heavy packages, and the bundle's
 * is a handful of files (Node reading each module was most of the cost). Not a timing (that is `npm run bench:import`): a package that comes back into the
 * graph fails here on any machine. The same walk over the report and the server finds their
 * packages, so the walk itself can see them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** Packages that must load on first use only (the parsers, schemas and heavy dependencies; csv-parse in every build). */
const HEAVY = ['protobufjs', 'long', 'linkedom', '@observablehq/plot', 'fastify', 'zod', 'csv-parse', 'hyparquet', 'commander'];

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for node: and relative ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The bare specifiers a built file and all it statically imports import, each with the (first) file that does. */
function staticPackages(entry: string): Map<string, string> {
  return staticGraph(entry).packages;
}

/** The files a built file statically imports (itself included), and their bare specifiers as {@link staticPackages}. */
function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    for (const node of source.statements) {
      const spec = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
        ? node.moduleSpecifier.text : undefined;
      if (spec === undefined) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!found.has(spec)) found.set(spec, relative(REPO, file));
    }
  };
  visit(join(REPO, entry));
  return { files: seen, packages: found };
}

describe('the library entry\'s static import graph (npm run build first)', () => {
  it('dist/index.js reaches none of the packages that load on first use', () => {
    expect(existsSync(join(REPO, 'dist/index.js')), 'dist/index.js is missing: run npm run build').toBe(true);
    const reached = staticPackages('dist/index.js');
    const heavy = [...reached].filter(([spec]) => HEAVY.includes(packageOf(spec) ?? '')).map(([spec, file]) => `${spec} (imported by ${file})`);
    expect(heavy).toEqual([]);
  });

  it('the bundle, dist/bundle/index.js, reaches none of them either, in a few files', () => {
    expect(existsSync(join(REPO, 'dist/bundle/index.js')), 'dist/bundle/index.js is missing: run npm run build').toBe(true);
    const { files, packages } = staticGraph('dist/bundle/index.js');
    const heavy = [...packages].filter(([spec]) => HEAVY.includes(packageOf(spec) ?? '')).map(([spec, file]) => `${spec} (imported by ${file})`);
    expect(heavy).toEqual([]);
    expect([...files].filter((file) => !file.startsWith(join(REPO, 'dist/bundle/')))).toEqual([]);
    // The entry and the chunks it shares with the lazy ones; dist/index.js reaches some 80 modules.
    expect(files.size).toBeLessThanOrEqual(10);
    expect(staticGraph('dist/index.js').files.size).toBeGreaterThan(40);
  });

  it('the same walk finds the report\'s and the server\'s packages', () => {
    const packages = (entry: string) => [...staticPackages(entry).keys()].map(packageOf);
    expect(packages('dist/app/report.js')).toEqual(expect.arrayContaining(['linkedom', '@observablehq/plot']));
    expect(packages('dist/server/app.js')).toEqual(expect.arrayContaining(['fastify', 'zod']));
  });
});
