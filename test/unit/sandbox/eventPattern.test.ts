import { eventMatches } from '../../../sandbox/local/eventPattern';

describe('eventMatches', () => {
  const finding = {
    source: 'aws.guardduty',
    'detail-type': 'GuardDuty Finding',
    detail: { severity: 5.3, type: 'UnauthorizedAccess:EC2/SSHBruteForce', service: { archived: false } },
  };

  it('matches exact values and nested fields', () => {
    expect(eventMatches({ source: ['aws.guardduty'], detail: { service: { archived: [false] } } }, finding)).toBe(true);
    expect(eventMatches({ source: ['aws.securityhub'] }, finding)).toBe(false);
    expect(eventMatches({ detail: { service: { archived: [true] } } }, finding)).toBe(false);
  });

  it('matches numeric ranges, including both ends', () => {
    expect(eventMatches({ detail: { severity: [{ numeric: ['>=', 4] }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { severity: [{ numeric: ['>=', 5.3] }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { severity: [{ numeric: ['>', 5.3] }] } }, finding)).toBe(false);
    expect(eventMatches({ detail: { severity: [{ numeric: ['>=', 4, '<', 7] }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { severity: [{ numeric: ['>=', 7, '<', 9] }] } }, finding)).toBe(false);
    // A string is not a number.
    expect(eventMatches({ detail: { severity: [{ numeric: ['>=', 4] }] } }, { detail: { severity: '5' } })).toBe(false);
  });

  it('matches prefix, suffix, anything-but and exists', () => {
    expect(eventMatches({ detail: { type: [{ prefix: 'UnauthorizedAccess:' }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { type: [{ suffix: 'BruteForce' }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { type: [{ prefix: 'Recon:' }] } }, finding)).toBe(false);
    expect(eventMatches({ source: [{ 'anything-but': ['aws.guardduty'] }] }, finding)).toBe(false);
    expect(eventMatches({ source: [{ 'anything-but': 'aws.securityhub' }] }, finding)).toBe(true);
    expect(eventMatches({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, finding)).toBe(false);
    expect(eventMatches({ detail: { region: [{ exists: false }] } }, finding)).toBe(true);
    expect(eventMatches({ detail: { region: [{ exists: true }] } }, finding)).toBe(false);
    expect(eventMatches({ detail: { severity: [{ exists: true }] } }, finding)).toBe(true);
  });

  it('matches when any element of an array (of values or of objects) matches', () => {
    const hub = {
      detail: {
        findings: [
          { Severity: { Label: 'LOW' }, RecordState: 'ACTIVE' },
          { Severity: { Label: 'HIGH' }, RecordState: 'ACTIVE' },
        ],
      },
    };
    expect(eventMatches({ detail: { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] } } } }, hub)).toBe(true);
    expect(eventMatches({ detail: { findings: { Severity: { Label: ['CRITICAL'] } } } }, hub)).toBe(false);
    expect(eventMatches({ resources: ['arn:b'] }, { resources: ['arn:a', 'arn:b'] })).toBe(true);
  });

  it('a missing field fails a value matcher', () => {
    expect(eventMatches({ detail: { severity: [4] } }, { source: 'x' })).toBe(false);
    expect(eventMatches({ source: ['x'] }, null)).toBe(false);
  });

  it('refuses an operator it does not implement instead of guessing', () => {
    expect(() => eventMatches({ source: [{ wildcard: 'aws.*' }] }, finding)).toThrow(/not supported/);
  });
});
