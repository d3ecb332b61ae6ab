import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { MAX_CLOCK_SKEW_SECONDS, requestIdentity, type SlackRequestIdentity } from '../../listeners/onceRule';

/** The one value of a request header, whatever its case; `null` when it is sent more than once. */
function header(event: AwsEvent, name: string): string | null | undefined {
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

const refused = (why: string): AwsResponse => ({
  statusCode: 401,
  headers: { 'content-type': 'text/plain' },
  body: why,
});

/** What {@link checkSlackHeaders} found. */
export type HeaderVerdict = { refused: AwsResponse } | { identity: SlackRequestIdentity };

/**
 * What Bolt's receiver lacks, in front of it and without I/O: the signature
 * headers must be exactly as Slack writes them (one each, `v0=<64 hex>`, a
 * plain integer timestamp) and the timestamp no more than 300 s from now in
 * either direction (Bolt refuses only old ones). Bolt then checks the HMAC.
 * The request's identity is its digest: one per timestamp and body, so a
 * replay cannot pass as a new request under a decorated header.
 */
export function checkSlackHeaders(event: AwsEvent, now: Date): HeaderVerdict {
  const signature = header(event, 'x-slack-signature');
  const timestamp = header(event, 'x-slack-request-timestamp');
  if (signature === undefined || timestamp === undefined) return { refused: refused('missing Slack signature') };
  const digest = signature === null ? undefined : SIGNATURE_FORMAT.exec(signature)?.[1];
  if (!digest || timestamp === null || !TIMESTAMP_FORMAT.test(timestamp)) {
    return { refused: refused('malformed Slack signature headers') };
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { refused: refused('stale or future timestamp') };
  }
  return { identity: identityOf(digest, event) };
}

function identityOf(digest: string, event: AwsEvent): SlackRequestIdentity {
  return requestIdentity(digest, header(event, 'x-slack-retry-num') !== undefined);
}

/**
 * The identity of a request whose headers {@link checkSlackHeaders} accepted
 * (for Bolt's `customPropertiesExtractor`); `undefined` for any other.
 */
export function slackRequestIdentity(event: AwsEvent): SlackRequestIdentity | undefined {
  const signature = header(event, 'x-slack-signature');
  const digest = typeof signature === 'string' ? SIGNATURE_FORMAT.exec(signature)?.[1] : undefined;
  return digest ? identityOf(digest, event) : undefined;
}
