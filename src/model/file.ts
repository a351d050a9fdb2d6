/** Reading and writing model files. Writes are atomic: temp file, fsync, rename. */
import {
  closeSync, constants as fsConstants, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ModelFile } from './schema.js';
import { parseModel } from './schema.js';
import { parseJsonText, serializeModel } from './json.js';
import { FileWriteError, ModelFileError } from '../errors.js';

export { FileWriteError, ModelFileError, serializeModel };

/**
 * Reads a JSON file and validates it with `parse`; every failure (missing, unreadable, not JSON,
 * a bad field) becomes one `makeError` message that starts with the path.
 */
export function readJsonFile<T>(path: string, what: string, parse: (json: unknown) => T, makeError: (message: string) => Error): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw makeError(code === 'ENOENT' ? `${path}: no such ${what}` : `${path}: cannot read (${code ?? String(err)})`);
  }
  return parseJsonText(path, text, parse, makeError);
}

/** The largest model file a server reload reads (a 128,128 network is well under 1 MiB). */
export const MAX_RELOAD_BYTES = 64 * 1024 * 1024;

/**
 * Reads and validates a model file without blocking the event loop, for a server's reload: the
 * file is opened non-blocking (opening a FIFO for reading would otherwise wait for a writer) and
 * must be a regular file (fstat, so a symlink to one is fine) of at most `maxBytes`; the read is
 * asynchronous. Failures are ModelFileErrors that start with the path, as loadModel's are.
 */
export async function loadModelAsync(path: string, maxBytes = MAX_RELOAD_BYTES): Promise<ModelFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${path}: no such model file` : `${path}: cannot read (${code ?? String(err)})`);
  }
  let text: string;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ModelFileError(`${path}: not a regular file (a ${fileKind(info)}); a model file is read only from a regular file`);
    if (info.size > maxBytes) throw new ModelFileError(`${path}: ${info.size} bytes is larger than the ${maxBytes}-byte limit for a model file`);
    text = await handle.readFile({ encoding: 'utf8' });
    // The file may have grown between fstat and the read.
    if (text.length > maxBytes) throw new ModelFileError(`${path}: larger than the ${maxBytes}-byte limit for a model file`);
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    throw new ModelFileError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  } finally {
    await handle.close();
  }
  return parseJsonText(path, text, parseModel, (message) => new ModelFileError(message));
}

function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'folder';
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device';
  return 'special file';
}

export function loadModel(path: string): ModelFile {
  return readJsonFile(path, 'model file', parseModel, (message) => new ModelFileError(message));
}

/** The file-system calls `writeFileAtomic` makes; tests pass one that fails (a short write, ENOSPC). */
export interface WriteFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

const nodeFs: WriteFs = { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync };

function writeError(path: string, err: unknown): FileWriteError {
  if (err instanceof FileWriteError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'EIO';
  // Node's message is "ENOSPC: no space left on device, write": keep the words after the code.
  const detail = (e.message ?? String(err)).replace(/^[A-Z]+:\s*/, '').replace(/,\s*\w+( '.*')?$/, '');
  return new FileWriteError(path, code, detail);
}

/**
 * Writes `text` (or bytes) to `path` atomically: temp file beside it, every byte written (a
 * `write` may write fewer bytes than asked: on a full disk the first call writes what fits and
 * the next one fails with ENOSPC, so each count is checked), fsync, rename. Any failure removes
 * the temp file and throws a FileWriteError; the file at `path` is then the old one, untouched.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, fs: WriteFs = nodeFs): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (err) {
    throw writeError(path, err);
  }
  try {
    let offset = 0;
    while (offset < bytes.length) {
      const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
      // A write of 0 bytes would loop forever; only a full device answers that way.
      if (!(written > 0)) throw new FileWriteError(path, 'ENOSPC', `wrote ${offset} of ${bytes.length} bytes, then 0`);
      offset += written;
    }
    fs.fsyncSync(fd);
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* the write error is the one to report */ }
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw writeError(path, err);
  }
  try {
    // close can report a delayed write error (NFS, some full disks): it must fail the write too.
    fs.closeSync(fd);
    fs.renameSync(tmp, path);
  } catch (err) {
    // A failed rename (e.g. the target is a directory) must not leave the temp file behind.
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw writeError(path, err);
  }
}

/**
 * Fails before any work when `path` cannot be written: its folder is missing or not a folder, is
 * read-only, or `path` is a folder. Creates and removes the temp file a real write would use, so
 * permissions, read-only mounts and quotas are all asked the way the write will ask them.
 * Throws `makeError` (the caller's usage error) naming the path and the reason.
 */
export function checkWritable(path: string, flag: string, makeError: (message: string) => Error): void {
  const dir = dirname(path);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw makeError(`${flag} ${path}: the folder ${dir} does not exist`);
  }
  if (!isDir) throw makeError(`${flag} ${path}: ${dir} is not a folder`);
  try {
    if (statSync(path).isDirectory()) throw makeError(`${flag} ${path}: is a folder; give a file name`);
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code) throw err;
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    closeSync(openSync(tmp, 'w'));
    unlinkSync(tmp);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw makeError(`${flag} ${path}: cannot write in ${dir} (${code})`);
  }
}

export function saveModel(path: string, model: ModelFile): void {
  writeFileAtomic(path, serializeModel(model));
}
