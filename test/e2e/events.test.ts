// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
import { startHarness, unique, type Harness } from '../support/sandboxHarness';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';

describe('E2E: POST /sandbox/events routes as template.yaml does', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("starts the incident workflow for the agent's Incident Detected event, with its detail as input", async () => {
    // Prepare
    const tx = `0x${unique()}e1`;
    const event = {
      version: '0',
      id: `evt-${unique()}`,
      source: 'chainsec.agent',
      'detail-type': 'Incident Detected',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'eu-west-1',
      resources: [],
      detail: { tx_hash: tx, amount_usd: 250_000, protocol: 'Aave', anomaly_score: 0.9 },
    };

    // Act
    const r = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', event);
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Assess
    expect(r.status).toBe(202);
    expect(r.body.executionArns).toHaveLength(1);
    expect(card.ts).toBeTruthy();
  });

  it('starts nothing for a GuardDuty finding under the minimum severity, or an event no rule matches', async () => {
    const low = {
      source: 'aws.guardduty',
      'detail-type': 'GuardDuty Finding',
      detail: { severity: 2, type: 'Recon:EC2/Portscan', service: { archived: false } },
    };
    const other = { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} };
    for (const event of [low, other]) {
      const r = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', event);
      expect({ status: r.status, body: r.body }).toEqual({ status: 202, body: { executionArns: [] } });
    }
  });

  it('refuses a body that is not an EventBridge event', async () => {
    for (const body of ['not an event', { source: 'aws.guardduty' }, null]) {
      const r = await h.json<{ error: string }>('POST', '/sandbox/events', body);
      expect(r.status).toBe(400);
    }
  });

  it('GET /sandbox/info names the topics, endpoints, tables and signing key a workflow needs', async () => {
    const r = await h.json<Record<string, unknown>>('GET', '/sandbox/info');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      approvalRequestsTopicArn: expect.stringMatching(/^arn:aws:sns:/),
      notificationsTopicArn: expect.stringMatching(/^arn:aws:sns:/),
      endpoints: {
        dynamodb: expect.stringMatching(/^http/),
        kms: expect.stringMatching(/^http/),
        stepfunctions: expect.stringMatching(/^http/),
        sns: expect.stringMatching(/^http/),
      },
      tables: { incidents: expect.any(String), ledger: expect.any(String), redemptions: expect.any(String) },
      signingKeyId: expect.stringMatching(/^arn:aws:kms:/),
    });
  });
});
