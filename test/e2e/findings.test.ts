import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaContext } from '../../sandbox/lambdaEvents';
import { createDynamoDbPorts } from '../../src/services/dynamodb/createDynamoDbPorts';
import {
  asffFinding,
  guardDutyCredentialExfiltration,
  guardDutySshBruteForce,
  ocsfFinding,
  securityHubImported,
  securityHubImportedV2,
} from '../../sandbox/samples/findingEvents';
import { startHarness, unique, type Harness } from '../support/sandboxHarness';

const APPROVALS_CHANNEL = 'C0APPROVALS';

/**
 * Published-shape GuardDuty and Security Hub events through the real
 * workflow (the whole EventBridge event as the execution input, as the
 * stack's rules deliver it) and through the ingest handler.
 */
describe('E2E: detector findings', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('a high GuardDuty access-key finding asks people; re-emitted, it updates the card and thread and its workflow does not wait', async () => {
    // Prepare
    const id = `gd${unique()}`;
    const key = `ASIA${unique()
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 12)
      .padEnd(12, 'X')}`;
    const resource = {
      resourceType: 'AccessKey',
      accessKeyDetails: { accessKeyId: key, userName: 'GeneratedFindingUserName', userType: 'IAMUser' },
    };

    // Act
    await h.startIncident(guardDutyCredentialExfiltration({ id, resource }));
    const card = await h.waitForMessage(key, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const againArn = await h.startIncident(guardDutyCredentialExfiltration({ id, resource }, { count: 4 }));
    const again = await h.waitForExecution(againArn);
    const line = await h.waitForMessage('count 4 (was 1)', { channel: APPROVALS_CHANNEL });

    // Assess
    expect(card.text).toMatch(/high/i);
    expect(JSON.stringify(card.blocks)).toContain('deactivate_access_key');
    // The second workflow never waits: its request is refused as a duplicate, recorded in the first
    // incident's ledger chain, and it closes without an approval.
    expect(again.status).toBe('SUCCEEDED');
    expect(again.output.approval).toMatchObject({ decision: 'deny', decidedBy: [] });
    expect(line.thread_ts).toBe(card.ts);
    const cards = (await h.messages()).filter(
      (m) => m.kind === 'message' && !m.thread_ts && JSON.stringify(m.blocks).includes(key),
    );
    expect(cards).toHaveLength(1);
    expect(cards[0]!.updates).toBeGreaterThan(0);
    expect(JSON.stringify(cards[0]!.blocks)).toContain('4 times');
  });

  it.each([
    [2, 'low', 'SUCCEEDED'],
    [5, 'medium', 'SUCCEEDED'],
    [9.5, 'critical', 'RUNNING'],
  ])('GuardDuty severity %s is %s', async (severity, tier, status) => {
    const instance = `i-${unique().replace(/[^0-9a-z]/g, '')}`;
    const arn = await h.startIncident(
      guardDutySshBruteForce({
        id: `gd${unique()}`,
        severity,
        resource: { resourceType: 'Instance', instanceDetails: { instanceId: instance } },
      }),
    );
    const card = await h.waitForMessage(instance, { channel: APPROVALS_CHANNEL, kind: 'message' });
    expect(card.text.toLowerCase()).toContain(tier);
    if (status === 'SUCCEEDED') expect((await h.waitForExecution(arn)).status).toBe('SUCCEEDED');
  });

  it('an archived GuardDuty finding and a resolved Security Hub finding wake nobody: the execution ends at Ignored', async () => {
    const archivedId = `gd${unique()}`;
    const a = await h.waitForExecution(
      await h.startIncident(guardDutySshBruteForce({ id: archivedId, severity: 9 }, { archived: true })),
    );
    const r = await h.waitForExecution(
      await h.startIncident(
        securityHubImported([asffFinding({ Id: `sh-${unique()}`, Workflow: { Status: 'RESOLVED' } })]),
      ),
    );
    expect(a.status).toBe('SUCCEEDED');
    expect(a.output).toMatchObject({ ignored: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ ignored: true });
  });

  it('an OCSF finding (Findings Imported V2) asks people about the bucket', async () => {
    const bucket = `bucket-${unique()}`;
    await h.startIncident(
      securityHubImportedV2([
        ocsfFinding({
          finding_info: { uid: `ocsf-${unique()}`, title: `S3 bucket ${bucket} allows public read` },
          // The public-access control (S3.8) on a bucket named in OCSF's CloudFormation-style type.
          compliance: { control: 'S3.8', status: 'Failed' },
          resources: [{ type: 'AWS::S3::Bucket', uid: `arn:aws:s3:::${bucket}` }],
        }),
      ]),
    );
    const card = await h.waitForMessage(bucket, { channel: APPROVALS_CHANNEL, kind: 'message' });
    expect(card.text).toMatch(/high/i);
    expect(JSON.stringify(card.blocks)).toContain('block_public_access');
  });

  it('a Security Hub event with several findings through the ingest handler: each good one is an incident, the malformed one is kept', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/ingest');
    const tag = unique();
    const event = securityHubImported([
      asffFinding({ Id: `sh-${tag}-1`, Title: `first ${tag}`, Severity: { Label: 'MEDIUM' } }),
      asffFinding({ Id: `sh-${tag}-2`, Title: `second ${tag}`, Severity: { Label: 'LOW' } }),
      asffFinding({ Id: `sh-${tag}-3`, Title: `third ${tag}`, AwsAccountId: 42 }),
    ]) as unknown as EventBridgeEvent<string, unknown>;

    // Act
    await handler(event, lambdaContext('chainsec-ingest'));
    const first = await h.waitForMessage(`first ${tag}`, { channel: APPROVALS_CHANNEL });
    const second = await h.waitForMessage(`second ${tag}`, { channel: APPROVALS_CHANNEL });
    const { rejected } = createDynamoDbPorts({
      incidentsTable: process.env.INCIDENTS_TABLE!,
      ledgerTable: process.env.LEDGER_TABLE!,
      callTimeoutMs: 2000,
    });
    const kept = (await rejected.list(50)).filter((k) => k.payload.includes(`sh-${tag}-3`));

    // Assess
    expect(first.text).toMatch(/medium/i);
    expect(second.text).toMatch(/low/i);
    expect(kept).toEqual([
      expect.objectContaining({
        code: 'chainsec_invalid_input',
        reason: expect.stringContaining('detail.findings[2].AwsAccountId'),
      }),
    ]);
  });
});
