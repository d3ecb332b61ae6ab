import { guardDutyTier, readGuardDutyFinding } from '../../../../src/domain/sources/guardduty';
import { DEFAULT_FINDING_TIERS, type FindingOutcome } from '../../../../src/domain/sources';
import { findingIncident } from '../../../../src/domain/incident';
import { guardDutyCredentialExfiltration, guardDutySshBruteForce } from '../../../../sandbox/samples/findingEvents';

const detail = (e: Record<string, unknown>) => e.detail;
const read = (e: Record<string, unknown>) => readGuardDutyFinding(detail(e), DEFAULT_FINDING_TIERS);
const finding = (o: FindingOutcome) => {
  if (o.kind !== 'finding') throw new Error(`expected a finding, got ${JSON.stringify(o)}`);
  return o;
};
const fieldsOf = (o: FindingOutcome) => Object.fromEntries(finding(o).facts.fields.map((f) => [f.label, f.value]));

describe('GuardDuty source', () => {
  it.each([
    [1.0, 'low'],
    [3.9, 'low'],
    [4.0, 'medium'],
    [6.9, 'medium'],
    [7.0, 'high'],
    [8.9, 'high'],
    [9.0, 'critical'],
    [10.0, 'critical'],
  ])('severity %s is %s (docs/SOURCES.md)', (severity, tier) => {
    expect(guardDutyTier(severity, DEFAULT_FINDING_TIERS.guardduty)).toBe(tier);
    expect(finding(read(guardDutySshBruteForce({ severity }))).tier).toBe(tier);
  });

  it('tiers are configurable', () => {
    expect(guardDutyTier(5, { critical: 9, high: 5, medium: 2 })).toBe('high');
  });

  it('an EC2 finding shows type, account, region, instance, remote IP, country, port, count and first/last seen', () => {
    const o = finding(read(guardDutySshBruteForce()));
    expect(fieldsOf(o)).toEqual({
      Type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      Severity: '2',
      Account: '123456789012',
      Region: 'us-east-1',
      Instance: 'i-99999999',
      Remote: '198.51.100.0 (GeneratedFindingCountryName) port 32794',
      Seen: '1 time, first 2026-11-30T11:00:00.000Z, last 2026-11-30T11:55:00.000Z',
    });
    expect(o.facts).toMatchObject({ family: 'ec2', resource: 'i-99999999', sample: true, remoteIp: '198.51.100.0' });
    expect(o.title).toBe(
      'SAMPLE GuardDuty UnauthorizedAccess:EC2/SSHBruteForce: 198.51.100.0 is performing SSH brute force attacks against i-99999999.',
    );
  });

  it('an access-key finding shows the access key id and the user name, from the API call remote IP', () => {
    const o = finding(read(guardDutyCredentialExfiltration()));
    expect(fieldsOf(o)).toMatchObject({
      'Access key': 'ASIASZ4SI7REEEXAMPLE',
      User: 'GeneratedFindingUserName',
      Remote: '203.0.113.7 (GeneratedFindingCountryName)',
    });
    expect(o.facts).toMatchObject({ family: 'iam_access_key', resource: 'ASIASZ4SI7REEEXAMPLE', sample: false });
    expect(o.title.startsWith('SAMPLE')).toBe(false);
    expect(o.tier).toBe('high');
  });

  it('S3, EKS and other resource types name the bucket, the cluster or the ARN', () => {
    const s3 = read(
      guardDutySshBruteForce({
        resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ name: 'b1' }, { name: 'b2' }] },
      }),
    );
    expect(fieldsOf(s3).Bucket).toBe('b1, b2');
    expect(finding(s3).facts.family).toBe('s3');
    const eks = read(
      guardDutySshBruteForce({ resource: { resourceType: 'EKSCluster', eksClusterDetails: { name: 'prod' } } }),
    );
    expect(fieldsOf(eks)['EKS cluster']).toBe('prod');
    // A Lambda finding without its details names nothing else: the finding's ARN, marked unknown.
    const other = read(guardDutySshBruteForce({ resource: { resourceType: 'Lambda' } }));
    expect(fieldsOf(other).Finding).toMatch(/^arn:aws:guardduty:/);
    expect(finding(other).facts.resourceUnknown).toBe(true);
    // No resource action: the remote IP is what can be blocked.
    expect(finding(other).facts.family).toBe('malicious_ip');
  });

  it('the natural key is the finding id in its account and region: a re-emitted finding keeps its incident id', () => {
    const first = finding(read(guardDutySshBruteForce()));
    const again = finding(read(guardDutySshBruteForce({}, { count: 5, eventLastSeen: '2026-11-30T12:30:00.000Z' })));
    expect(first.naturalKey).toBe('guardduty:123456789012:us-east-1:16afba5c5c43e07c9e3e5e2e544e95df');
    expect(again.naturalKey).toBe(first.naturalKey);
    const now = new Date();
    expect(findingIncident(again, now).id).toBe(findingIncident(first, now).id);
    expect(again.facts.count).toBe(5);
  });

  it('an archived finding is ignored with a metric', () => {
    expect(read(guardDutySshBruteForce({}, { archived: true }))).toEqual({
      kind: 'ignored',
      reason: 'GuardDuty finding 16afba5c5c43e07c9e3e5e2e544e95df is archived',
      metric: 'FindingsIgnored_archived',
    });
  });

  it.each([
    [{ severity: 'high' }, 'detail.severity'],
    [{ severity: 11 }, 'detail.severity'],
    [{ id: undefined }, 'detail.id'],
    [{ accountId: 12 }, 'detail.accountId'],
  ])('a missing or wrong-typed field is rejected naming it (%j)', (over, field) => {
    const o = read(guardDutySshBruteForce(over));
    expect(o.kind).toBe('rejected');
    expect(o.kind === 'rejected' && o.message).toContain(field);
  });

  it('a long description is bounded', () => {
    const o = finding(read(guardDutySshBruteForce({ description: 'x'.repeat(300_000) })));
    expect(o.facts.description?.length).toBe(200_000);
  });
});
