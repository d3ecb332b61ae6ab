import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps';
import { INCIDENT_ID } from '../../domain/incident';
import type { IncidentRepository } from '../../services/IncidentRepository';
import type { RequestClaims } from '../../services/RequestClaims';
import { ackRepeated, claimedWithItsVote, claimOf } from '../onceRule';
import type { ChainsecContext } from '../requestContext';

/**
 * The incident a request acts on, for the log lines: a vote's, or the value of the one button clicked when it
 * is an incident id ("I'm on it", false positive); `undefined` when there is none.
 */
function incidentNamedBy(
  body: AnyMiddlewareArgs['body'],
  vote: { incidentId: string } | undefined,
): string | undefined {
  if (vote) return INCIDENT_ID.test(vote.incidentId) ? vote.incidentId : undefined;
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
 * global middleware (Bolt has verified the signature by now). A vote's claim
 * is handed to its listener through the context, for the vote's own commit
 * to take, and the incident read starts now, while Bolt dispatches; any other
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
    const vote = claimedWithItsVote(body);
    const incidentId = incidentNamedBy(body, vote);
    if (incidentId) deps.telemetry.addLogKeys({ incidentId });
    if (vote) {
      if (!incidentId) {
        context.voteClick = { claim };
      } else {
        const read = deps.incidents.get(incidentId);
        // A failed read is the vote's own read to retry, not an unhandled rejection.
        read.catch(() => undefined);
        context.voteClick = { claim, incidentRead: { incidentId, read } };
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
