import type { ViewSubmitAction } from '@slack/bolt';
import { trustedSubmission } from '../../../../src/listeners/views/reasonSubmission';
import { viewSubmission, type ViewSubmissionOptions } from '../../../../sandbox/local/slackSigning';

const metadata = JSON.stringify({
  i: 'INC-7GQ2KX4ZPA',
  v: 'deny',
  u: 'U0APPROVER1',
  c: 'C0APPROVALS',
  t: '1700000000.000100',
});
const body = (over: Partial<ViewSubmissionOptions> = {}, view: Record<string, unknown> = {}) =>
  viewSubmission({
    user: 'U0APPROVER1',
    view: { id: 'V1', callback_id: 'chainsec_reason_modal', private_metadata: metadata, ...view },
    ...over,
  }) as unknown as ViewSubmitAction;

describe('Function: trustedSubmission', () => {
  it('trusts this app’s reason modal, submitted by the person it was opened for, in this workspace', () => {
    // Act / Assess
    expect(trustedSubmission(body())).toEqual({
      incidentId: 'INC-7GQ2KX4ZPA',
      choice: 'deny',
      userId: 'U0APPROVER1',
      surface: { kind: 'message', channelId: 'C0APPROVALS', messageTs: '1700000000.000100' },
    });
  });

  it.each([
    ['another submitter', body({ user: 'U0VIEWER' })],
    ['another app’s view', body({ appId: 'A0OTHER' })],
    ['another workspace', body({ userTeamId: 'T0OTHER' })],
    ['another callback id', body({}, { callback_id: 'other' })],
    ['not a modal', body({}, { type: 'home' })],
    ['metadata that does not parse', body({}, { private_metadata: '{"i":"INC-7GQ2KX4ZPA"}' })],
  ])('refuses %s', (_name, b) => {
    // Act / Assess
    expect(trustedSubmission(b)).toBeUndefined();
  });
});
