import type { SQSEvent } from 'aws-lambda';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { lambdaContext } from '../../sandbox/lambdaEvents';
import { PACE_RULES } from '../../src/domain/pacing';
import { eventually } from '../support/localAws';
import { unique, useHarness } from '../support/sandboxHarness';
import { ingestQueueEvent } from '../support/sqsEvents';

/**
 * The pacer (docs/ROUTING.md#pacing; PacerTable in DynamoDB Local) shared by concurrent ingest
 * invocations, against the local Slack API's rate limit. Each invocation is
 * the production handler, called as Lambda calls it.
 *
 * The local limit here is 5 posts per second per channel (burst 1), not Slack's 1: a
 * post leaves at its slot, but a busy machine may deliver it late, and the
 * next one on time, so at a strict 1 per second the outcome would follow the
 * machine's load. Unpaced concurrent posts still land milliseconds apart and
 * are answered 429. The strict rate is measured by `npm run bench` (the storm's
 * 429 count). Every assertion on time below is a lower bound: load only makes
 * things later.
 */
describe('E2E: paced posting across concurrent ingest invocations', () => {
  const h = useHarness({ slackRateLimit: { perSecond: 5, burst: 1 } });
  const interval = PACE_RULES['chat.postMessage'].intervalMs;

  /** An approval request from another team's workflow (docs/INTERFACES.md#approval-requests-from-any-workflow); the token is never resumed here. */
  const request = (run: string, i: number, tier: 'critical' | 'high') =>
    JSON.stringify({
      kind: 'approval_request',
      taskToken: `pacing-${run}-${i}`,
      tier,
      title: `Pacing ${run} ${tier} ${i}`,
      proposedAction: { type: 'deactivate_access_key', target: `AKIAPACING${i}`, reversible: true },
      reasoning: 'Pacing test.',
      requestedBy: 'pacing-test',
    });
  const batch = (bodies: string[], lane: string): SQSEvent => {
    const event = ingestQueueEvent(
      bodies.map((body, i) => JSON.stringify({ Type: 'Notification', MessageId: `${lane}-${i}`, Message: body })),
    );
    for (const r of event.Records) r.messageId = `${lane}-${r.messageId}`;
    return event;
  };
  const cardsOf = (run: string) =>
    h.sandbox.slack
      .calls('chat.postMessage')
      .filter((c) => c.args.channel === APPROVALS_CHANNEL && String(c.args.text).includes(`Pacing ${run}`));

  it('two invocations posting to one channel at once: the cards go one interval apart, none answered 429', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/ingest');
    const run = unique();
    const first = batch(
      [0, 1, 2].map((i) => request(run, i, 'high')),
      'a',
    );
    const second = batch(
      [3, 4, 5].map((i) => request(run, i, 'high')),
      'b',
    );

    // Act: as two containers of the ingest function would, concurrently.
    const started = Date.now();
    const outs = await Promise.all([
      handler(first, lambdaContext('chainsec-ingest', 60_000)),
      handler(second, lambdaContext('chainsec-ingest', 60_000)),
    ]);

    // Assess
    expect(outs).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const calls = cardsOf(run);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Six slots one interval apart, none before its time: the last card went no sooner than five intervals in.
    expect(calls[5]!.at - started).toBeGreaterThanOrEqual(5 * interval);
  }, 60_000);

  it('a critical card arriving behind a backlog of high cards goes ahead of the high cards still waiting', async () => {
    // Prepare: eight invocations with a high card each, all waiting for the channel at once.
    const { handler } = await import('../../src/handlers/ingest');
    const run = unique();
    const highs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => batch([request(run, i, 'high')], `h${i}`));
    const critical = batch([request(run, 9, 'critical')], 'crit');

    // Act: the critical lane's invocation starts once the backlog is draining (its first card is out).
    const busy = Promise.all(highs.map((e) => handler(e, lambdaContext('chainsec-ingest', 60_000))));
    await eventually(() => (cardsOf(run).some((c) => c.ok) ? true : undefined), 30_000, 20);
    await handler(critical, lambdaContext('chainsec-ingest', 60_000));
    await busy;

    // Assess: the high cards book at most two slots ahead (MAX_BACKLOG_SLOTS.high), so the critical card
    // takes the next free slot and the high cards not yet booked go after it; first come, first served, all
    // eight would have booked before it. Eight give the critical invocation several seconds to arrive.
    const order = cardsOf(run)
      .filter((c) => c.ok)
      .map((c) => (String(c.args.text).startsWith('CRITICAL') ? 'critical' : 'high'));
    expect(order).toHaveLength(9);
    expect(order.indexOf('critical')).toBeLessThan(8);
    expect(cardsOf(run).every((c) => c.status === 200)).toBe(true);
  }, 90_000);
});
