import { KMSClient } from '@aws-sdk/client-kms';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { loadTracing, PowertoolsTracing, tracingEnabled } from '../../../src/services/PowertoolsTracing';

type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;

/** A segment tree and the tracer calls that move through it. */
function fakeTracer() {
  const events: string[] = [];
  const segment = (name: string): Segment =>
    ({
      addNewSubsegment: (sub: string) => {
        events.push(`open ${sub}`);
        return segment(sub);
      },
      addError: (e: Error) => events.push(`error ${name}: ${e.message}`),
      close: () => events.push(`close ${name}`),
    }) as unknown as Segment;
  const facade = segment('facade');
  let current: Segment | undefined = facade;
  const tracer = {
    getSegment: () => current,
    setSegment: (s: Segment) => {
      current = s;
      events.push(s === facade ? 'current facade' : 'current sub');
    },
    captureAWSv3Client: <C>(client: C) => client,
  };
  return { tracer, events, detach: () => (current = undefined) };
}

describe('Class: PowertoolsTracing', () => {
  describe('Method: span', () => {
    it('runs the work in its own subsegment and goes back to the parent after', async () => {
      // Prepare
      const { tracer, events } = fakeTracer();

      // Act
      const out = await new PowertoolsTracing(tracer).span('recordVote', async () => {
        events.push('work');
        return 42;
      });

      // Assess
      expect(out).toBe(42);
      expect(events).toEqual(['open ### recordVote', 'current sub', 'work', 'close ### recordVote', 'current facade']);
    });

    it('records the error on the subsegment and rethrows it', async () => {
      // Prepare
      const { tracer, events } = fakeTracer();

      // Act
      const run = new PowertoolsTracing(tracer).span('recordVote', async () => {
        throw new Error('kms down');
      });

      // Assess
      await expect(run).rejects.toThrow('kms down');
      expect(events).toEqual([
        'open ### recordVote',
        'current sub',
        'error ### recordVote: kms down',
        'close ### recordVote',
        'current facade',
      ]);
    });

    it('just runs the work when there is no segment to attach to', async () => {
      // Prepare
      const { tracer, events, detach } = fakeTracer();
      detach();

      // Act
      const out = await new PowertoolsTracing(tracer).span('recordVote', async () => 'done');

      // Assess
      expect(out).toBe('done');
      expect(events).toEqual([]);
    });
  });
});

describe('Function: tracingEnabled', () => {
  it.each([
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' }, false],
    [{}, false],
  ])('%j: %s', (env, expected) => {
    // Act
    const enabled = tracingEnabled(env);

    // Assess
    expect(enabled).toBe(expected);
  });
});

describe('Function: loadTracing', () => {
  it('loads nothing off Lambda', async () => {
    // Act
    const tracing = await loadTracing({});

    // Assess
    expect(tracing).toBeUndefined();
  });

  it('in Lambda, captures AWS SDK clients with the X-Ray middleware', async () => {
    // Prepare
    const saved = process.env.AWS_EXECUTION_ENV;
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    try {
      // Act
      const tracing = await loadTracing(process.env);
      const client = tracing?.captureClient(new KMSClient({ region: 'us-east-1' }));

      // Assess
      expect(client?.middlewareStack.identify()).toContain('XRaySDKInstrumentation - build');
    } finally {
      if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
      else process.env.AWS_EXECUTION_ENV = saved;
    }
  });
});
