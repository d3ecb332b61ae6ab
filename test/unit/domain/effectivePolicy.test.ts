import { decidingPolicy, effectivePolicy, isOnCallFor, type PolicySources } from '../../../src/domain/effectivePolicy';
import { defaultApprovalPolicy } from '../../../src/domain/policy';
import { parseRoutes } from '../../../src/domain/routes';
import type { Incident } from '../../../src/domain/incident';

const onchain = (tier: 'medium' | 'high' | 'critical', protocol = 'curve'): Incident =>
  ({
    id: 'INC-0000000000',
    kind: 'onchain',
    tier,
    observedAt: '2026-12-01T00:00:00.000Z',
    title: 't',
    onchain: { txHash: '0x1', amountUsd: 1, protocol, anomalyScore: 0.9 },
  }) as Incident;

function sources(routes = ''): PolicySources {
  return {
    policy: defaultApprovalPolicy({ approverUserIds: ['U0A', 'U0B'], approvalsChannel: 'C0APPROVALS' }),
    routes: parseRoutes(routes),
    approvalsChannel: 'C0APPROVALS',
    onCall: [
      { start: '2026-01-01T00:00:00Z', primary: 'U0ON1', secondary: 'U0ON2' },
      { start: '2026-12-01T12:00:00Z', primary: 'U0ON3', secondary: 'U0ON4' },
    ],
  };
}

const ROUTES = JSON.stringify([
  {
    name: 'crit',
    channel: 'C0CRITICAL',
    match: { tier: ['critical'] },
    approverUserIds: ['U0R1', 'U0R2'],
    onCallUserId: 'U0RONCALL',
  },
  { channel: 'C0AAVE', match: { protocol: ['aave'] }, allowAppHome: true },
]);
const MORNING = new Date('2026-12-01T09:00:00Z');

describe('Function: effectivePolicy', () => {
  it('the default route: the tier rules as configured, named default:<tier>, the on-call as of arrival', () => {
    // Act
    const p = effectivePolicy(sources(), onchain('critical'), 'critical', MORNING);

    // Assess
    expect(p).toMatchObject({
      rule: 'default:critical',
      approvalsNeeded: 2,
      approverUserIds: ['U0A', 'U0B'],
      decisionChannels: ['C0APPROVALS'],
      allowAppHome: true,
      onTimeout: 'rollback',
      channel: 'C0APPROVALS',
      fallbackChannel: 'C0APPROVALS',
      onCall: { primary: 'U0ON1', secondary: 'U0ON2' },
    });
    expect(p.route).toBeUndefined();
  });

  it('a route: its channel only (no App Home unless it says so), its approvers, its on-call first', () => {
    // Act
    const crit = effectivePolicy(sources(ROUTES), onchain('critical'), 'critical', MORNING);
    const aave = effectivePolicy(sources(ROUTES), onchain('high', 'aave'), 'high', MORNING);

    // Assess
    expect(crit).toMatchObject({
      rule: 'route:crit:critical',
      route: 'crit',
      approverUserIds: ['U0R1', 'U0R2'],
      decisionChannels: ['C0CRITICAL'],
      allowAppHome: false,
      channel: 'C0CRITICAL',
      onCall: { primary: 'U0RONCALL', secondary: 'U0ON2' },
    });
    expect(aave).toMatchObject({ rule: 'route:C0AAVE:high', allowAppHome: true, approverUserIds: ['U0A', 'U0B'] });
  });

  it('low and medium decide nothing and fall back to deny, with high’s people', () => {
    // Act
    const p = effectivePolicy(sources(ROUTES), onchain('medium'), 'medium', MORNING);

    // Assess
    expect(p).toMatchObject({ rule: 'default:medium', approvalsNeeded: 0, onTimeout: 'deny' });
    expect(p.approverUserIds).toEqual(['U0A', 'U0B']);
  });

  it('is a value: changing the configuration afterwards changes nothing in it', () => {
    // Prepare
    const s = sources();
    const p = effectivePolicy(s, onchain('critical'), 'critical', MORNING);

    // Act
    s.policy.critical.approvalsNeeded = 1;
    (s.policy.critical.approverUserIds as string[]).push('U0EVIL');

    // Assess
    expect(p.approvalsNeeded).toBe(2);
    expect(p.approverUserIds).toEqual(['U0A', 'U0B']);
  });
});

describe('Function: decidingPolicy', () => {
  it('a routed card that fell back to the default channel is decided there, still by the route approvers', () => {
    // Prepare
    const p = effectivePolicy(sources(ROUTES), onchain('critical'), 'critical', MORNING);

    // Act
    const fellBack = decidingPolicy(p, 'C0APPROVALS');
    const inPlace = decidingPolicy(p, 'C0CRITICAL');

    // Assess
    expect(fellBack.decisionChannels).toEqual(['C0APPROVALS']);
    expect(fellBack.approverUserIds).toEqual(['U0R1', 'U0R2']);
    expect(inPlace).toBe(p);
  });
});

describe('Function: isOnCallFor', () => {
  it('the people on call for the incident when it arrived', () => {
    const p = effectivePolicy(sources(ROUTES), onchain('critical'), 'critical', MORNING);
    expect(['U0RONCALL', 'U0ON2', 'U0ON1', 'U0ON3'].map((u) => isOnCallFor(p, u))).toEqual([true, true, false, false]);
  });
});
