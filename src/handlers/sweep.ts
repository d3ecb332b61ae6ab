import type { Context, ScheduledEvent } from 'aws-lambda';
import { fixedClock } from '../domain/clock';
import { sweep, type SweepReport } from '../app/sweep';
import { buildContainer, type Container } from './support/container';

let ready: Promise<Container> | undefined;

/**
 * The escalation / expiry sweep, every minute from an EventBridge schedule.
 * `now` (ISO-8601) may be given to sweep as of another time (the sandbox's
 * `POST /sandbox/tick`); the schedule sends none, so the real time is used.
 */
export async function handler(
  event: Partial<ScheduledEvent> & { now?: string },
  _context?: Context,
): Promise<SweepReport> {
  ready ??= buildContainer({ slackRetries: 3 }).catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  const container = await ready;
  const deps = event.now ? { ...container.deps, clock: fixedClock(event.now) } : container.deps;
  try {
    const report = await sweep(deps);
    container.telemetry.info('sweep done', {
      expired: report.expired.length,
      escalated: report.escalated.length,
      redriven: report.redriven.length,
      errors: report.errors.length,
    });
    return report;
  } finally {
    container.telemetry.flush();
  }
}
