/**
 * The Node entry as users import it: dist/index.js (tsc's output) and the ~80 modules it imports
 * statically, bundled by rolldown into dist/bundle/index.js. Node's ESM loader resolving and
 * reading each module was most of the import's cost (DESIGN.md: at most 50 ms over a bare node).
 * Package dependencies and node: builtins stay imports; dynamic imports stay lazy chunks beside
 * the entry, so what loads on first use still does. dist/index.js stays as tsc wrote it (the CLI and
 * tests import its modules, and their error classes must be the same ones).
 * Run by `npm run build` after tsc.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const dependencies = Object.keys(pkg.dependencies ?? {});

/** A dependency or any of its subpaths (`csv-parse/sync`), or a node: builtin. */
const isExternal = (id) => id.startsWith('node:') || dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * Each module's `import.meta.url` becomes the URL of its own file in dist/, computed from the
 * bundle's: a worker script (`new URL('./threadWorker.js', import.meta.url)`), package.json and
 * createRequire then resolve from where tsc put the module, as they do unbundled. dist/ ships whole.
 */
const ownUrl = {
  name: 'chainrule:own-import-meta-url',
  transform(code, id) {
    if (!code.includes('import.meta.url')) return null;
    const path = relative(OUT, id).split(sep).join('/');
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(path)}, import.meta.url).href`), map: null };
  },
};

// Chunk names carry a hash: a rebuild must not leave the last build's chunks beside the new ones.
rmSync(OUT, { recursive: true, force: true });
const build = await rolldown({
  input: join(ROOT, 'dist', 'index.js'),
  platform: 'node',
  external: isExternal,
  plugins: [ownUrl],
});
await build.write({
  dir: OUT,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  sourcemap: false,
});
await build.close();
