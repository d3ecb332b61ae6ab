import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Tracing } from '../app/tracing';

/** The part of Powertools' {@link Tracer} this adapter uses (a fake in tests). */
type TracerPart = Pick<Tracer, 'captureAWSv3Client' | 'getSegment' | 'setSegment'>;

/**
 * {@link Tracing} on Powertools' tracer (X-Ray): AWS SDK clients captured with
 * `captureAWSv3Client` (one subsegment per call: service, operation, retries),
 * outgoing HTTPS (the Slack Web API) captured by the tracer itself, and spans
 * as subsegments of the function's segment.
 */
export class PowertoolsTracing implements Tracing {
  public constructor(private readonly tracer: TracerPart) {}

  /** The client, instrumented: each of its calls becomes a subsegment. */
  public captureClient<C>(client: C): C {
    return this.tracer.captureAWSv3Client(client);
  }

  public async span<T>(name: string, work: () => Promise<T>): Promise<T> {
    const parent = this.tracer.getSegment();
    if (!parent) return work();
    const sub = parent.addNewSubsegment(`### ${name}`);
    this.tracer.setSegment(sub);
    try {
      return await work();
    } catch (e) {
      sub.addError(e as Error);
      throw e;
    } finally {
      sub.close();
      this.tracer.setSegment(parent);
    }
  }
}

/**
 * True where X-Ray can record: in Lambda (not `sam local`), unless
 * `POWERTOOLS_TRACE_ENABLED=false`. The same rule as Powertools' own.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  const off = env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() === 'false';
  return Boolean(env.AWS_EXECUTION_ENV) && !env.AWS_SAM_LOCAL && !off;
}

/**
 * The tracer, loaded only where tracing is on: the X-Ray SDK it brings (and
 * the async hooks it installs) costs a cold start nothing elsewhere (the
 * sandbox, the benchmarks, tests). In the bundle it is a lazily evaluated module.
 */
export async function loadTracing(env: NodeJS.ProcessEnv = process.env): Promise<PowertoolsTracing | undefined> {
  if (!tracingEnabled(env)) return undefined;
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new PowertoolsTracing(new Tracer());
}
