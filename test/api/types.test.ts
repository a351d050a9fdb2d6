/**
 * A TypeScript user's file (test/api/consumer) type-checks against the built declarations, found
 * by the package name through the exports map — the way an installed package is resolved.
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
});
