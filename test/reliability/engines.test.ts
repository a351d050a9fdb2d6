/**
 * Issue 14 item 15: `npm ci` on the oldest Node that package.json admits must not warn
 * EBADENGINE. Every locked package that states `engines.node` must accept the lowest version of
 * our own range (and the Node running the tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

describe('engines', () => {
  const lowest = semver.minVersion(pkg.engines.node)?.version as string;
  it(`every locked package accepts Node ${lowest} (the lowest of package.json's "${pkg.engines.node}") and ${process.version}`, () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || !range) continue;
      for (const version of [lowest, process.version]) {
        if (!semver.satisfies(version, range)) refusing.push(`${path} wants node ${range}, refuses ${version}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('the lock file records the same engines as package.json', () => {
    expect((lock.packages[''] as { engines?: { node?: string } }).engines?.node).toBe(pkg.engines.node);
  });
});
