import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLinesAtomically } from '../../../src/cli/atomicFile';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainsec-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Function: writeLinesAtomically', () => {
  it('writes every line with its newline and leaves no temporary file', () => {
    // Prepare
    const out = join(dir, 'ledger.jsonl');

    // Act
    writeLinesAtomically(out, ['a', 'b']);

    // Assess
    expect(readFileSync(out, 'utf8')).toBe('a\nb\n');
    expect(readdirSync(dir)).toEqual(['ledger.jsonl']);
  });

  it('reports progress every 10 000 lines', () => {
    // Prepare
    const seen: Array<[number, number]> = [];

    // Act
    writeLinesAtomically(
      join(dir, 'big.jsonl'),
      Array.from({ length: 25_000 }, (_, i) => String(i)),
      {
        progress: (written, total) => seen.push([written, total]),
      },
    );

    // Assess
    expect(seen).toEqual([
      [10_000, 25_000],
      [20_000, 25_000],
    ]);
  });

  it('leaves neither the file nor a temporary one when the write fails midway, and an older file untouched', () => {
    // Prepare: a line that cannot be written (a getter throwing, as a full disk would)
    const out = join(dir, 'ledger.jsonl');
    writeFileSync(out, 'old\n');
    const lines = ['a', 'b'];
    Object.defineProperty(lines, 1, {
      get: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    });

    // Act / Assess
    expect(() => writeLinesAtomically(out, lines)).toThrow('ENOSPC');
    expect(readdirSync(dir)).toEqual(['ledger.jsonl']);
    expect(readFileSync(out, 'utf8')).toBe('old\n');
  });
});
