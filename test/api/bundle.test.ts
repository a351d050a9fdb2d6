/**
 * The package entry as users import it (`import … from 'chainrule'`, package.json's exports: the
 * rolldown bundle dist/bundle/index.js, scripts/bundle.mjs) does what dist/index.js does, including
 * what finds files from its own location: the thread pool's and the fold pool's worker scripts,
 * package.json for the ONNX producer version, and the packages required on first use (csv-parse,
 * zod). Run in a fresh node that imports the package by name (bundle-probe.mjs), as a user's
 * script would; each answer is compared with the unbundled tsc output's (npm run build first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The user's script (a file: see its header). */
const PROBE = join(ROOT, 'test/api/bundle-probe.mjs');

describe('the bundled package entry (npm run build first)', () => {
  let out: Record<string, unknown>;
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist/bundle/index.js')), 'dist/bundle/index.js is missing: run npm run build').toBe(true);
    out = JSON.parse(execFileSync(process.execPath, [PROBE], { cwd: ROOT, encoding: 'utf8' }));
  }, 120_000);

  it('is what `chainrule` resolves to, with the names dist/index.js exports', () => {
    expect(out.entry).toBe('dist/bundle/index.js');
    expect(out.names).toEqual(out.plainNames);
  });

  it('trains, fits on a thread pool and cross-validates in fold workers as the unbundled build does', () => {
    expect([out.train, out.threads, out.cv]).toEqual([true, true, true]);
  });

  it('exports ONNX with the package\'s version, loads model files and names a bad one', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([out.onnx, out.producerVersion, out.loaded]).toEqual([true, pkg.version, true]);
    expect(out.badFile).toEqual([true, expect.stringMatching(/^bad\.json: inputs: /)]);
  });
});
