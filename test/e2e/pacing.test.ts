import type { SQSEvent } from 'aws-lambda';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { lambdaContext } from '../../sandbox/lambdaEvents';
import { unique, useHarness } from '../support/sandboxHarness';
import { ingestQueueEvent } from '../support/sqsEvents';

/**
 * The pacer (docs/ROUTING.md#pacing; PacerTable in DynamoDB Local) shared by concurrent
 * ingest invocations, against the local Slack API's rate limit (1
 * chat.postMessage per second per channel, 429 above it, as Slack).
 * Each invocation is the production handler, called as Lambda calls it.
 */
describe('E2E: paced posting across concurrent ingest invocations', () => {
  const h = useHarness(); // the local Slack API rate-limits by default

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

  it('two invocations posting to one channel at once: every card at most 1 per second, none answered 429', async () => {
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
    const outs = await Promise.all([
      handler(first, lambdaContext('chainsec-ingest', 60_000)),
      handler(second, lambdaContext('chainsec-ingest', 60_000)),
    ]);

    // Assess
    expect(outs).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const calls = cardsOf(run);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const every = h.sandbox.slack
      .calls('chat.postMessage')
      .filter((c) => c.args.channel === APPROVALS_CHANNEL && c.ok)
      .map((c) => c.at)
      .filter((at) => at >= calls[0]!.at);
    for (let i = 1; i < every.length; i++) expect(every[i]! - every[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(h.sandbox.slack.stats().maxPostsPerSecondByChannel[APPROVALS_CHANNEL]).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a critical card arriving behind a backlog of high cards takes the next slots, ahead of the backlog', async () => {
    // Prepare: six invocations with a high card each, all waiting for the channel at once.
    const { handler } = await import('../../src/handlers/ingest');
    const run = unique();
    const highs = [0, 1, 2, 3, 4, 5].map((i) => batch([request(run, i, 'high')], `h${i}`));
    const critical = batch([request(run, 9, 'critical')], 'crit');

    // Act: the critical lane's invocation starts while the backlog waits.
    const busy = Promise.all(highs.map((e) => handler(e, lambdaContext('chainsec-ingest', 60_000))));
    await new Promise((r) => setTimeout(r, 1_000));
    await handler(critical, lambdaContext('chainsec-ingest', 60_000));
    await busy;

    // Assess: the high cards booked at most two slots ahead (MAX_BACKLOG_SLOTS.high), so the critical
    // card went out within the next few; with no priority all six would have booked first.
    const order = cardsOf(run)
      .filter((c) => c.ok)
      .map((c) => (String(c.args.text).startsWith('CRITICAL') ? 'critical' : 'high'));
    expect(order).toHaveLength(7);
    expect(order.indexOf('critical')).toBeLessThan(4);
    expect(cardsOf(run).every((c) => c.status === 200)).toBe(true);
  }, 60_000);
});
