import { policyFor, routeReach, routesFor, unreachableRoutes } from '../../../src/app/routing';
import { parseRoutes } from '../../../src/domain/routes';
import { APPROVALS, fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { approvalRecord } from '../../support/records';

const ROUTES = JSON.stringify([
  { name: 'critical', channel: 'C0CRITICAL', match: { tier: ['critical'] }, approverUserIds: ['U0APPROVER1'] },
  { channel: 'C0AAVE', match: { protocol: ['aave'] } },
  { name: 'also critical', channel: 'C0CRITICAL', match: { source: ['guardduty'] } },
]);

function routed() {
  const f = fakeAppDeps();
  f.deps.config = { ...f.deps.config, routes: parseRoutes(ROUTES) };
  return f;
}

describe('Function: policyFor', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it("is decided in the route's channel, or in the default one when the card fell back there", () => {
    // Prepare
    const f = routed();
    const inRoute = {
      ...approvalRecord(now, { channel: 'C0CRITICAL', ts: '1.1' }, 'critical'),
      tier: 'critical' as const,
    };
    const fellBack = { ...inRoute, channel: APPROVALS };
    const notPosted = approvalRecord(now, {}, 'critical');

    // Act
    const policies = [inRoute, fellBack, { ...notPosted, tier: 'critical' as const }].map((r) => policyFor(f.deps, r));

    // Assess
    expect(policies.map((p) => p.decisionChannels)).toEqual([['C0CRITICAL'], [APPROVALS], ['C0CRITICAL']]);
    expect(policies.map((p) => p.approverUserIds)).toEqual([['U0APPROVER1'], ['U0APPROVER1'], ['U0APPROVER1']]);
  });
});

describe('Function: routesFor', () => {
  it('lists the routes a user may decide in, the default last, with their own approvers when they name any', () => {
    // Prepare
    const f = routed();

    // Act
    const mine = routesFor(f.deps, 'U0APPROVER1', []);
    const theirs = routesFor(f.deps, 'U0APPROVER3', []);
    const none = routesFor(fakeAppDeps().deps, 'U0APPROVER1', []);

    // Assess
    expect(mine).toEqual([
      { channel: 'C0CRITICAL', match: 'critical: tier critical', approvers: ['U0APPROVER1'], pending: 0 },
      { channel: 'C0AAVE', match: 'protocol aave', pending: 0 },
      { channel: 'C0CRITICAL', match: 'also critical: source guardduty', pending: 0 },
      { channel: APPROVALS, match: 'everything else', pending: 0 },
    ]);
    expect(theirs.map((r) => r.channel)).toEqual(['C0AAVE', 'C0CRITICAL', APPROVALS]);
    expect(none).toEqual([]);
  });
});

describe('Function: routeReach / unreachableRoutes', () => {
  it('asks once per route channel, never about the default one, and names the routes to each', async () => {
    // Prepare
    const f = routed();
    f.deps.config = {
      ...f.deps.config,
      routes: [...f.deps.config.routes, ...parseRoutes(`[{"channel":"${APPROVALS}","match":{"tier":["high"]}}]`)],
    };
    f.slack.botNotIn.add('C0CRITICAL');

    // Act
    const reach = await routeReach(f.deps);
    const unreachable = await unreachableRoutes(f.deps);

    // Assess
    expect(reach).toEqual([
      { channel: 'C0CRITICAL', routes: ['critical: tier critical', 'also critical: source guardduty'], member: false },
      { channel: 'C0AAVE', routes: ['protocol aave'], member: true },
    ]);
    expect(unreachable).toEqual([
      { channel: 'C0CRITICAL', routes: ['critical: tier critical', 'also critical: source guardduty'] },
    ]);
    expect(f.slack.callsOf('isBotInChannel').map((c) => c.channel)).toEqual([
      'C0CRITICAL',
      'C0AAVE',
      'C0CRITICAL',
      'C0AAVE',
    ]);
  });

  it('a failed lookup is unknown, logged, and never reported as "not a member"', async () => {
    // Prepare
    const f = routed();
    f.slack.faults.fail('isBotInChannel', new Error('missing_scope'));

    // Act
    const reach = await routeReach(f.deps);

    // Assess
    expect(reach.map((r) => [r.channel, r.member])).toEqual([
      ['C0CRITICAL', undefined],
      ['C0AAVE', true],
    ]);
    expect(f.telemetry.messages('warn')).toEqual(['could not check the bot is in a route channel']);
  });

  it('asks nothing without routes', async () => {
    // Prepare
    const f = fakeAppDeps();

    // Act
    const unreachable = await unreachableRoutes(f.deps);

    // Assess
    expect(unreachable).toEqual([]);
    expect(f.slack.calls).toEqual([]);
  });
});
