import { alertUnreachableRoutes } from '../../../src/app/routeAlerts';
import { parseRoutes } from '../../../src/domain/routes';
import { fixedClock } from '../../../src/domain/clock';
import { APPROVALS, fakeAppDeps } from '../../support/fakes/fakeAppDeps';

const ROUTES = JSON.stringify([
  { name: 'critical', channel: 'C0CRITICAL', match: { tier: ['critical'] } },
  { channel: 'C0AAVE', match: { protocol: ['aave'] } },
]);

function routed(now = '2026-11-23T10:00:00Z') {
  const f = fakeAppDeps({ now });
  f.deps.config = { ...f.deps.config, routes: parseRoutes(ROUTES) };
  return f;
}

const alertsIn = (f: ReturnType<typeof fakeAppDeps>) =>
  f.slack.callsOf('post').filter((c) => c.message.text.includes('A route cannot be posted to'));

describe('Function: alertUnreachableRoutes', () => {
  it('alerts once in the default channel per route channel the bot is not in, across sweeps', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');

    // Act
    const first = await alertUnreachableRoutes(f.deps);
    const second = await alertUnreachableRoutes(f.deps);

    // Assess
    expect(first).toEqual(['C0CRITICAL']);
    expect(second).toEqual([]);
    const alerts = alertsIn(f);
    expect(alerts.map((c) => c.channel)).toEqual([APPROVALS]);
    expect(alerts[0]!.message.text).toContain('<#C0CRITICAL> (`C0CRITICAL`, critical: tier critical)');
    expect(alerts[0]!.message.text).toContain('its cards go to <#C0APPROVALS>');
    expect(f.telemetry.count('RouteUnreachableAlerts')).toBe(1);
    expect(f.telemetry.count('RouteChannelsUnreachable')).toBe(2);
    expect(f.telemetry.messages('error')).toEqual([
      'route channel unreachable: the bot is not in it; alerted in the default channel',
    ]);
  });

  it('two sweeps at once post one alert', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');

    // Act
    const both = await Promise.all([alertUnreachableRoutes(f.deps), alertUnreachableRoutes(f.deps)]);

    // Assess
    expect(both.flat()).toEqual(['C0CRITICAL']);
    expect(alertsIn(f)).toHaveLength(1);
  });

  it('a failed alert post gives the claim back: the next sweep alerts', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');
    f.slack.faults.fail('post', new Error('internal_error'));

    // Act
    const failed = alertUnreachableRoutes(f.deps);
    await expect(failed).rejects.toThrow('internal_error');
    const next = await alertUnreachableRoutes(f.deps);

    // Assess
    expect(next).toEqual(['C0CRITICAL']);
    expect(f.telemetry.count('RouteUnreachableAlerts')).toBe(1);
  });

  it('alerts again after the bot was invited and removed once more, and reminds after a week', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');
    await alertUnreachableRoutes(f.deps);

    // Act
    f.slack.botNotIn.delete('C0CRITICAL');
    const invited = await alertUnreachableRoutes(f.deps);
    f.slack.botNotIn.add('C0CRITICAL');
    const removedAgain = await alertUnreachableRoutes(f.deps);
    const sameDay = await alertUnreachableRoutes(f.deps);
    f.deps.clock = fixedClock('2026-11-30T10:00:01Z');
    const weekLater = await alertUnreachableRoutes(f.deps);

    // Assess
    expect([invited, removedAgain, sameDay, weekLater]).toEqual([[], ['C0CRITICAL'], [], ['C0CRITICAL']]);
    expect(alertsIn(f)).toHaveLength(3);
  });

  it('says nothing when a lookup fails, or when there are no routes', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');
    f.slack.faults.fail('isBotInChannel', new Error('missing_scope'));
    const unrouted = fakeAppDeps();

    // Act
    const unknown = await alertUnreachableRoutes(f.deps);
    const none = await alertUnreachableRoutes(unrouted.deps);

    // Assess
    expect(unknown).toEqual([]);
    expect(alertsIn(f)).toEqual([]);
    expect(none).toEqual([]);
    expect(unrouted.slack.calls).toEqual([]);
  });
});
