import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The use cases in src/app stay small and narrow: no file over 200 lines, and
 * none takes the whole `AppDeps` (each names the ports it uses with a
 * `Pick<AppDeps, …>`, or reads one field's type as `AppDeps['config']`).
 */

const APP = path.resolve(__dirname, '../../../src/app');
const MAX_LINES = 200;

const files = readdirSync(APP)
  .filter((name) => name.endsWith('.ts'))
  .sort();

function linesOf(name: string): number {
  return readFileSync(path.join(APP, name), 'utf8').replace(/\n$/, '').split('\n').length;
}

/** Where `name` mentions the type `AppDeps` other than inside `Pick<AppDeps, …>` or as `AppDeps[…]`. */
function wholeAppDeps(name: string): string[] {
  const text = readFileSync(path.join(APP, name), 'utf8');
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) && node.typeName.getText(source) === 'AppDeps') {
      const parent = node.parent;
      const picked =
        ts.isTypeReferenceNode(parent) &&
        parent.typeName.getText(source) === 'Pick' &&
        parent.typeArguments?.[0] === node;
      const indexed = ts.isIndexedAccessTypeNode(parent) && parent.objectType === node;
      if (!picked && !indexed) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${name}:${line + 1}: ${parent.getText(source).split('\n')[0]}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('src/app use cases', () => {
  it('finds the use cases to check', () => {
    expect(files).toEqual(expect.arrayContaining(['deps.ts', 'sweep.ts', 'recordVote.ts']));
  });

  it.each(files)(`%s is at most ${MAX_LINES} lines`, (name) => {
    expect(linesOf(name)).toBeLessThanOrEqual(MAX_LINES);
  });

  it('none takes the whole AppDeps: each picks the ports it uses', () => {
    expect(files.filter((name) => name !== 'deps.ts').flatMap(wholeAppDeps)).toEqual([]);
  });
});
