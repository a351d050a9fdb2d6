/**
 * Issue 14 item 1: a full disk must not destroy the file already at the path. An injected file
 * system fails the way a full disk does (a short write, then ENOSPC); where mounting is permitted
 * (root), a real 64 KiB tmpfs does it for the CLI too.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic, type WriteFs } from '../../src/model/file.js';
import { assertBuilt, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';

const realFs: WriteFs = { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync };

/** A file system that lets `capacity` bytes through in total, like a device with that much space left. */
function fullDiskFs(capacity: number): WriteFs & { calls: number } {
  let left = capacity;
  const fs = {
    ...realFs,
    calls: 0,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
      fs.calls++;
      if (left === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      const n = Math.min(left, length);
      left -= n;
      return writeSync(fd, buffer, offset, n);
    },
  };
  return fs;
}

afterAll(removeTempDirs);

describe('writeFileAtomic on a full disk (injected fs)', () => {
  it('a short write then ENOSPC on the 2nd write: throws naming ENOSPC, old file intact, no temp file left', () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    writeFileSync(path, 'the old, good model\n');
    const fs = fullDiskFs(1000);
    const text = 'x'.repeat(5000);
    let error: unknown;
    try {
      writeFileAtomic(path, text, fs);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as Error).message).toContain('ENOSPC');
    expect((error as Error).message).toContain(path);
    expect(fs.calls).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('the old, good model\n');
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it('short writes that all succeed still write every byte (1 byte per call)', () => {
    const dir = tempDir();
    const path = join(dir, 'f.bin');
    const bytes = new Uint8Array(300).map((_, i) => (i * 7) & 255);
    const fs = { ...realFs, writeSync: (fd: number, b: Uint8Array, offset: number) => writeSync(fd, b, offset, 1) };
    writeFileAtomic(path, bytes, fs);
    expect(Buffer.compare(readFileSync(path), Buffer.from(bytes))).toBe(0);
  });

  it('a write that returns 0 bytes is ENOSPC, not a hang', () => {
    const dir = tempDir();
    const path = join(dir, 'f.txt');
    const fs = { ...realFs, writeSync: () => 0 };
    expect(() => writeFileAtomic(path, 'abc', fs)).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** Mounts a 64 KiB tmpfs, or returns undefined where that is not permitted (not root, a container without CAP_SYS_ADMIN). */
function mountTinyTmpfs(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = join(tempDir(), 'tiny');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}

const tiny = mountTinyTmpfs();

describe.skipIf(tiny === undefined)('the CLI on a real 64 KiB tmpfs', () => {
  beforeAll(assertBuilt);
  afterAll(() => {
    if (tiny) {
      spawnSync('umount', [tiny]);
      rmdirSync(tiny);
    }
  });

  it('gen-data larger than the disk: exit 1 naming ENOSPC, the old file intact', () => {
    const dir = tiny as string;
    const out = join(dir, 'data.csv');
    expect(runCli(['gen-data', '--rows', '20', '--out', out], dir).status).toBe(0);
    const before = readFileSync(out);
    const r = runCli(['gen-data', '--rows', '20000', '--out', out], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ENOSPC/);
    expect(r.stderr).toContain(out);
    expect(Buffer.compare(readFileSync(out), before)).toBe(0);
    expect(readdirSync(dir)).toEqual(['data.csv']);
  });

  it('train whose model does not fit: exit 1 naming ENOSPC, the old model intact and valid', () => {
    const dir = tiny as string;
    const out = join(dir, 'out.json');
    expect(runCli(['train', '--epochs', '2', '--quiet', '--out', out], dir).status).toBe(0);
    const before = readFileSync(out);
    // Leave about 16 KiB free: the old model stays, a 400-epoch model (its history alone is
    // larger) cannot be written beside it.
    writeFileSync(join(dir, 'filler'), Buffer.alloc(64 * 1024 - before.length - 20 * 1024));
    const r = runCli(['train', '--layers', '8', '--epochs', '400', '--quiet', '--out', out], dir);
    unlinkSync(join(dir, 'filler'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ENOSPC/);
    expect(r.stdout).not.toMatch(/model written/);
    expect(Buffer.compare(readFileSync(out), before)).toBe(0);
    expect(() => JSON.parse(before.toString('utf8'))).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'out.json']);
  });
});
