import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../../app/deps';
import { ReasonView, VOTE_ACTION_IDS } from '../../domain/actionIds';
import { parseReasonMetadata } from '../../domain/reasonModal';
import { INCIDENT_ID } from '../../domain/incident';
import type { IncidentRepository } from '../../services/IncidentRepository';
import type { OnceClaim, RequestClaims } from '../../services/RequestClaims';
import { MAX_CLOCK_SKEW_SECONDS, ackRepeated, type ChainsecContext } from '../requestContext';

/** A claimed request is remembered for longer than any timestamp stays valid. */
const REPLAY_MEMORY_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

const VOTES = new Set<string>(VOTE_ACTION_IDS);

/**
 * The incident a request votes on, when it is one click on a vote button or
 * the reason modal's submission (a vote too: its claim goes into the vote's
 * own write, as a click's does); `undefined` for anything else.
 */
function voteClickOf(body: AnyMiddlewareArgs['body']): { incidentId: string } | undefined {
  if (body.type === 'view_submission') {
    const view = (body as { view?: { callback_id?: unknown; private_metadata?: unknown } }).view;
    if (view?.callback_id !== ReasonView.CallbackId) return undefined;
    return { incidentId: parseReasonMetadata(view.private_metadata)?.incidentId ?? '' };
  }
  if (
    body.type !== 'block_actions' ||
    !('actions' in body) ||
    !Array.isArray(body.actions) ||
    body.actions.length !== 1
  ) {
    return undefined;
  }
  const [action] = body.actions as Array<{ action_id?: unknown; value?: unknown }>;
  if (!VOTES.has(String(action?.action_id))) return undefined;
  return { incidentId: typeof action?.value === 'string' ? action.value : '' };
}

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
 * The one-time rule, as Bolt's first global middleware (Bolt has verified the
 * signature by now): every authentic request is processed once. A vote click's
 * claim is handed to the vote listener through the context, for the vote's
 * own commit to take, and the incident read starts now, while Bolt
 * dispatches; any other request is claimed here, up front. A request claimed
 * before is acknowledged as repeated (see `ackRepeated`) and goes no further
 * (events API requests are acknowledged by Bolt before any middleware: a
 * repeated event is answered 200 and nothing is done).
 */
export function oncePerRequest(deps: OncePerRequestDeps): Middleware<AnyMiddlewareArgs, ChainsecContext> {
  return async (args) => {
    const { body, context, next } = args;
    // Fail closed: a request without an identity is never processed (it cannot be claimed).
    if (!context.slackRequest) throw new Error('Slack request without an identity: refused');
    const claim: OnceClaim = {
      key: context.slackRequest.claimKey,
      ttlSeconds: REPLAY_MEMORY_SECONDS,
      now: deps.clock.now(),
    };
    const vote = voteClickOf(body);
    const incidentId = incidentNamedBy(body, vote);
    if (incidentId) deps.telemetry.addLogKeys({ incidentId });
    if (vote) {
      const { incidentId } = vote;
      if (!INCIDENT_ID.test(incidentId)) {
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
