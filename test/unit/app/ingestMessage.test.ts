import { postCard } from '../../../src/app/postCard';
import { policyFor } from '../../../src/app/routing';
import { ChannelUnreachableError, ErrorCode } from '../../../src/errors';
import { APPROVALS, fakeAppDeps, fakeRoutedAppDeps } from '../../support/fakes/fakeAppDeps';
import { approvalRecord } from '../../support/records';

describe('Function: postCard, routed', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const routed = () => {
    const f = fakeRoutedAppDeps({ now });
    const stored = f.storage.table.seed(approvalRecord(now, {}, 'critical'), { taskToken: 'task-1' });
    return { f, record: stored.record };
  };

  it("posts a card in its route's channel when the bot is there", async () => {
    // Prepare
    const { f, record } = routed();

    // Act
    const posted = await postCard(f.deps, record);

    // Assess
    expect(posted.channel).toBe('C0CRITICAL');
    expect(f.slack.callsOf('post').map((c) => c.channel)).toEqual(['C0CRITICAL']);
    expect(f.telemetry.count('RouteFallbacks')).toBe(0);
  });

  it("falls back to the default channel with a thread note when the route's channel refuses it; votes count there", async () => {
    // Prepare
    const { f, record } = routed();
    f.slack.botNotIn.add('C0CRITICAL');

    // Act
    const posted = await postCard(f.deps, record);

    // Assess
    const posts = f.slack.callsOf('post');
    expect(posts.map((c) => [c.channel, c.threadTs])).toEqual([
      ['C0CRITICAL', undefined],
      [APPROVALS, undefined],
      [APPROVALS, posts[1]!.ts],
    ]);
    expect(posts[2]!.message.text).toContain('belongs in <#C0CRITICAL> (route critical)');
    expect(posts[2]!.message.text).toContain('`not_in_channel`');
    expect(posted).toMatchObject({ channel: APPROVALS, ts: posts[1]!.ts });
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ channel: APPROVALS, ts: posts[1]!.ts });
    const policy = policyFor(f.deps, { ...stored, tier: 'critical' });
    expect(policy.decisionChannels).toEqual([APPROVALS]);
    expect(policy.approverUserIds).toEqual(['U0APPROVER1']);
    expect(f.telemetry.count('RouteFallbacks')).toBe(1);
  });

  it('keeps the fallback card when its note fails', async () => {
    // Prepare
    const { f, record } = routed();
    f.slack.botNotIn.add('C0CRITICAL');
    const postOnce = f.slack.post.bind(f.slack);
    let n = 0;
    f.slack.post = async (...args) => {
      n++;
      if (n === 3) throw new Error('slack down');
      return postOnce(...args);
    };

    // Act
    const posted = await postCard(f.deps, record);

    // Assess
    expect(posted.channel).toBe(APPROVALS);
    expect(f.storage.table.peek(record.incident.id)!.record.ts).toBe(posted.ts);
  });

  it('throws any other failure (the queue redelivers), and an unreachable default channel too', async () => {
    // Prepare
    const { f, record } = routed();
    f.slack.faults.fail('post', new Error('internal_error'));
    const unrouted = fakeAppDeps({ now });
    const plain = unrouted.storage.table.seed(approvalRecord(now), { taskToken: 'task-2' }).record;
    unrouted.slack.botNotIn.add(APPROVALS);

    // Act
    const failed = postCard(f.deps, record);
    const nowhere = postCard(unrouted.deps, plain);

    // Assess
    await expect(failed).rejects.toThrow('internal_error');
    await expect(nowhere).rejects.toMatchObject({ code: ErrorCode.ChannelUnreachable });
    await expect(nowhere).rejects.toBeInstanceOf(ChannelUnreachableError);
    expect(unrouted.slack.callsOf('post')).toHaveLength(1);
  });
});
