/**
 * Tracing as the use cases and listeners need it: a unit of work as a named
 * span (an X-Ray subsegment in AWS, see `src/services/PowertoolsTracing.ts`).
 */
export interface Tracing {
  /** Runs `work` inside a span called `name`; its error is recorded on the span and rethrown. */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** Tracing that records nothing: where X-Ray is off (the sandbox, tests, or the `tracing` port left out). */
export const noTracing: Tracing = { span: (_name, work) => work() };
