import { DEFAULT_FINDING_RESPONSES, findingAction } from '../../../../src/domain/sources/actions';
import type { FindingFacts } from '../../../../src/domain/sources';

const facts = (over: Partial<FindingFacts>): FindingFacts => ({
  source: 'guardduty',
  findingId: 'f-1',
  type: 't',
  account: '123456789012',
  region: 'us-east-1',
  resource: 'r',
  resourceType: 'x',
  family: 'unknown',
  count: 1,
  sample: false,
  severity: '8',
  fields: [],
  ...over,
});

describe('the response catalogue', () => {
  it.each([
    ['iam_access_key', { resource: 'AKIAEXAMPLE' }, 'deactivate_access_key', 'AKIAEXAMPLE', 'reactivate'],
    ['ec2', { resource: 'i-1' }, 'isolate_instance', 'i-1', 'security groups'],
    ['unknown', { remoteIp: '203.0.113.7' }, 'block_ip', '203.0.113.7', 'WAF IP set'],
    ['s3', { resource: 'bucket', bucketPublic: true }, 'block_public_access', 'bucket', 'public access'],
    ['container', { resource: 'i-host', host: 'i-host' }, 'isolate_instance', 'i-host', 'host'],
    ['lambda', { resource: 'fn' }, 'throttle_function', 'fn', 'concurrency'],
    ['iam_principal', { resource: 'arn:aws:iam::1:role/r' }, 'revoke_sessions', 'arn:aws:iam::1:role/r', 'deny'],
  ])('%s → its action on the target from the finding, with its way back', (family, over, type, target, undo) => {
    const p = findingAction(facts({ family, ...over }));
    expect(p.action).toEqual({ type, target, reversible: true });
    expect(p.undo).toContain(undo);
  });

  it('a configuration control on an instance proposes its remediation, never isolation', () => {
    const imds = findingAction(
      facts({ source: 'securityhub-asff', family: 'ec2', resource: 'i-1', controlId: 'EC2.8' }),
    );
    const other = findingAction(
      facts({ source: 'securityhub-asff', family: 'ec2', resource: 'i-1', controlId: 'EC2.19' }),
    );
    const check = findingAction(
      facts({
        source: 'securityhub-asff',
        family: 'ec2',
        resource: 'i-1',
        type: 'Software and Configuration Checks/AWS Security Best Practices',
      }),
    );
    expect(imds.action).toEqual({ type: 'require_imdsv2', target: 'i-1', reversible: true });
    expect(other.action.type).toBe('investigate');
    expect(check.action.type).toBe('investigate');
  });

  it('an S3 finding about a malicious caller on a bucket that is not public blocks the caller, not public access', () => {
    const p = findingAction(facts({ family: 's3', resource: 'b', bucketPublic: false, remoteIp: '198.51.100.9' }));
    expect(p.action).toEqual({ type: 'block_ip', target: '198.51.100.9', reversible: true });
    expect(findingAction(facts({ family: 's3', resource: 'b', bucketPublic: false })).action.type).toBe('investigate');
  });

  it('an entry whose target the finding lacks does not match; nothing matching is "investigate" on the finding', () => {
    expect(findingAction(facts({ family: 'container', resource: 'c-1' })).action.type).toBe('investigate');
    expect(findingAction(facts({ family: 'eks' }))).toEqual({
      action: { type: 'investigate', target: 'f-1', reversible: true },
    });
  });

  it('operator entries come first: the first match wins', () => {
    const p = findingAction(facts({ family: 'eks', resource: 'prod', type: 'Discovery:Kubernetes/TorIPCaller' }), [
      {
        name: 'cordon',
        when: { type: ['*:Kubernetes/*'] },
        action: 'cordon_cluster',
        target: 'resource',
        reversible: false,
        undo: 'uncordoning is manual',
      },
      ...DEFAULT_FINDING_RESPONSES,
    ]);
    expect(p).toEqual({
      action: { type: 'cordon_cluster', target: 'prod', reversible: false },
      undo: 'uncordoning is manual',
      entry: 'cordon',
    });
  });

  it('every entry is reversible or says why not, and ends with a catch-all', () => {
    for (const e of DEFAULT_FINDING_RESPONSES) expect(e.undo.length).toBeGreaterThan(5);
    expect(DEFAULT_FINDING_RESPONSES.at(-1)).toMatchObject({ when: {}, action: 'investigate' });
  });
});
