import type { Context, ScheduledEvent } from 'aws-lambda';
import { sweep } from '../app/sweep';
import type { SweepReport } from '../app/sweepReport';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { AnchorStore } from '../services/AnchorStore';
import { buildContainer } from './support/container';
import { perContainer } from './support/perContainer';

/** The S3 anchor store where ANCHOR_BUCKET is set (the sweep alone writes anchors); S3's client is loaded only then. */
async function loadAnchorStore(config: Config, capture: <C>(client: C) => C): Promise<AnchorStore | undefined> {
  if (!config.anchors) return undefined;
  const { S3AnchorStore, s3Client } = await import('../services/S3AnchorStore');
  const client = capture(s3Client(config.callTimeoutMs, config.s3ForcePathStyle));
  return new S3AnchorStore({ ...config.anchors, client });
}

/** The sweep's entry point: what the schedule invokes. */
export type SweepHandler = (event: Partial<ScheduledEvent>, context?: Context) => Promise<SweepReport>;

/**
 * A sweep entry point whose container takes its time from `clock` (the real
 * clock unless given). The time is the clock's alone: nothing in the event
 * moves it, so whoever may invoke the function cannot expire pending
 * requests early. The sandbox builds its own with a clock it sets.
 */
export function sweepHandler(options: { clock?: Clock } = {}): SweepHandler {
  const ready = perContainer(() =>
    buildContainer({
      slackRetries: 3,
      paced: true,
      anchors: loadAnchorStore,
      ...(options.clock && { clock: options.clock }),
    }),
  );
  return async (_event, context) => {
    const container = await ready();
    container.telemetry.startInvocation(context);
    try {
      const report = await sweep(container.deps);
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
  };
}

/** The escalation / expiry sweep, every minute from an EventBridge schedule, on the real clock. */
export const handler: SweepHandler = sweepHandler();
