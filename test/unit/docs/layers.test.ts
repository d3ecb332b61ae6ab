import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The layer table in docs/ARCHITECTURE.md is the rule of which folder of src/ may import which: this test reads
 * the table and every import in src/ and fails when the two disagree in either direction.
 */

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');

/** The layer a file of src/ belongs to: `domain/sources`, `services/dynamodb`, a top folder, or `config`/`errors`. */
function layerOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  const nested = `${parts[0]}/${parts[1]}`;
  return nested === 'domain/sources' || nested === 'services/dynamodb' ? nested : parts[0]!;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The file a relative import names (`./x` → `x.ts`, a folder → its `index.ts`). */
function resolveImport(from: string, spec: string): string {
  const target = path.resolve(path.dirname(from), spec);
  try {
    if (statSync(target).isDirectory()) return path.join(target, 'index.ts');
  } catch {
    // not a folder: a module file
  }
  return `${target}.ts`;
}

/** Layer → the other layers its files import (type-only imports included). */
function actualImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of tsFiles(SRC)) {
    const from = layerOf(file);
    const seen = graph.get(from) ?? new Set<string>();
    graph.set(from, seen);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
      const to = layerOf(resolveImport(file, m[1]!));
      if (to !== from) seen.add(to);
    }
  }
  return graph;
}

/** Layer → the layers the table in docs/ARCHITECTURE.md allows it to import. */
function documentedImports(): Map<string, Set<string>> {
  const doc = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Layers'), doc.indexOf('## Storage ports'));
  const table = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const row = /^\| `src\/([^`]+?)(?:\/|\.ts)` \|.*\| ([^|]+) \|$/.exec(line);
    if (!row) continue;
    const allowed = [...row[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    table.set(row[1]!, new Set(allowed));
  }
  return table;
}

describe('docs/ARCHITECTURE.md layer table', () => {
  const actual = actualImports();
  const documented = documentedImports();

  it('has a row for every layer of src/', () => {
    expect([...documented.keys()].sort()).toEqual([...actual.keys()].sort());
  });

  it.each([...actual.keys()].sort())('%s imports exactly the layers its row names', (layer) => {
    expect([...(actual.get(layer) ?? [])].sort()).toEqual([...(documented.get(layer) ?? [])].sort());
  });

  it.each(['domain', 'domain/sources', 'blocks', 'receipts'])('%s imports no AWS SDK and no Slack client', (layer) => {
    const offenders = tsFiles(SRC)
      .filter((f) => layerOf(f) === layer)
      .filter((f) => /from '(@aws-sdk\/|@slack\/bolt|@slack\/web-api)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
