import type { AnyMiddlewareArgs } from '@slack/bolt';
import { ReasonView } from '../../../src/domain/actionIds';
import { encodeReasonMetadata } from '../../../src/domain/reasonModal';
import {
  claimedWithItsChange,
  claimOf,
  MAX_CLOCK_SKEW_SECONDS,
  REPLAY_MEMORY_SECONDS,
  repeatedRequestAnswer,
  requestIdentity,
  slackRequestLogId,
} from '../../../src/listeners/onceRule';

const HEX = '0123456789abcdef'.repeat(4);
const body = (b: Record<string, unknown>) => b as unknown as AnyMiddlewareArgs['body'];

describe('Module: onceRule', () => {
  it('keys a request on its signature digest, and tells a Slack retry apart', () => {
    // Act, Assess
    expect(requestIdentity(HEX, false)).toEqual({ claimKey: `slack:v0=${HEX}`, isRetry: false });
    expect(requestIdentity(HEX, true).isRetry).toBe(true);
  });

  it('remembers a key longer than any timestamp stays acceptable: twice the skew plus a minute', () => {
    // Prepare
    const now = new Date('2026-12-01T12:00:00Z');

    // Act
    const claim = claimOf(requestIdentity(HEX, false), now);

    // Assess
    expect(claim).toEqual({ key: `slack:v0=${HEX}`, ttlSeconds: REPLAY_MEMORY_SECONDS, now });
    expect(REPLAY_MEMORY_SECONDS).toBeGreaterThan(2 * MAX_CLOCK_SKEW_SECONDS);
  });

  it('answers a repeat 200 when Slack says it is a retry, 401 (a replay) otherwise', () => {
    // Act, Assess
    expect(repeatedRequestAnswer(requestIdentity(HEX, true))).toEqual({ statusCode: 200, body: '' });
    expect(repeatedRequestAnswer(requestIdentity(HEX, false))).toMatchObject({
      statusCode: 401,
      body: 'replayed request',
    });
  });

  it('names a request in the logs by the first 16 hex digits of its digest, never the whole signature', () => {
    // Act, Assess
    expect(slackRequestLogId(requestIdentity(HEX, false))).toBe('0123456789abcdef');
  });

  describe('Function: claimedWithItsChange', () => {
    const metadata = encodeReasonMetadata({
      incidentId: 'INC-ABCDEFGHJK',
      choice: 'approve',
      userId: 'U0APPROVER1',
      surface: { kind: 'app_home' },
    });

    it.each([
      ['one vote click', { type: 'block_actions', actions: [{ action_id: 'chainsec_deny', value: 'INC-A' }] }, 'INC-A'],
      ['a vote click without a value', { type: 'block_actions', actions: [{ action_id: 'chainsec_approve' }] }, ''],
      [
        "the reason modal's submission",
        { type: 'view_submission', view: { callback_id: ReasonView.CallbackId, private_metadata: metadata } },
        'INC-ABCDEFGHJK',
      ],
      [
        'a reason submission whose metadata does not parse',
        { type: 'view_submission', view: { callback_id: ReasonView.CallbackId, private_metadata: '{' } },
        '',
      ],
      [
        "an I'm on it click",
        { type: 'block_actions', actions: [{ action_id: 'chainsec_ack', value: 'INC-A' }] },
        'INC-A',
      ],
      [
        'a false-positive click',
        { type: 'block_actions', actions: [{ action_id: 'chainsec_false_positive', value: 'INC-A' }] },
        'INC-A',
      ],
    ])('takes the key of %s with its change', (_name, b, incidentId) => {
      // Act, Assess
      expect(claimedWithItsChange(body(b))).toEqual({ incidentId });
    });

    it.each([
      ['a command', { command: '/chainsec', text: 'status' }],
      [
        'a menu choice',
        { type: 'block_actions', actions: [{ action_id: 'chainsec_with_reason', selected_option: { value: 'x' } }] },
      ],
      [
        'a click with two actions',
        {
          type: 'block_actions',
          actions: [
            { action_id: 'chainsec_approve', value: 'INC-A' },
            { action_id: 'chainsec_approve', value: 'INC-B' },
          ],
        },
      ],
      ['another modal', { type: 'view_submission', view: { callback_id: 'other', private_metadata: metadata } }],
    ])('takes the key of %s up front', (_name, b) => {
      // Act, Assess
      expect(claimedWithItsChange(body(b))).toBeUndefined();
    });
  });
});
