import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { OnceClaim } from '../../services/IncidentStore';

/** Slack's own window, applied in both directions (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** A claimed signature is remembered for longer than any timestamp stays valid. */
const REPLAY_MEMORY_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + 60;

/** The one value of a request header, whatever its case; `null` when it is sent more than once. */
export function header(event: AwsEvent, name: string): string | null | undefined {
  let found: string | undefined;
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() !== name || v === undefined || v === null) continue;
    if (found !== undefined) return null;
    found = v;
  }
  return found;
}

/**
 * Exactly what Slack sends, nothing Bolt or `Number()` would also accept: a
 * decorated header (`v0=<hex>=x`, `T.0`, `0x…`, `Te0`, `0T`, spaces) would
 * verify as the same request under another text, and so be processed again.
 */
const SIGNATURE_FORMAT = /^v0=([0-9a-f]{64})$/;
const TIMESTAMP_FORMAT = /^[1-9][0-9]{0,11}$/;

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
  const timestampText = header(event, 'x-slack-request-timestamp');
  if (signature === undefined || timestampText === undefined) return { refused: refused('missing Slack signature') };
  const digest = signature === null ? null : SIGNATURE_FORMAT.exec(signature)?.[1];
  if (!digest || timestampText === null || !TIMESTAMP_FORMAT.test(timestampText)) {
    return { refused: refused('malformed Slack signature headers') };
  }
  const timestamp = Number(timestampText);
  if (Math.abs(deps.now.getTime() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) return { refused: refused('stale or future timestamp') };
  const valid = isValidSlackRequest({
    signingSecret: deps.signingSecret,
    body: rawBody(event),
    headers: { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: deps.now.getTime(),
  });
  if (!valid) return { refused: refused('invalid Slack signature') };
  // Keyed on the verified digest (one per timestamp and body), in the form earlier claims were stored under.
  return { claim: { key: `slack:v0=${digest}`, ttlSeconds: REPLAY_MEMORY_SECONDS, now: deps.now } };
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
