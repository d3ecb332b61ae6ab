import { startHarness, actionIds, unique, type Harness } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';

// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
describe('E2E: an alert storm with Slack failing for a while', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('posts every approval card once, rolls the rest into a digest and a pattern thread, and loses nothing', async () => {
    // Prepare
    const run = unique();
    const onchain = (i: number, score: number) => ({
      tx_hash: `0x${run}s${i}`,
      amount_usd: 100 + i,
      protocol: 'Storm',
      anomaly_score: score,
    });
    const events: unknown[] = [];
    for (let i = 0; i < 30; i++) events.push(onchain(i, i % 3 === 0 ? 0.5 : 0.2)); // low and medium
    const high = [0, 1, 2, 3].map((i) => onchain(100 + i, 0.8));
    const critical = onchain(200, 0.95);
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const repeats = [0, 1, 2, 3, 4].map((i) => ({
      id: `storm-${run}-${i}`,
      timestamp: new Date().toISOString(),
      action: 'COUNT',
      source_ip: ip,
      uri: '/wp-login.php',
      http_method: 'POST',
      rule_name: 'BruteForce',
      country: 'BR',
      analysis: { severity_rating: 3 },
    }));
    events.push(...high, critical, ...repeats, onchain(5, 0.2)); // the last one is an exact duplicate
    h.sandbox.slack.faults.set('chat.postMessage', { status: 500, times: 3 });

    // Act
    const arns = await Promise.all(events.map((e) => h.startIncident(e)));
    h.sandbox.slack.faults.set('chat.postMessage', { status: 429, retryAfterSec: 1, times: 2 });
    await eventually(
      async () => {
        await h.sandbox.ingestDrained(60_000);
        const running = (
          await Promise.all(
            arns.map((a) => h.json<{ status: string }>('GET', `/sandbox/executions/${encodeURIComponent(a)}`)),
          )
        ).filter((r) => r.body.status === 'RUNNING');
        return running.length === high.length + 1 ? true : undefined;
      },
      90_000,
      200,
    );
    await h.json('POST', '/sandbox/tick', {});
    const messages = (await h.messages()).filter((m) => m.channel === APPROVALS_CHANNEL && m.kind === 'message');
    const ledger = String((await h.json('GET', '/sandbox/ledger')).body)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; incidentId: string });

    // Assess: every approval request has exactly one card with buttons.
    for (const e of [...high, critical]) {
      const cards = messages.filter(
        (m) => JSON.stringify(m.blocks).includes(e.tx_hash) && actionIds(m).includes('chainsec_approve'),
      );
      expect(cards).toHaveLength(1);
    }
    // Nothing lost: every distinct incident has its signed chain; nothing dead-lettered.
    const received = new Set(ledger.filter((e) => e.type === 'incident_received').map((e) => e.incidentId));
    expect(received.size).toBe(events.length - 1);
    expect(h.sandbox.ingestStats().deadLettered).toBe(0);
    // The channel went into digest mode, and the digest counts what it rolled up.
    const digest = messages.find((m) => m.text.startsWith('Digest:'));
    expect(digest).toBeDefined();
    const rolled = Number(/Digest: (\d+)/.exec(digest!.text)![1]);
    const cardsForNotifications = messages.filter(
      (m) => !m.thread_ts && !m.text.startsWith('Digest:') && actionIds(m).every((a) => a !== 'chainsec_approve'),
    ).length;
    // The repeated pattern became one thread reply with a counter (unless its first went to the digest).
    const reply = messages.find((m) => m.thread_ts !== undefined && m.text.includes('Same pattern seen'));
    const threaded = reply ? Number(/seen (\d+) times/.exec(reply.text)![1]) - 1 : 0;
    // Each of the 35 distinct notifications is shown exactly once: its own card, a digest line, or the thread.
    expect(rolled + cardsForNotifications + threaded).toBe(35);
    // Never above Slack's rate for the channel.
    expect(h.sandbox.slack.stats().maxPostsPerSecondByChannel[APPROVALS_CHANNEL]).toBeLessThanOrEqual(1);
  }, 150_000);
});
