import { findingAction } from '../../../../src/domain/sources/actions';
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

describe('proposed actions for findings', () => {
  it.each([
    [
      'iam_access_key',
      { resource: 'AKIAEXAMPLE' },
      { type: 'deactivate_access_key', target: 'AKIAEXAMPLE', reversible: true },
      'reactivate',
    ],
    ['ec2', { resource: 'i-1' }, { type: 'isolate_instance', target: 'i-1', reversible: true }, 'security groups'],
    [
      'malicious_ip',
      { remoteIp: '203.0.113.7' },
      { type: 'block_ip', target: '203.0.113.7', reversible: true },
      'WAF IP set',
    ],
    [
      's3',
      { resource: 'bucket' },
      { type: 'block_public_access', target: 'bucket', reversible: true },
      'public access',
    ],
  ])('%s → its action on the target from the finding, with its rollback', (family, over, action, rollback) => {
    const p = findingAction(facts({ family, ...over }));
    expect(p.action).toEqual(action);
    expect(p.rollback).toContain(rollback);
  });

  it('an unknown family, or a known one without a target, is "investigate" (no action, no rollback)', () => {
    expect(findingAction(facts({ family: 'eks' }))).toEqual({
      action: { type: 'investigate', target: 'f-1', reversible: true },
    });
    expect(findingAction(facts({ family: 'malicious_ip' })).action.type).toBe('investigate');
  });

  it('the catalogue is configurable', () => {
    const p = findingAction(facts({ family: 'eks', resource: 'prod' }), {
      eks: { type: 'cordon_cluster', reversible: false, rollback: 'none' },
    });
    expect(p.action).toEqual({ type: 'cordon_cluster', target: 'prod', reversible: false });
  });
});
