/**
 * A TypeScript user's file (test/api/consumer) type-checks against the built declarations, found
 * by the package name through the exports map — the way an installed package is resolved; and a
 * browser app's (test/api/consumer/browser) against the browser entry's, whose @ts-expect-error
 * lines fail if a Node-only name (readCsv, saveModel) is declared there.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSC = new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname;

describe('types through the exports map', () => {
  it('a strict TypeScript consumer importing from "chainrule" compiles', () => {
    const r = spawnSync(process.execPath, [TSC, '-p', 'test/api/consumer'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a browser app (moduleResolution bundler, the "browser" condition) gets the browser entry\'s types: Node-only names are errors', () => {
    const r = spawnSync(process.execPath, [TSC, '-p', 'test/api/consumer/browser'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
