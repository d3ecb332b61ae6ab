import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { checkSlackHeaders, slackRequestIdentity } from '../../../../src/handlers/support/slackRequestHeaders';

const NOW = new Date('2026-12-01T12:00:00Z');
const T = String(NOW.getTime() / 1000);
const HEX = 'ab'.repeat(32);

function event(headers: Record<string, string>): AwsEvent {
  const e: Partial<AwsEvent> = { body: 'payload=%7B%7D', headers, isBase64Encoded: false };
  return e as AwsEvent;
}

describe('Function: checkSlackHeaders', () => {
  it('accepts exactly v0=<64 hex> and a plain timestamp, keyed on the digest', () => {
    // Act
    const verdict = checkSlackHeaders(event({ 'X-Slack-Signature': `v0=${HEX}`, 'x-slack-request-timestamp': T }), NOW);

    // Assess
    expect(verdict).toEqual({ identity: { claimKey: `slack:v0=${HEX}`, isRetry: false } });
  });

  it.each([
    ['no signature', { 'x-slack-request-timestamp': T }],
    ['a signature with a suffix', { 'x-slack-signature': `v0=${HEX}=`, 'x-slack-request-timestamp': T }],
    ['upper-case hex', { 'x-slack-signature': `v0=${HEX.toUpperCase()}`, 'x-slack-request-timestamp': T }],
    ['a short digest', { 'x-slack-signature': `v0=${HEX.slice(2)}`, 'x-slack-request-timestamp': T }],
    ['T.0', { 'x-slack-signature': `v0=${HEX}`, 'x-slack-request-timestamp': `${T}.0` }],
    ['a leading zero', { 'x-slack-signature': `v0=${HEX}`, 'x-slack-request-timestamp': `0${T}` }],
    [
      'a signature sent twice',
      { 'x-slack-signature': `v0=${HEX}`, 'X-Slack-Signature': `v0=${HEX}`, 'x-slack-request-timestamp': T },
    ],
    ['a future timestamp', { 'x-slack-signature': `v0=${HEX}`, 'x-slack-request-timestamp': String(Number(T) + 301) }],
    ['a stale timestamp', { 'x-slack-signature': `v0=${HEX}`, 'x-slack-request-timestamp': String(Number(T) - 301) }],
  ])('refuses %s with 401', (_name, headers) => {
    // Act
    const verdict = checkSlackHeaders(event(headers), NOW);

    // Assess
    expect(verdict).toMatchObject({ refused: { statusCode: 401 } });
  });
});

describe('Function: slackRequestIdentity', () => {
  it('reads a retry, and nothing from a malformed signature', () => {
    // Act
    const retry = slackRequestIdentity(event({ 'x-slack-signature': `v0=${HEX}`, 'x-slack-retry-num': '1' }));
    const none = slackRequestIdentity(event({ 'x-slack-signature': `v0=${HEX}x` }));

    // Assess
    expect(retry).toEqual({ claimKey: `slack:v0=${HEX}`, isRetry: true });
    expect(none).toBeUndefined();
  });
});
