import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { OnceClaim } from '../../services/IncidentStore';

/** Slack's own window, applied in both directions (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** A claimed signature is remembered for longer than any timestamp stays valid. */
const REPLAY_MEMORY_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

/** A request header, whatever its case. */
export function header(event: AwsEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v ?? undefined;
  return undefined;
}

/** The request body as sent (API Gateway may base64-encode it). */
export function rawBody(event: AwsEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

const refused = (why: string): AwsResponse => ({ statusCode: 401, headers: { 'content-type': 'text/plain' }, body: why });

/** What {@link verifySlackRequest} found. */
export type Verdict = { refused: AwsResponse } | { claim: OnceClaim };

/**
 * What Bolt's receiver lacks, as a thin layer in front of it: timestamps from
 * the future are refused along with bad signatures (no I/O here). An authentic
 * request gets its one-time claim, keyed by its signature, which must be taken
 * before anything is done for it: up front by the handler, or by a vote's
 * own commit (see src/listeners/voteClick.ts).
 */
export function verifySlackRequest(event: AwsEvent, deps: { signingSecret: string; now: Date }): Verdict {
  const signature = header(event, 'x-slack-signature');
  const timestamp = Number(header(event, 'x-slack-request-timestamp'));
  if (!signature || !Number.isInteger(timestamp)) return { refused: refused('missing Slack signature') };
  if (Math.abs(deps.now.getTime() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) return { refused: refused('stale or future timestamp') };
  const valid = isValidSlackRequest({
    signingSecret: deps.signingSecret,
    body: rawBody(event),
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: deps.now.getTime(),
  });
  if (!valid) return { refused: refused('invalid Slack signature') };
  return { claim: { key: `slack:${signature}`, ttlSeconds: REPLAY_MEMORY_SECONDS, now: deps.now } };
}

/**
 * The answer to a request whose claim was taken before: a Slack retry (it
 * says so with `x-slack-retry-num`) gets 200 and nothing is done; anything
 * else is a replay (401).
 */
export function repeatedRequestAnswer(event: AwsEvent): AwsResponse {
  if (header(event, 'x-slack-retry-num') !== undefined) return { statusCode: 200, body: '' };
  return refused('replayed request');
}
