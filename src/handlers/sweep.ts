import type { Context, ScheduledEvent } from 'aws-lambda';
import { fixedClock } from '../domain/clock';
import { sweep, type SweepReport } from '../app/sweep';
import type { Config } from '../config';
import type { AnchorStore } from '../services/AnchorStore';
import { buildContainer, type Container } from './support/container';

let ready: Promise<Container> | undefined;

/** The S3 anchor store where ANCHOR_BUCKET is set (the sweep alone writes anchors); S3's client is loaded only then. */
async function loadAnchorStore(config: Config, capture: <C>(client: C) => C): Promise<AnchorStore | undefined> {
  if (!config.anchors) return undefined;
  const { S3AnchorStore, s3Client } = await import('../services/S3AnchorStore');
  const client = capture(s3Client(config.callTimeoutMs, config.s3ForcePathStyle));
  return new S3AnchorStore({ ...config.anchors, client });
}

/**
 * The escalation / expiry sweep, every minute from an EventBridge schedule.
 * `now` (ISO-8601) may be given to sweep as of another time (the sandbox's
 * `POST /sandbox/tick`); the schedule sends none, so the real time is used.
 */
export async function handler(
  event: Partial<ScheduledEvent> & { now?: string },
  context?: Context,
): Promise<SweepReport> {
  ready ??= buildContainer({ slackRetries: 3, paced: true, anchors: loadAnchorStore }).catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  const container = await ready;
  const deps = event.now ? { ...container.deps, clock: fixedClock(event.now) } : container.deps;
  container.telemetry.startInvocation(context);
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
