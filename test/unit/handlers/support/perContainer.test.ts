import { perContainer } from '../../../../src/handlers/support/perContainer';

describe('Function: perContainer', () => {
  it('builds once and hands every invocation the same result, even when they arrive together', async () => {
    // Prepare
    let builds = 0;
    const ready = perContainer(async () => ({ build: ++builds }));

    // Act
    const [a, b] = await Promise.all([ready(), ready()]);
    const c = await ready();

    // Assess
    expect(builds).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('forgets a build that failed, so the next invocation builds again', async () => {
    // Prepare
    let builds = 0;
    const ready = perContainer(async () => {
      builds += 1;
      if (builds === 1) throw new Error('secret not readable yet');
      return 'container';
    });

    // Act
    const first = ready().catch((e: Error) => e.message);
    const firstOutcome = await first;
    const second = await ready();
    const third = await ready();

    // Assess
    expect(firstOutcome).toBe('secret not readable yet');
    expect(second).toBe('container');
    expect(third).toBe('container');
    expect(builds).toBe(2);
  });
});
