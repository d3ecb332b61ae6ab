import type { AnyMiddlewareArgs } from '@slack/bolt';
import type { AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { ActionId, ReasonView, VOTE_ACTION_IDS } from '../domain/actionIds';
import { parseReasonMetadata } from '../domain/reasonModal';
import type { OnceClaim } from '../services/RequestClaims';

/**
 * The once-per-request rule: what happens when a Slack request (a click, a
 * modal submission, a slash command) arrives twice. Slack retries a request
 * it got no answer to in time, and anyone who saw a signed request can send
 * it again; either way it is processed once.
 *
 * - **Its key.** An authentic request's one-time key is its verified signature
 *   digest ({@link requestIdentity}): one per timestamp and body. The
 *   headers must be exactly as Slack writes them
 *   (`src/handlers/support/slackRequestHeaders.ts`), so a replay cannot pass as
 *   a new request under a decorated header.
 * - **For how long.** The key is remembered {@link REPLAY_MEMORY_SECONDS}:
 *   longer than its timestamp stays acceptable ({@link MAX_CLOCK_SKEW_SECONDS}
 *   either way), so a later copy is refused by the timestamp check instead.
 * - **When it is taken.** A request that changes an incident (one click on a
 *   vote button, "I'm on it" or "Mark false positive", or the reason modal's
 *   submission: {@link claimedWithItsChange}) takes its key in the same write
 *   as the change: the incident's version-conditioned put and the key's put in
 *   one transaction (`src/services/dynamodb/DynamoDbRequestClaims.ts`), so a
 *   crash between the two can neither lose a vote nor let a retry count it
 *   again. When it changes nothing (refused, done before, or failed), it takes
 *   its key on its own before the answer is given. Any other request takes its
 *   key up front, before a listener runs. Bolt applies this in
 *   `src/listeners/middleware/oncePerRequest.ts`.
 * - **What a repeat gets.** Nothing is done again: the request is acknowledged
 *   with {@link REPEATED_REQUEST}, which the Lambda handler turns into
 *   {@link repeatedRequestAnswer}: 200 for a Slack retry, 401 for a replay.
 */

/** Slack's window for a request's timestamp, applied in both directions (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** How long a request's key is remembered: twice the window, plus a minute. */
export const REPLAY_MEMORY_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

/** The prefix of a request's key (kept in the form earlier keys were stored under). */
const KEY_PREFIX = 'slack:v0=';

/** A Slack request as the guard in front of Bolt read it from its headers. */
export interface SlackRequestIdentity {
  /** The one-time key of the request: its verified signature digest. */
  readonly claimKey: string;
  /** Slack said it is a retry (`x-slack-retry-num`). */
  readonly isRetry: boolean;
}

/** The identity of a request signed with `digest` (64 hex digits, as the headers check accepted it). */
export function requestIdentity(digest: string, isRetry: boolean): SlackRequestIdentity {
  return { claimKey: `${KEY_PREFIX}${digest}`, isRetry };
}

/**
 * The Slack request's id in log lines (`slackRequestId`): the first 16 hex digits of its digest. It names the
 * request (and its key) across every line of the invocation without putting a whole valid signature in the logs.
 */
export function slackRequestLogId(identity: SlackRequestIdentity): string {
  return identity.claimKey.slice(KEY_PREFIX.length, KEY_PREFIX.length + 16);
}

/** The claim a request takes at `now`: its key, for {@link REPLAY_MEMORY_SECONDS}. */
export function claimOf(identity: SlackRequestIdentity, now: Date): OnceClaim {
  return { key: identity.claimKey, ttlSeconds: REPLAY_MEMORY_SECONDS, now };
}

/** The buttons whose click changes the incident it names. */
const CHANGES = new Set<string>([...VOTE_ACTION_IDS, ActionId.Acknowledge, ActionId.FalsePositive]);

/**
 * Whether a request's key is taken with the change it makes (see the rule
 * above): the incident it changes (`''` when it names none: nothing will be
 * written, and the key is taken before the refusal), or `undefined` for a
 * request whose key is taken up front. Such a request is one click on a button
 * that changes an incident (vote, "I'm on it", false positive), or the reason
 * modal's submission.
 */
export function claimedWithItsChange(body: AnyMiddlewareArgs['body']): { incidentId: string } | undefined {
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
  if (!CHANGES.has(String(action?.action_id))) return undefined;
  return { incidentId: typeof action?.value === 'string' ? action.value : '' };
}

/**
 * What a request processed before is acknowledged with (by the guard, or by
 * the listener of a change): the handler turns Bolt's answer carrying it into
 * {@link repeatedRequestAnswer}.
 */
export const REPEATED_REQUEST = { chainsec: 'repeated_request' } as const;
/** The body Bolt's receiver answers {@link REPEATED_REQUEST} with. */
export const REPEATED_REQUEST_BODY = JSON.stringify(REPEATED_REQUEST);

/**
 * Acknowledges a request as processed before ({@link REPEATED_REQUEST}). Bolt
 * types an action's `ack` without a body; the receiver sends whatever it is given.
 */
export function ackRepeated(ack: (response?: never) => Promise<void>): Promise<void> {
  return (ack as (response: unknown) => Promise<void>)(REPEATED_REQUEST);
}

/**
 * The answer to a request whose key was taken before: a Slack retry (it says
 * so with `x-slack-retry-num`) gets 200 and nothing is done; anything else is
 * a replay (401).
 */
export function repeatedRequestAnswer(identity: SlackRequestIdentity): AwsResponse {
  return identity.isRetry
    ? { statusCode: 200, body: '' }
    : { statusCode: 401, headers: { 'content-type': 'text/plain' }, body: 'replayed request' };
}
