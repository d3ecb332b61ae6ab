import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that it is either absent or complete at `path`: the lines
 * go to a temporary name in the same directory (same file system, so the
 * rename is atomic), are flushed to disk (fsync), and only then renamed over
 * `path`. A failure midway removes the temporary file; a process killed
 * midway leaves at most a `.NAME.*.partial` file, never a complete-looking `path`.
 * The write is synchronous: the whole export is in memory by then (it was
 * signed over), and a signal is handled only after the rename or the cleanup.
 */

/** Lines written between two `progress` calls. */
const PROGRESS_EVERY = 10_000;

/** Options of {@link writeLinesAtomically}. */
export interface AtomicWriteOptions {
  /** Called every 10 000 lines with the lines written so far. */
  progress?: (written: number, total: number) => void;
}

/**
 * Writes `lines`, each followed by a newline, to `path` atomically.
 * @throws the file system's error (the temporary file removed, `path` untouched)
 */
export function writeLinesAtomically(path: string, lines: readonly string[], options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o600);
    for (let i = 0; i < lines.length; i++) {
      writeSync(fd, `${lines[i]!}\n`);
      if ((i + 1) % PROGRESS_EVERY === 0) options.progress?.(i + 1, lines.length);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    syncDirectory(dir);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here (Windows): the rename is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
