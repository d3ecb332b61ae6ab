import { chooseRoute, parseRoutes, routedPolicy, routeOf } from '../../../src/domain/routes';
import { defaultApprovalPolicy } from '../../../src/domain/policy';
import { ConfigInvalidError, ErrorCode } from '../../../src/errors';

const ROUTES = JSON.stringify([
  { channel: 'C0IAM', match: { source: ['guardduty'], findingTypePrefix: 'UnauthorizedAccess:IAMUser/' } },
  { channel: 'C0CRITICAL', match: { tier: ['critical'] }, approverUserIds: ['U0APPROVER1'], onCallUserId: 'U0ONCALL2' },
  { channel: 'C0AAVE', match: { protocol: ['aave'] } },
]);

function thrown(text: string): ConfigInvalidError {
  try {
    parseRoutes(text);
  } catch (e) {
    if (e instanceof ConfigInvalidError) return e;
  }
  throw new Error('parseRoutes did not throw ConfigInvalidError');
}

describe('routes', () => {
  const routes = parseRoutes(ROUTES);

  it('first match wins, in order', () => {
    expect(
      chooseRoute(routes, { tier: 'critical', kind: 'guardduty', findingType: 'UnauthorizedAccess:IAMUser/X' })
        ?.channel,
    ).toBe('C0IAM');
    expect(chooseRoute(routes, { tier: 'critical', kind: 'onchain', protocol: 'aave' })?.channel).toBe('C0CRITICAL');
    expect(chooseRoute(routes, { tier: 'high', kind: 'onchain', protocol: 'aave' })?.channel).toBe('C0AAVE');
  });

  it('no match is the default route; a prefix must be a prefix', () => {
    expect(
      chooseRoute(routes, {
        tier: 'high',
        kind: 'guardduty',
        findingType: 'Recon:IAMUser/UnauthorizedAccess:IAMUser/',
      }),
    ).toBeUndefined();
    expect(chooseRoute(routes, { tier: 'high', kind: 'waf' })).toBeUndefined();
    expect(chooseRoute([], { tier: 'critical', kind: 'waf' })).toBeUndefined();
  });

  it('empty is one channel', () => {
    expect(parseRoutes(undefined)).toEqual([]);
    expect(parseRoutes('  ')).toEqual([]);
  });

  it.each([
    ['[{"channel":"C0A","match":{"tier":["high"]}},{"channel":"nope","match":{"tier":["high"]}}]', 'ROUTES[1].channel'],
    ['[{"channel":"C0A","match":{"tier":["low"]}}]', 'ROUTES[0].match.tier[0]'],
    ['[{"channel":"C0A","match":{}}]', 'ROUTES[0].match'],
    ['[{"channel":"C0A","match":{"tier":["high"]},"approverUserIds":["bob"]}]', 'ROUTES[0].approverUserIds[0]'],
    ['{"channel":"C0A"}', 'ROUTES'],
    ['[', 'ROUTES'],
  ])('refuses %s naming %s', (text, field) => {
    const e = thrown(text);
    expect(e.code).toBe(ErrorCode.ConfigInvalid);
    expect(e.details['field']).toBe(field);
    expect(e.message.startsWith(field)).toBe(true);
  });
});

describe('routeOf and routedPolicy', () => {
  const routes = parseRoutes(ROUTES);
  const policy = defaultApprovalPolicy({
    approverUserIds: ['U0A', 'U0B'],
    approverUsergroupId: 'S0ALL',
    approvalsChannel: 'C0APPROVALS',
  });
  const onchain = (tier: 'medium' | 'high' | 'critical', protocol: string) =>
    ({
      id: 'INC-0000000000',
      kind: 'onchain',
      tier,
      observedAt: '2026-12-01T00:00:00.000Z',
      title: 't',
      onchain: { txHash: '0x1', amountUsd: 1, protocol, anomalyScore: 0.9 },
    }) as const;

  it('routes a decision tier by its source facts; other tiers and no match go to the default channel', () => {
    expect(routeOf(routes, 'C0APPROVALS', onchain('critical', 'curve')).channel).toBe('C0CRITICAL');
    expect(routeOf(routes, 'C0APPROVALS', onchain('high', 'aave')).channel).toBe('C0AAVE');
    expect(routeOf(routes, 'C0APPROVALS', onchain('high', 'curve'))).toEqual({ channel: 'C0APPROVALS' });
    expect(routeOf(routes, 'C0APPROVALS', onchain('medium', 'aave'))).toEqual({ channel: 'C0APPROVALS' });
  });

  it('a route narrows where a vote counts and, when it names them, who may vote', () => {
    const critical = routeOf(routes, 'C0APPROVALS', onchain('critical', 'curve')).route;
    const aave = routeOf(routes, 'C0APPROVALS', onchain('high', 'aave')).route;

    const narrowed = routedPolicy(policy.critical, critical);
    const channelOnly = routedPolicy(policy.high, aave);

    expect(narrowed.decisionChannels).toEqual(['C0CRITICAL']);
    expect(narrowed.approverUserIds).toEqual(['U0APPROVER1']);
    expect(narrowed.approverUsergroupId).toBeUndefined();
    expect(channelOnly.decisionChannels).toEqual(['C0AAVE']);
    expect(channelOnly.approverUserIds).toEqual(['U0A', 'U0B']);
    expect(channelOnly.approverUsergroupId).toBe('S0ALL');
    expect(narrowed.allowAppHome).toBe(false);
    expect(routedPolicy(policy.high, undefined)).toBe(policy.high);
  });
});
