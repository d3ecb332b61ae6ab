import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps';
import { INCIDENT_ID } from '../../domain/incident';
import type { IncidentRepository } from '../../services/IncidentRepository';
import type { RequestClaims } from '../../services/RequestClaims';
import { ackRepeated, claimedWithItsChange, claimOf } from '../onceRule';
import type { ChainsecContext } from '../requestContext';

/**
 * The incident a request acts on, for the log lines: the one it changes, or the value of the one button clicked
 * when it is an incident id; `undefined` when there is none.
 */
function incidentNamedBy(
  body: AnyMiddlewareArgs['body'],
  change: { incidentId: string } | undefined,
): string | undefined {
  if (change) return INCIDENT_ID.test(change.incidentId) ? change.incidentId : undefined;
  if (body.type !== 'block_actions' || !('actions' in body) || !Array.isArray(body.actions)) return undefined;
  const values = (body.actions as Array<{ value?: unknown }>).map((a) => a?.value);
  const [value] = values;
  return values.length === 1 && typeof value === 'string' && INCIDENT_ID.test(value) ? value : undefined;
}

/** What the guard uses: the claims, the early read of the incident, the clock, telemetry. */
export type OncePerRequestDeps = Pick<AppDeps, 'clock' | 'telemetry'> & {
  claims: Pick<RequestClaims, 'take'>;
  incidents: Pick<IncidentRepository, 'get'>;
};

/**
 * The once-per-request rule (`src/listeners/onceRule.ts`) as Bolt's first
 * global middleware (Bolt has verified the signature by now). The claim of a
 * request that changes an incident is handed to its listener through the
 * context, for the change's own commit to take, and the incident read starts
 * now, while Bolt dispatches; any other
 * request is claimed here, up front. A request claimed before is acknowledged
 * as repeated and goes no further (events API requests are acknowledged by
 * Bolt before any middleware: a repeated event is answered 200 and nothing is done).
 */
export function oncePerRequest(deps: OncePerRequestDeps): Middleware<AnyMiddlewareArgs, ChainsecContext> {
  return async (args) => {
    const { body, context, next } = args;
    // Fail closed: a request without an identity is never processed (it cannot be claimed).
    if (!context.slackRequest) throw new Error('Slack request without an identity: refused');
    const claim = claimOf(context.slackRequest, deps.clock.now());
    const change = claimedWithItsChange(body);
    const incidentId = incidentNamedBy(body, change);
    if (incidentId) deps.telemetry.addLogKeys({ incidentId });
    if (change) {
      if (!incidentId) {
        context.claimInWrite = { claim };
      } else {
        const read = deps.incidents.get(incidentId);
        // A failed read is the commit's own read to retry, not an unhandled rejection.
        read.catch(() => undefined);
        context.claimInWrite = { claim, incidentRead: { incidentId, read } };
      }
      await next();
      return;
    }
    if (await deps.claims.take(claim)) {
      await next();
      return;
    }
    deps.telemetry.info('slack request already processed; nothing done', { retry: context.slackRequest.isRetry });
    if ('ack' in args && typeof args.ack === 'function') await ackRepeated(args.ack);
  };
}
