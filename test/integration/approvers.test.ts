import { LocalSlackApi } from '../../sandbox/local/LocalSlackApi';
import { isApprover } from '../../src/app/approvers';
import { silentTelemetry } from '../../src/app/telemetry';
import { defaultApprovalPolicy } from '../../src/domain/policy';
import { WebApiSlackGateway } from '../../src/services/WebApiSlackGateway';

describe('Function: isApprover (allowlist and Slack user group, against the local Slack Web API)', () => {
  const slackApi = new LocalSlackApi({ rateLimit: false });
  let slack: WebApiSlackGateway;
  beforeAll(async () => {
    await slackApi.start();
    slack = new WebApiSlackGateway({
      token: 'xoxb-sandbox',
      slackApiUrl: `${slackApi.url}/api/`,
      timeoutMs: 10_000,
      retries: 0,
    });
  });
  afterAll(() => slackApi.stop());

  const policy = defaultApprovalPolicy({
    approverUserIds: ['U0LISTED'],
    approverUsergroupId: 'S0APPROVERS',
    approvalsChannel: 'C0APPROVALS',
  }).high;

  it('accepts the allowlist without asking Slack', async () => {
    slackApi.faults.set('usergroups.users.list', { status: 500, times: 99 });
    await expect(isApprover({ slack, telemetry: silentTelemetry }, policy, 'U0LISTED')).resolves.toBe(true);
    slackApi.faults.clear();
  });

  it('accepts a member of the approver group and refuses anyone else', async () => {
    await expect(isApprover({ slack, telemetry: silentTelemetry }, policy, 'U0APPROVER2')).resolves.toBe(true);
    await expect(isApprover({ slack, telemetry: silentTelemetry }, policy, 'U0VIEWER')).resolves.toBe(false);
  });

  it('caches the group briefly (one lookup for many clicks)', async () => {
    const before = slackApi.calls('usergroups.users.list').length;
    for (let i = 0; i < 5; i++) await isApprover({ slack, telemetry: silentTelemetry }, policy, 'U0APPROVER3');
    expect(slackApi.calls('usergroups.users.list').length - before).toBeLessThanOrEqual(1);
  });

  it('fails closed when the group cannot be read', async () => {
    const fresh = new WebApiSlackGateway({
      token: 'xoxb-sandbox',
      slackApiUrl: `${slackApi.url}/api/`,
      timeoutMs: 10_000,
      retries: 0,
    });
    slackApi.faults.set('usergroups.users.list', { status: 500, times: 99 });
    await expect(isApprover({ slack: fresh, telemetry: silentTelemetry }, policy, 'U0APPROVER2')).resolves.toBe(false);
    slackApi.faults.clear();
  });
});
