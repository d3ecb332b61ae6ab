import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { IncidentStore } from '../../services/IncidentStore';

/** Slack's own window, applied in both directions (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** A claimed signature is remembered for longer than any timestamp stays valid. */
const REPLAY_MEMORY_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

function header(event: AwsEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v ?? undefined;
  return undefined;
}

function rawBody(event: AwsEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

const refused = (why: string): AwsResponse => ({ statusCode: 401, headers: { 'content-type': 'text/plain' }, body: why });

/**
 * What Bolt's receiver lacks, as a thin layer in front of it: timestamps from
 * the future are refused, and each signed request is processed once. A repeat
 * of a processed request is a Slack retry (answered 200, nothing done) when it
 * says so with `x-slack-retry-num`, else a replay (401).
 * @returns a response to send instead of calling Bolt, or `undefined` to go on
 */
export async function guardSlackRequest(
  event: AwsEvent,
  deps: { signingSecret: string; store: Pick<IncidentStore, 'claimOnce'>; now: Date },
): Promise<AwsResponse | undefined> {
  const signature = header(event, 'x-slack-signature');
  const timestamp = Number(header(event, 'x-slack-request-timestamp'));
  if (!signature || !Number.isInteger(timestamp)) return refused('missing Slack signature');
  if (Math.abs(deps.now.getTime() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) return refused('stale or future timestamp');
  const valid = isValidSlackRequest({
    signingSecret: deps.signingSecret,
    body: rawBody(event),
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: deps.now.getTime(),
  });
  if (!valid) return refused('invalid Slack signature');
  const first = await deps.store.claimOnce(`slack:${signature}`, REPLAY_MEMORY_SECONDS, deps.now);
  if (first) return undefined;
  if (header(event, 'x-slack-retry-num') !== undefined) return { statusCode: 200, body: '' };
  return refused('replayed request');
}
