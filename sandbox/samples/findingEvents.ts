/**
 * Detector events as EventBridge delivers them, shaped like the published
 * samples (GuardDuty user guide "finding format" and sample findings; Security
 * Hub user guide "EventBridge event formats", ASFF and OCSF). Each builder
 * takes overrides of the finding so a test changes only what it is about.
 */

import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

function envelope(source: string, detailType: string, detail: unknown): Json {
  return {
    version: '0',
    id: 'c8c4daa7-a20c-2f03-0070-b7393dd542ad',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2026-11-30T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** `UnauthorizedAccess:EC2/SSHBruteForce` (an EC2 instance, severity 2 as GuardDuty rates it for a target). */
export function guardDutySshBruteForce(over: Json = {}, service: Json = {}): Json {
  return envelope('aws.guardduty', 'GuardDuty Finding', {
    schemaVersion: '2.0',
    accountId: '123456789012',
    region: 'us-east-1',
    partition: 'aws',
    id: '16afba5c5c43e07c9e3e5e2e544e95df',
    arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/16afba5c5c43e07c9e3e5e2e544e95df',
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    resource: {
      resourceType: 'Instance',
      instanceDetails: {
        instanceId: 'i-99999999',
        instanceType: 'm3.xlarge',
        networkInterfaces: [
          {
            securityGroups: [{ groupId: 'GeneratedFindingSecurityId', groupName: 'GeneratedFindingSecurityGroupName' }],
          },
        ],
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: '123456789012',
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          remoteIpDetails: { ipAddressV4: '198.51.100.0', country: { countryName: 'GeneratedFindingCountryName' } },
          remotePortDetails: { port: 32794, portName: 'Unknown' },
          localPortDetails: { port: 22, portName: 'SSH' },
          protocol: 'TCP',
          blocked: false,
        },
      },
      resourceRole: 'TARGET',
      additionalInfo: { sample: true },
      eventFirstSeen: '2026-11-30T11:00:00.000Z',
      eventLastSeen: '2026-11-30T11:55:00.000Z',
      archived: false,
      count: 1,
      ...service,
    },
    severity: 2,
    createdAt: '2026-11-30T11:00:00.000Z',
    updatedAt: '2026-11-30T11:55:00.000Z',
    title: '198.51.100.0 is performing SSH brute force attacks against i-99999999.',
    description:
      '198.51.100.0 is performing SSH brute force attacks against i-99999999. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.',
    ...over,
  });
}

/** `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` (an access key, severity 8 high). */
export function guardDutyCredentialExfiltration(over: Json = {}, service: Json = {}): Json {
  return envelope('aws.guardduty', 'GuardDuty Finding', {
    schemaVersion: '2.0',
    accountId: '123456789012',
    region: 'us-east-1',
    partition: 'aws',
    id: 'a2b6c9d1e3f4a5b6c7d8e9f0a1b2c3d4',
    arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/a2b6c9d1e3f4a5b6c7d8e9f0a1b2c3d4',
    type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    resource: {
      resourceType: 'AccessKey',
      accessKeyDetails: {
        accessKeyId: 'ASIASZ4SI7REEEXAMPLE',
        principalId: 'AROAEXAMPLE:i-99999999',
        userType: 'AssumedRole',
        userName: 'GeneratedFindingUserName',
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: '123456789012',
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'ListBuckets',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: { ipAddressV4: '203.0.113.7', country: { countryName: 'GeneratedFindingCountryName' } },
        },
      },
      resourceRole: 'TARGET',
      additionalInfo: {},
      eventFirstSeen: '2026-11-30T10:00:00.000Z',
      eventLastSeen: '2026-11-30T10:05:00.000Z',
      archived: false,
      count: 1,
      ...service,
    },
    severity: 8,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T10:05:00.000Z',
    title: 'Credentials for instance role GeneratedFindingUserName used from external IP address.',
    description:
      'Credentials created exclusively for an EC2 instance using instance role GeneratedFindingUserName have been used from external IP address 203.0.113.7.',
    ...over,
  });
}

/** One ASFF finding (the shape of GuardDuty's findings as Security Hub imports them). */
export function asffFinding(over: Json = {}): Json {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/5ec2a7e1f0a84f3e',
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    ProductName: 'GuardDuty',
    GeneratorId: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012',
    AwsAccountId: '123456789012',
    Region: 'us-east-1',
    Types: ['TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce'],
    FirstObservedAt: '2026-11-30T11:00:00.000Z',
    LastObservedAt: '2026-11-30T11:55:00.000Z',
    CreatedAt: '2026-11-30T11:00:00.000Z',
    UpdatedAt: '2026-11-30T11:55:00.000Z',
    Severity: { Label: 'HIGH', Normalized: 70, Product: 8 },
    Title: 'EC2 instance i-0abcd1234ef567890 is being probed on port 22',
    Description: 'An EC2 instance is being brute-forced over SSH.',
    Resources: [
      {
        Type: 'AwsEc2Instance',
        Id: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abcd1234ef567890',
        Partition: 'aws',
        Region: 'us-east-1',
      },
    ],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    ...over,
  };
}

/** `Security Hub Findings - Imported` carrying the given ASFF findings. */
export function securityHubImported(findings: unknown[]): Json {
  return envelope('aws.securityhub', 'Security Hub Findings - Imported', { findings });
}

/** One OCSF Detection Finding (class_uid 2004) as `Findings Imported V2` sends it. */
export function ocsfFinding(over: Json = {}): Json {
  return {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    severity_id: 4,
    severity: 'High',
    status_id: 1,
    status: 'New',
    time: 1764502500000,
    time_dt: '2026-11-30T11:35:00.000Z',
    finding_info: {
      uid: 'arn:aws:securityhub:us-east-1:123456789012:finding/7f3c2b1a',
      title: 'S3 bucket example-bucket allows public read',
      desc: 'The bucket policy grants s3:GetObject to everyone.',
      types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
      first_seen_time_dt: '2026-11-30T11:00:00.000Z',
      last_seen_time_dt: '2026-11-30T11:35:00.000Z',
    },
    metadata: { product: { name: 'Security Hub', vendor_name: 'AWS' }, version: '1.1.0' },
    cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '123456789012', type: 'AWS Account' } },
    resources: [{ type: 'AwsS3Bucket', uid: 'arn:aws:s3:::example-bucket', region: 'us-east-1' }],
    ...over,
  };
}

/** `Findings Imported V2` carrying the given OCSF findings. */
export function securityHubImportedV2(findings: unknown[]): Json {
  return envelope('aws.securityhub', 'Findings Imported V2', { findings });
}

/** One sample the sandbox page offers (`GET /sandbox/samples/findings`): a label and the EventBridge event. */
export interface FindingSample {
  id: string;
  label: string;
  event: Json;
}

/**
 * The sandbox page's GuardDuty and Security Hub samples, each with a fresh
 * finding id (so each send is a new incident, not a re-emitted finding), at
 * severities the template's rules let through (medium and above).
 */
export function findingSamples(): FindingSample[] {
  const hex = () => randomBytes(16).toString('hex');
  const gd = (id: string) => ({
    id,
    arn: `arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/${id}`,
  });
  const sshId = hex();
  const keyId = hex();
  const criticalId = hex();
  return [
    {
      id: 'guardduty-medium',
      label: 'GuardDuty · SSH brute force (severity 5, medium)',
      event: guardDutySshBruteForce({ ...gd(sshId), severity: 5 }),
    },
    {
      id: 'guardduty-high',
      label: 'GuardDuty · access key used outside AWS (severity 8, high)',
      event: guardDutyCredentialExfiltration(gd(keyId)),
    },
    {
      id: 'guardduty-critical',
      label: 'GuardDuty · access key used outside AWS (severity 9.5, critical)',
      event: guardDutyCredentialExfiltration({ ...gd(criticalId), severity: 9.5 }),
    },
    {
      id: 'securityhub-asff',
      label: 'Security Hub · ASFF finding (HIGH)',
      event: securityHubImported([
        asffFinding({ Id: `arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/${hex()}` }),
      ]),
    },
    {
      id: 'securityhub-ocsf',
      label: 'Security Hub · OCSF finding (High)',
      event: securityHubImportedV2([
        ocsfFinding({
          finding_info: {
            ...(ocsfFinding().finding_info as Json),
            uid: `arn:aws:securityhub:us-east-1:123456789012:finding/${hex()}`,
          },
        }),
      ]),
    },
  ];
}
