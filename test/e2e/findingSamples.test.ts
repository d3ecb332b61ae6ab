// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
//
// Real findings from public repositories, each through POST /sandbox/events (routed as template.yaml's rules
// route it), the workflow, the card and, once approved, the executors' actions topic (GET /sandbox/actions).
// Sources (test/fixtures/findings/README.md):
// - elastic/integrations packages/aws/data_stream/guardduty/_dev/test/pipeline/test-guardduty.log
// - elastic/integrations packages/aws/data_stream/guardduty/_dev/test/pipeline/test-guard_duty.log
// - aws-samples/aws-securityhub-jira-software-integration test/custom_new.template
// - aws-samples/aws-securityhub-jira-software-integration test/imported_new_automated_standard_check.template
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { asffFinding, ocsfFinding, securityHubImportedV2 } from '../../sandbox/samples/findingEvents';
import { copy, fixtureEvent, guardDutyEvent, guardDutyFindings } from '../support/findingFixtures';
import { incidentIdOf, textOf, useHarness } from '../support/sandboxHarness';

const [instanceDns, eksAnonymous, rdsLogin, runtimeContainer] = guardDutyFindings(
  'guardduty-elastic-test-guardduty.jsonl',
);
const [s3MaliciousCaller, accessKeyTor] = guardDutyFindings('guardduty-elastic-test-guard_duty.jsonl');
const customAction = fixtureEvent('securityhub-jira-custom_new.json');
const cisControl = fixtureEvent('securityhub-jira-imported_new_automated_standard_check.json');

interface Command {
  Message: string;
}

describe('E2E: real detector findings, from the event to the card and the executors', () => {
  const h = useHarness();

  async function send(event: unknown): Promise<string[]> {
    const r = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', event);
    expect(r.status).toBe(202);
    return r.body.executionArns;
  }
  const card = (needle: string) => h.waitForMessage(needle, { channel: APPROVALS_CHANNEL, kind: 'message' });
  const commandsFor = async (incidentId: string) =>
    (await h.json<Command[]>('GET', '/sandbox/actions')).body
      .map((m) => JSON.parse(m.Message) as Record<string, any>)
      .filter((m) => m.incidentId === incidentId);
  async function approve(message: { ts: string }, arn: string) {
    const id = incidentIdOf(message as never);
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: message.ts });
    return { id, execution: await h.waitForExecution(arn) };
  }

  it.each([
    ['EC2 instance (Trojan DNS)', instanceDns, 'Blackholed domain', ['i-99999999'], undefined],
    ['EKS cluster', eksAnonymous, 'anonymous user', ['GeneratedFindingEKSClusterName'], 'block_ip'],
    [
      'RDS instance',
      rdsLogin,
      'Unusual successful login',
      ['GeneratedFindingDBInstanceId', 'GeneratedFindingUserName'],
      'block_ip',
    ],
    ['runtime container on its host', runtimeContainer, 'docker socket', ['i-abcd1234', 'Host instance'], undefined],
    ['S3 bucket', s3MaliciousCaller, 'known malicious IP', ['bucketName'], 'block_ip'],
    [
      'IAM access key',
      accessKeyTor,
      'Tor exit node',
      ['GeneratedFindingAccessKeyId', 'GeneratedFindingUserName'],
      undefined,
    ],
  ])(
    'GuardDuty %s: the card names the resource, never the finding ARN in its place',
    async (_, finding, needle, ids, action) => {
      await send(guardDutyEvent(finding!));
      const shown = textOf(await card(needle));
      for (const id of ids) expect(shown).toContain(id);
      expect(shown).toContain(finding!.accountId);
      expect(shown).toContain(finding!.region);
      expect(shown).not.toContain(`*Resource*\n${finding!.arn}`);
      if (action) expect(shown).toContain(action);
    },
  );

  it('a sample finding on a bucket that is not public: marked a sample, proposes blocking the caller, and sends nothing when approved', async () => {
    // Another finding id than the one above (the same id again would update that incident).
    const finding = { ...copy(s3MaliciousCaller!), id: 's3-sample-1', title: 'Sample S3 caller s3-sample-1' };
    const [arn] = await send(guardDutyEvent(finding));
    const shown = await card('s3-sample-1');
    const { id, execution } = await approve(shown, arn!);

    expect(textOf(shown)).toContain('sample finding: no action will run');
    expect(textOf(shown)).toContain('block_ip');
    expect(textOf(shown)).not.toContain('block_public_access');
    expect(execution.output.actionResult).toMatchObject({ operation: 'execute', status: 'skipped' });
    expect(await commandsFor(id)).toEqual([]);
  });

  it('a real (not sample) runtime finding, high: approving isolates the host instance through the executors', async () => {
    // The runtime container finding as published (no sample flag), rated high for this test.
    const finding = { ...copy(runtimeContainer!), id: 'runtime-high-1', title: 'runtime-high-1', severity: 8 };
    const [arn] = await send(guardDutyEvent(finding));
    const shown = await card('runtime-high-1');
    const { id, execution } = await approve(shown, arn!);

    expect(execution.output.actionResult).toMatchObject({ operation: 'execute', status: 'executed' });
    expect(await commandsFor(id)).toEqual([
      expect.objectContaining({
        operation: 'execute',
        action: { type: 'isolate_instance', target: 'i-abcd1234', reversible: true },
      }),
    ]);
  });

  it('a partial finding (no account, no region) is carded with the envelope’s account and region', async () => {
    const partial = copy(runtimeContainer!);
    partial.id = 'runtime-partial-1';
    partial.title = 'runtime-partial-1';
    delete partial.accountId;
    delete partial.region;
    await send(guardDutyEvent(partial, { account: '111122223333', region: 'eu-central-1' }));
    const shown = textOf(await card('runtime-partial-1'));
    expect(shown).toContain('111122223333');
    expect(shown).toContain('eu-central-1');
    expect(shown).toContain('i-abcd1234');
  });

  it('a configuration control (CIS 1.22 on an IAM policy): an investigation request, no action, nothing sent', async () => {
    const [arn] = await send(cisControl);
    const shown = await card('AdminAccessCustom');
    const { id, execution } = await approve(shown, arn!);

    expect(textOf(shown)).toContain('Investigation requested');
    expect(textOf(shown)).not.toMatch(/isolate|dry run/i);
    expect(execution.output.actionResult).toMatchObject({ status: 'skipped' });
    expect(await commandsFor(id)).toEqual([]);
  });

  it('a Security Hub finding without Region shows the envelope’s region', async () => {
    const event = copy(cisControl);
    event.region = 'ap-southeast-2';
    event.detail.findings[0].Id = 'cis-no-region-1';
    delete event.detail.findings[0].Resources[0].Region;
    await send(event);
    expect(textOf(await card('cis-no-region-1'))).toContain('ap-southeast-2');
  });

  it('a custom action with two findings: each its own incident and card', async () => {
    const info = (await h.json<{ customActionArn: string }>('GET', '/sandbox/info')).body;
    const event = copy(customAction);
    event.resources = [info.customActionArn];
    event.detail.findings.push(copy(cisControl.detail.findings[0]));
    event.detail.findings[1].Id = 'cis-custom-action-1';

    const arns = await send(event);
    const prowler = await card('extra759');
    const cis = await card('cis-custom-action-1');

    expect(arns).toHaveLength(1);
    expect(incidentIdOf(prowler)).not.toBe(incidentIdOf(cis));
    // Prowler's secret-in-variables check is a configuration finding: investigated, not throttled.
    expect(textOf(prowler)).toContain('Investigation requested');
    // Another custom action in the account is not chainsec's.
    const other = { ...copy(customAction), resources: ['arn:aws:securityhub:us-east-1:000000000000:action/custom/x'] };
    expect(await send(other)).toEqual([]);
  });

  it('an OCSF finding on an instance (CloudFormation-style type) proposes isolating that instance', async () => {
    // Shaped as the Security Hub user guide's OCSF events (no captured public sample was found).
    const uid = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0ocsf00000000001';
    await send(
      securityHubImportedV2([
        ocsfFinding({
          finding_info: {
            uid: 'ocsf-instance-1',
            title: 'Process communicating with a crypto mining pool',
            types: ['TTPs/Impact'],
          },
          resources: [{ type: 'AWS::EC2::Instance', uid, region: 'us-east-1' }],
        }),
      ]),
    );
    const shown = textOf(await card('crypto mining pool'));
    expect(shown).toContain(uid);
    expect(shown).toContain('isolate_instance');
    expect(shown).toContain('i-0ocsf00000000001');
  });

  it('an ASFF finding on an EC2 instance with the IMDSv2 control proposes requiring IMDSv2, never isolation', async () => {
    await send({
      ...copy(cisControl),
      detail: {
        findings: [
          asffFinding({
            Id: 'ec2-8-1',
            Title: 'ec2-8-1 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
            Severity: { Label: 'HIGH' },
            Types: ['Software and Configuration Checks/AWS Security Best Practices'],
            Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.8' },
            Resources: [
              { Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0imds00000000001' },
            ],
          }),
        ],
      },
    });
    const shown = textOf(await card('ec2-8-1'));
    expect(shown).toContain('require_imdsv2');
    expect(shown).not.toContain('isolate_instance');
  });
});
