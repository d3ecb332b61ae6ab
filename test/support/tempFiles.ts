import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A test file's own temporary directory, made before its tests and removed after them. */
export interface TempFiles {
  /** The directory (inside a test or hook only). */
  readonly dir: string;
  /** Writes `text` to `name` in the directory and returns its path. */
  file(name: string, text: string | Buffer): string;
}

/**
 * Registers `beforeAll` / `afterAll` hooks that make a fresh directory named
 * after `prefix` under the system's temporary directory, and remove it.
 * @param prefix the directory's name prefix
 */
export function useTempFiles(prefix: string): TempFiles {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const files: TempFiles = {
    get dir() {
      if (dir === undefined) throw new Error('useTempFiles: read inside a test or hook, after beforeAll');
      return dir;
    },
    file(name, text) {
      const path = join(files.dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
  return files;
}
