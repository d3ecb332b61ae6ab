import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FINDING_RESPONSES, type FindingResponse } from '../../../src/domain/sources/actions';

/** docs/SOURCES.md's response catalogue table must be the code's default catalogue, row for row. */
const DOC = readFileSync(path.resolve(__dirname, '../../../docs/SOURCES.md'), 'utf8');

const LABELS: Record<string, string> = {
  source: 'source',
  type: 'type',
  control: 'control',
  generator: 'generator',
  ocsfClass: 'OCSF class',
  family: 'resource',
};

/** One catalogue entry as the doc's table row shows it. */
function row(e: FindingResponse, i: number): string {
  const when = Object.entries(e.when)
    .map(([k, v]) =>
      k === 'bucketPublic' ? `bucket public: ${v ? 'yes' : 'no'}` : `${LABELS[k]}: ${(v as string[]).join(', ')}`,
    )
    .join('; ');
  const cells = [
    String(i + 1),
    `\`${e.name}\``,
    when || 'anything',
    `\`${e.action}\``,
    e.target,
    e.reversible ? 'yes' : 'no',
    e.undo,
  ];
  return `| ${cells.join(' | ')} |`;
}

describe('docs/SOURCES.md', () => {
  it('shows the default response catalogue, in order, exactly as the code has it', () => {
    const inDoc = DOC.split('\n').filter((l) => /^\| \d+ \| `/.test(l));
    expect(inDoc).toEqual(DEFAULT_FINDING_RESPONSES.map(row));
  });
});
