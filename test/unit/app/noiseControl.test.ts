import {
  notePatternCard,
  PATTERN_WINDOW_SECONDS,
  routeNotification,
  STORM_THRESHOLD_PER_MINUTE,
} from '../../../src/app/noiseControl';
import { RENDER_THROTTLE_MS, renderDoc } from '../../../src/app/noiseDocs';
import { normalizeIncident } from '../../../src/domain/incident';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { recordOf } from '../../support/records';
import { onChainEvent, wafEvent } from '../domain/fixtures';

describe('Function: routeNotification', () => {
  let t: number;
  let f: FakeAppDeps;
  let n = 0;
  beforeEach(() => {
    t = Date.parse('2026-11-23T10:00:00Z');
    f = fakeAppDeps({ clock: { now: () => new Date(t) } });
  });

  /** A stored low notification; WAF events from one IP on one URI share a pattern. */
  const stored = (event: ReturnType<typeof wafEvent> | ReturnType<typeof onChainEvent>): IncidentRecord => {
    const record = recordOf(normalizeIncident(event, 'low', new Date(t)), new Date(t));
    f.storage.table.seed(record);
    return record;
  };
  const repeat = () =>
    stored(wafEvent(2, { id: `waf-repeat-${++n}`, source_ip: '198.51.100.9', uri: '/wp-login.php' }));
  const distinct = () =>
    stored(onChainEvent({ tx_hash: `0x${(++n).toString(16).padStart(8, '0')}`, anomaly_score: 0.2 }));

  it("gives the first of a pattern its own card, marked as the pattern's", async () => {
    // Prepare
    const first = repeat();

    // Act
    const route = await routeNotification(f.deps, first);

    // Assess
    expect(route).toEqual({ kind: 'card', patternKey: expect.stringMatching(/^PATTERN#[0-9a-f]{32}$/) });
    expect(f.slack.calls).toEqual([]);
  });

  it("folds a repeat into one counter reply in the first card's thread, and counts it on the first card", async () => {
    // Prepare: the first card is posted.
    const first = repeat();
    const key = (await routeNotification(f.deps, first)) as { patternKey: string };
    await notePatternCard(f.deps, key.patternKey, APPROVALS, '1700000000.000001');
    const second = repeat();

    // Act
    const route = await routeNotification(f.deps, second);

    // Assess
    expect(route).toEqual({ kind: 'thread', key: key.patternKey, firstIncidentId: first.incident.id });
    expect(f.storage.table.peek(second.incident.id)!.record.shownIn).toEqual(route);
    expect(f.storage.table.peek(first.incident.id)!.record.repeats).toBe(1);
    const [reply] = f.slack.callsOf('post');
    expect(reply).toMatchObject({ channel: APPROVALS, threadTs: '1700000000.000001' });
    expect(reply!.message.text).toContain('Same pattern seen 2 times');
    expect(f.telemetry.count('NotificationsFolded')).toBe(1);
  });

  it('gives a repeat its own card while the first card is not posted yet, and after the pattern window', async () => {
    // Prepare
    await routeNotification(f.deps, repeat());
    const early = repeat();

    // Act
    const beforeCard = await routeNotification(f.deps, early);
    t += (PATTERN_WINDOW_SECONDS + 1) * 1000;
    const afterWindow = await routeNotification(f.deps, repeat());

    // Assess: the late one starts the pattern again.
    expect(beforeCard).toEqual({ kind: 'card' });
    expect(afterWindow).toEqual({ kind: 'card', patternKey: expect.stringMatching(/^PATTERN#/) });
    expect(f.slack.calls).toEqual([]);
  });

  it('rolls notifications above the per-minute threshold into one digest, updated in place at most every throttle', async () => {
    // Prepare: the channel's minute is full.
    for (let i = 0; i < STORM_THRESHOLD_PER_MINUTE; i++)
      expect(await routeNotification(f.deps, distinct())).toMatchObject({ kind: 'card' });

    // Act
    const rolled = await routeNotification(f.deps, distinct());
    const held = await routeNotification(f.deps, distinct());
    const postsWhileThrottled = f.slack.calls.length;
    t += RENDER_THROTTLE_MS;
    const shown = await renderDoc(f.deps, (rolled as { key: string }).key, false);

    // Assess
    expect(rolled).toEqual({ kind: 'digest', key: `DIGEST#${APPROVALS}#2026-11-23T10` });
    expect(held).toEqual(rolled);
    expect(postsWhileThrottled).toBe(1);
    const [posted] = f.slack.callsOf('post');
    expect(posted).toMatchObject({ channel: APPROVALS });
    expect(posted!.message.text).toMatch(/^Digest: 1 /);
    expect(shown).toBe(true);
    const [updated] = f.slack.callsOf('update');
    expect(updated).toMatchObject({ channel: APPROVALS, ts: (posted as { ts: string }).ts });
    expect(updated!.message.text).toMatch(/^Digest: 2 /);
    expect(f.telemetry.count('NotificationsDigested')).toBe(2);
  });
});

describe('Function: renderDoc', () => {
  const t = Date.parse('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ clock: { now: () => new Date(t) } });
  });

  /** A digest owing one item to Slack, as routeNotification leaves one whose first render failed. */
  const owedDigest = async (over: Record<string, unknown> = {}) => {
    const doc = {
      kind: 'digest',
      window: '2026-11-23 10:00',
      total: 1,
      byTier: { low: 1 },
      byKind: { onchain: 1, waf: 0 },
      worst: [],
      renderedCount: 0,
      ...over,
    };
    await f.deps.sideDocs.put('DIGEST#C0APPROVALS#2026-11-23T10', doc, 0, {
      now: new Date(t),
      ttlSeconds: 60,
      open: true,
    });
    return 'DIGEST#C0APPROVALS#2026-11-23T10';
  };

  it('answers true for a document that does not exist or already shows its counts, and calls nobody', async () => {
    // Prepare
    const key = await owedDigest({ renderedCount: 1, ts: '1700000000.000001', channel: APPROVALS });

    // Act
    const missing = await renderDoc(f.deps, 'DIGEST#nothing', true);
    const current = await renderDoc(f.deps, key, true);

    // Assess
    expect([missing, current]).toEqual([true, true]);
    expect(f.slack.calls).toEqual([]);
  });

  it('leaves a render another writer has claimed to that writer, even when forced', async () => {
    // Prepare
    const key = await owedDigest({ claimedAt: new Date(t - 1000).toISOString() });

    // Act
    const shown = await renderDoc(f.deps, key, true);

    // Assess
    expect(shown).toBe(false);
    expect(f.slack.calls).toEqual([]);
  });

  it('keeps the counts owed when Slack fails, releases its claim, and the next render shows them', async () => {
    // Prepare
    const key = await owedDigest();
    f.slack.faults.fail('post', new Error('slack down'));

    // Act
    const failed = await renderDoc(f.deps, key, true);
    const retried = await renderDoc(f.deps, key, true);

    // Assess
    expect(failed).toBe(false);
    expect(f.telemetry.messages('warn')).toEqual(['digest / thread update failed; the sweep will retry']);
    expect(retried).toBe(true);
    expect(f.slack.callsOf('post')).toHaveLength(2);
    const doc = await f.deps.sideDocs.get<{ renderedCount: number; ts: string; claimedAt?: string }>(key);
    expect(doc?.value).toMatchObject({ renderedCount: 1, ts: f.slack.callsOf('post')[1]!.ts });
    expect(doc?.value.claimedAt).toBeUndefined();
  });
});
