import { flattenParameters, parameterLines } from '../../../src/blocks/parameterList';

describe('Function: parameterLines', () => {
  it('shows parameters as key: value lines, nested keys dotted and arrays joined, never raw JSON', () => {
    // Act
    const lines = parameterLines({
      userName: 'ci-bot',
      limit: 100,
      dryRun: false,
      tags: { owner: 'platform', deep: { level: 3 } },
      regions: ['eu-west-1', 'us-east-1'],
      empty: {},
      none: null,
    });

    // Assess
    expect(lines).toEqual([
      '• *userName*: ci-bot',
      '• *limit*: 100',
      '• *dryRun*: false',
      '• *tags.owner*: platform',
      '• *tags.deep.level*: 3',
      '• *regions*: eu-west-1, us-east-1',
      '• *empty*: {}',
      '• *none*: null',
    ]);
  });

  it('shows at most ten entries, then "…and N more"', () => {
    // Prepare
    const parameters = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`p${i}`, i]));

    // Act
    const lines = parameterLines(parameters);

    // Assess
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe('• *p9*: 9');
    expect(lines[10]).toBe('_…and 4 more_');
  });

  it('counts the entries of nested objects toward the bound, flattening no more than it shows', () => {
    // Act
    const { pairs, total } = flattenParameters({ a: { b: 1, c: 2, d: { e: 3 } }, f: [1, { g: 2 }] }, 2);

    // Assess
    expect(pairs).toEqual([
      ['a.b', '1'],
      ['a.c', '2'],
    ]);
    expect(total).toBe(4);
  });

  it('escapes and bounds keys and values: no mention, link or formatting from a parameter reaches Slack', () => {
    // Act
    const lines = parameterLines({
      '<!channel>*k*': '<https://evil.example|click> *bold* @here',
      long: 'x'.repeat(5000),
    });

    // Assess
    const text = lines.join('\n');
    expect(text).not.toMatch(/<!channel>|<https:|\*bold\*/);
    expect(text).toContain('&lt;');
    expect(lines[1]!.length).toBeLessThanOrEqual(20 + 200);
    expect(lines[1]).toMatch(/…$/);
  });

  it('shrinks values so that all the lines fit the room given', () => {
    // Prepare
    const parameters = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'.repeat(1000)]));

    // Act
    const lines = parameterLines(parameters, { entries: 10, value: 200, key: 50, room: 1000 });

    // Assess
    expect(lines.join('\n').length).toBeLessThanOrEqual(1000);
    expect(lines).toHaveLength(10);
  });
});
