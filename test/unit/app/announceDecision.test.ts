import { announceDecision } from '../../../src/app/announceDecision';
import type { AppDeps } from '../../../src/app/deps';
import { ANNOUNCE_LEASE_MS, ANNOUNCE_MAX_ATTEMPTS } from '../../../src/domain/announcement';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import type { RecordMutation } from '../../../src/services/IncidentRepository';
import type { SlackMessage } from '../../../src/services/SlackGateway';
import { buildRecord } from '../blocks/fixtures';

/** The ports announceDecision uses: one record in memory, a Slack that records (or fails), a settable clock. */
function buildDeps(record: IncidentRecord, slackFails: { post?: boolean; dm?: boolean } = {}) {
  const held = { record, now: new Date('2026-11-23T13:10:00Z') };
  const sent: Array<{ kind: 'post' | 'dm'; to: string; threadTs?: string; message: SlackMessage }> = [];
  const metrics: string[] = [];
  const deps = {
    clock: { now: () => held.now },
    incidents: {
      update: async (_id: string, mutate: RecordMutation) => {
        const next = mutate(held.record);
        if (next) held.record = next;
        return held.record;
      },
    },
    slack: {
      post: async (to: string, message: SlackMessage, threadTs?: string) => {
        if (slackFails.post) throw new Error('slack down');
        sent.push({ kind: 'post', to, message, ...(threadTs && { threadTs }) });
        return { channel: to, ts: '1.2' };
      },
      dm: async (to: string, message: SlackMessage) => {
        if (slackFails.dm) throw new Error('cannot_dm');
        sent.push({ kind: 'dm', to, message });
        return { channel: 'D1', ts: '1.3' };
      },
      permalink: async () => 'https://chainsec.slack.com/archives/C0APPROVALS/p1',
    },
    telemetry: {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      metric: (m: string) => metrics.push(m),
    },
  } as unknown as Pick<AppDeps, 'clock' | 'slack' | 'incidents' | 'telemetry'>;
  return { deps, held, sent, metrics };
}

const decided = (over: Partial<IncidentRecord> = {}) =>
  buildRecord({
    status: 'decided',
    decision: 'deny',
    decidedBy: ['U0APPROVER1'],
    decidedAt: '2026-11-23T13:05:00Z',
    votes: [{ userId: 'U0APPROVER1', choice: 'deny', at: '2026-11-23T13:05:00Z', reason: 'Red team.' }],
    channel: 'C0APPROVALS',
    ts: '1700000000.000100',
    requestedBy: 'U0ONCALL2',
    requesterKnown: true,
    ...over,
  });

describe('Function: announceDecision', () => {
  it('posts one line in the card thread and DMs the requester, once', async () => {
    // Prepare
    const { deps, held, sent } = buildDeps(decided());

    // Act
    const first = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    const again = await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect([first, again]).toEqual(['announced', 'not_due']);
    expect(sent.map((s) => [s.kind, s.to, s.threadTs])).toEqual([
      ['post', 'C0APPROVALS', '1700000000.000100'],
      ['dm', 'U0ONCALL2', undefined],
    ]);
    expect(held.record.announcement).toMatchObject({ thread: 'sent', requester: 'sent' });
  });

  it('skips the DM for a requester Slack does not know (an agent, an unknown id)', async () => {
    // Prepare
    const { deps, held, sent } = buildDeps(decided({ requestedBy: 'U0STRANGER9', requesterKnown: false }));

    // Act
    await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect(sent.map((s) => s.kind)).toEqual(['post']);
    expect(held.record.announcement).toMatchObject({ thread: 'sent', requester: 'skipped' });
  });

  it('a failed DM is retried by the next sweep without posting the thread line again, and given up after the bound', async () => {
    // Prepare
    const { deps, held, sent, metrics } = buildDeps(decided(), { dm: true });

    // Act
    const first = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    const outcomes = [first];
    for (let n = 1; n < ANNOUNCE_MAX_ATTEMPTS; n++) outcomes.push(await announceDecision(deps, 'INC-7GQ2KX4ZPA'));

    // Assess
    expect(outcomes.slice(0, -1).every((o) => o === 'retry_later')).toBe(true);
    expect(outcomes.at(-1)).toBe('announced');
    expect(sent.filter((s) => s.kind === 'post')).toHaveLength(1);
    expect(held.record.announcement).toMatchObject({
      thread: 'sent',
      requester: 'skipped',
      attempts: ANNOUNCE_MAX_ATTEMPTS,
    });
    expect(metrics).toContain('DecisionNoticesGivenUp');
  });

  it('leaves the notices to whoever holds a live lease; takes them over once it is stale', async () => {
    // Prepare
    const { deps, held, sent } = buildDeps(decided({ announcement: { claimedAt: '2026-11-23T13:09:30Z' } }));

    // Act
    const held1 = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    held.now = new Date(Date.parse('2026-11-23T13:09:30Z') + ANNOUNCE_LEASE_MS);
    const taken = await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect([held1, taken]).toEqual(['not_due', 'announced']);
    expect(sent).toHaveLength(2);
  });
});
