import {
  readFindings,
  DEFAULT_FINDING_TIERS,
  isFindingEnvelope,
  type FindingOutcome,
} from '../../../../src/domain/sources';
import {
  asffFinding,
  ocsfFinding,
  securityHubImported,
  securityHubImportedV2,
} from '../../../../sandbox/samples/findingEvents';
import type { EventEnvelope } from '../../../../src/domain/sources/types';

const read = (e: Record<string, unknown>) => readFindings(e as unknown as EventEnvelope, DEFAULT_FINDING_TIERS);
const only = (os: FindingOutcome[]) => {
  const [o] = os;
  if (os.length !== 1 || o?.kind !== 'finding') throw new Error(`expected one finding, got ${JSON.stringify(os)}`);
  return o;
};

describe('Security Hub sources (ASFF and OCSF)', () => {
  it.each([
    {
      format:
        'ASFF: shows title, account, region and the resource; keys on account, region, product and Id; proposes on the instance id',
      event: () => securityHubImported([asffFinding()]),
      naturalKey:
        'securityhub:["123456789012","us-east-1","arn:aws:securityhub:us-east-1::product/aws/guardduty",' +
        '"arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/5ec2a7e1f0a84f3e"]',
      title: 'Security Hub: EC2 instance i-0abcd1234ef567890 is being probed on port 22',
      facts: { family: 'ec2', resource: 'i-0abcd1234ef567890', account: '123456789012', region: 'us-east-1' },
      labels: ['Title', 'Severity', 'Product', 'Account', 'Region', 'AwsEc2Instance', 'First seen', 'Last seen'],
    },
    {
      format: 'OCSF: reads finding_info, cloud and resources; proposes on the bucket; the card shows the last sighting',
      event: () => securityHubImportedV2([ocsfFinding()]),
      naturalKey:
        'securityhub-ocsf:["123456789012","us-east-1","Security Hub",' +
        '"arn:aws:securityhub:us-east-1:123456789012:finding/7f3c2b1a"]',
      title: 'Security Hub: S3 bucket example-bucket allows public read',
      facts: { family: 's3', resource: 'example-bucket', account: '123456789012', severity: 'High' },
      labels: ['Title', 'Severity', 'Product', 'Account', 'Region', 'AwsS3Bucket', 'Last seen'],
    },
  ])('$format', ({ event, naturalKey, title, facts, labels }) => {
    const o = only(read(event()));
    expect(o.naturalKey).toBe(naturalKey);
    expect(o.title).toBe(title);
    expect(o.facts).toMatchObject(facts);
    expect(o.facts.fields.map((f) => f.label)).toEqual(labels);
  });
});

describe('Finding identity: account, region and product are part of the key', () => {
  /** Findings shaped as Trivy's ASFF template writes them (aquasecurity/trivy, contrib/asff.tpl): `Id` is `<target>/<CVE>`, the same in every account. */
  const trivy = (over: Record<string, unknown>) =>
    asffFinding({
      Id: 'golang:1.12-alpine (alpine 3.10.2)/CVE-2019-14697',
      ProductArn: 'arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity',
      Resources: [
        { Type: 'Container', Id: 'golang:1.12-alpine (alpine 3.10.2)', Partition: 'aws', Region: 'us-east-1' },
      ],
      ...over,
    });
  const keyOf = (e: Record<string, unknown>) => only(read(e)).naturalKey;

  it.each([
    ['account', { AwsAccountId: '210987654321' }],
    ['region', { Region: 'eu-west-1' }],
    ['product', { ProductArn: 'arn:aws:securityhub:us-east-1::product/other/scanner' }],
  ])('ASFF: one Id in another %s is another finding', (_what, over) => {
    expect(keyOf(securityHubImported([trivy(over)]))).not.toBe(keyOf(securityHubImported([trivy({})])));
  });

  it.each([
    ['account', { cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '210987654321' } } }],
    ['region', { cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: '123456789012' } } }],
    ['product', { metadata: { product: { uid: 'arn:aws:securityhub:us-east-1::productv2/aws/inspector' } } }],
  ])('OCSF: one finding_info.uid in another %s is another finding', (_what, over) => {
    expect(keyOf(securityHubImportedV2([ocsfFinding(over)]))).not.toBe(keyOf(securityHubImportedV2([ocsfFinding()])));
  });

  it('no value can pass for another split of the parts (colons in an account or Id)', () => {
    const a = keyOf(securityHubImported([trivy({ AwsAccountId: '1:2', Id: 'x' })]));
    const b = keyOf(securityHubImported([trivy({ AwsAccountId: '1', Id: '2:x' })]));
    expect(a).not.toBe(b);
  });
});

describe('Security Hub ASFF source', () => {
  it.each([
    ['INFORMATIONAL', 'low'],
    ['LOW', 'low'],
    ['MEDIUM', 'medium'],
    ['HIGH', 'high'],
    ['CRITICAL', 'critical'],
  ])('Severity.Label %s is %s', (Label, tier) => {
    expect(only(read(securityHubImported([asffFinding({ Severity: { Label } })]))).tier).toBe(tier);
  });

  it.each([
    [{ Workflow: { Status: 'RESOLVED' } }, 'FindingsIgnored_resolved'],
    [{ Workflow: { Status: 'SUPPRESSED' } }, 'FindingsIgnored_suppressed'],
    [{ RecordState: 'ARCHIVED' }, 'FindingsIgnored_archived'],
  ])('%j wakes nobody', (over, metric) => {
    expect(read(securityHubImported([asffFinding(over)]))).toEqual([
      expect.objectContaining({ kind: 'ignored', metric }),
    ]);
  });

  it('one bad finding never drops the others; the error names the field', () => {
    const os = read(
      securityHubImported([
        asffFinding({ Id: 'a' }),
        asffFinding({ Id: 'b', Severity: { Label: 'SEVERE' } }),
        asffFinding({ Id: 'c', AwsAccountId: 42 }),
        'not a finding',
        asffFinding({ Id: 'd', Severity: { Label: 'CRITICAL' } }),
      ]),
    );
    expect(os.map((o) => o.kind)).toEqual(['finding', 'rejected', 'rejected', 'rejected', 'finding']);
    expect(os[1]).toMatchObject({ message: expect.stringContaining('detail.findings[1].Severity.Label') });
    expect(os[2]).toMatchObject({ message: expect.stringContaining('detail.findings[2].AwsAccountId') });
    expect(os[3]).toMatchObject({ message: expect.stringContaining('detail.findings[3]') });
  });

  it('an event without findings is rejected naming detail.findings', () => {
    expect(read(securityHubImported([]))).toEqual([
      expect.objectContaining({ kind: 'rejected', message: expect.stringContaining('detail.findings') }),
    ]);
  });

  it('a detail-type of a known source that no module reads is ignored, not rejected', () => {
    const custom = { ...securityHubImported([asffFinding()]), 'detail-type': 'Security Hub Insight Results' };
    expect(isFindingEnvelope(custom)).toBe(true);
    expect(read(custom)).toEqual([expect.objectContaining({ kind: 'ignored', metric: 'FindingsIgnored_detailType' })]);
  });

  it('events from other sources are not finding envelopes', () => {
    expect(isFindingEnvelope({ ...securityHubImported([]), source: 'chainsec.agent' })).toBe(false);
    expect(isFindingEnvelope({ tx_hash: '0x1' })).toBe(false);
  });
});

describe('Security Hub OCSF source', () => {
  it.each([
    [1, 'low'],
    [2, 'low'],
    [3, 'medium'],
    [4, 'high'],
    [5, 'critical'],
    [6, 'critical'],
    [0, 'medium'],
    [99, 'medium'],
  ])('severity_id %s is %s', (severity_id, tier) => {
    expect(only(read(securityHubImportedV2([ocsfFinding({ severity_id })]))).tier).toBe(tier);
  });

  it.each([
    [{ status_id: 3, status: 'Suppressed' }, 'FindingsIgnored_suppressed'],
    [{ status_id: 4, status: 'Resolved' }, 'FindingsIgnored_resolved'],
    [{ status_id: 99, status: 'Archived' }, 'FindingsIgnored_archived'],
  ])('%j wakes nobody', (over, metric) => {
    expect(read(securityHubImportedV2([ocsfFinding(over)]))).toEqual([
      expect.objectContaining({ kind: 'ignored', metric }),
    ]);
  });

  it('a wrong-typed severity_id is rejected naming it', () => {
    expect(read(securityHubImportedV2([ocsfFinding({ severity_id: 'High' })]))).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        message: expect.stringContaining('detail.findings[0].severity_id'),
        findingId: 'arn:aws:securityhub:us-east-1:123456789012:finding/7f3c2b1a',
      }),
    ]);
  });
});
