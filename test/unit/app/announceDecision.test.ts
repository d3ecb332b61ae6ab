import { announceDecision } from '../../../src/app/announceDecision';
import { ANNOUNCE_LEASE_MS, ANNOUNCE_MAX_ATTEMPTS } from '../../../src/domain/announcement';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import type { SlackMessage } from '../../../src/services/SlackGateway';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import type { RecordingSlackGateway } from '../../support/fakes/RecordingSlackGateway';
import { buildRecord } from '../blocks/fixtures';

/** One message the bot sent (a failed one too: RecordingSlackGateway records a call before it fails). */
interface Sent {
  kind: 'post' | 'dm';
  to: string;
  threadTs?: string;
  message: SlackMessage;
}

/** The thread posts and DMs of the recording gateway, in order. */
const sentBy = (slack: RecordingSlackGateway): Sent[] =>
  slack.calls.flatMap((c): Sent[] => {
    if (c.method === 'post')
      return [{ kind: 'post', to: c.channel, message: c.message, ...(c.threadTs && { threadTs: c.threadTs }) }];
    if (c.method === 'dm') return [{ kind: 'dm', to: c.user, message: c.message }];
    return [];
  });

/** The ports announceDecision uses, on fakes: `record` stored, a Slack that records (or fails), a settable clock. */
function buildDeps(record: IncidentRecord, slackFails: { post?: boolean; dm?: boolean } = {}) {
  const id = record.incident.id;
  const f = fakeAppDeps({ clock: { now: () => held.now } });
  const held = {
    now: new Date('2026-11-23T13:10:00Z'),
    /** The record as stored now. */
    get record(): IncidentRecord {
      return f.storage.table.peek(id)!.record;
    },
  };
  f.storage.table.seed(record);
  if (slackFails.post) f.slack.faults.failAlways('post', new Error('slack down'));
  if (slackFails.dm) f.slack.faults.failAlways('dm', new Error('cannot_dm'));
  return { deps: f.deps, held, slack: f.slack, telemetry: f.telemetry };
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
    startedBy: 'U0ONCALL2',
    ...over,
  });

describe('Function: announceDecision', () => {
  it('posts one line in the card thread and DMs the user chainsec knows started it, once', async () => {
    // Prepare
    const { deps, held, slack } = buildDeps(decided());

    // Act
    const first = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    const again = await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect([first, again]).toEqual(['announced', 'not_due']);
    expect(sentBy(slack).map((s) => [s.kind, s.to, s.threadTs])).toEqual([
      ['post', 'C0APPROVALS', '1700000000.000100'],
      ['dm', 'U0ONCALL2', undefined],
    ]);
    expect(held.record.announcement).toMatchObject({ thread: 'sent', requester: 'sent' });
  });

  it.each([
    ['a requester Slack does not know', { requestedBy: 'U0STRANGER9', requesterKnown: false }],
    ['a known user the request merely names', { requestedBy: 'U0ONCALL2', requesterKnown: true }],
  ])('skips the DM for %s: only the card thread is told', async (_what, named) => {
    // Prepare
    const { startedBy: _none, ...record } = decided(named);
    const { deps, held, slack } = buildDeps(record);

    // Act
    await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect(sentBy(slack).map((s) => s.kind)).toEqual(['post']);
    expect(held.record.announcement).toMatchObject({ thread: 'sent', requester: 'skipped' });
  });

  it('a failed DM is retried by the next sweep without posting the thread line again, and given up after the bound', async () => {
    // Prepare
    const { deps, held, slack, telemetry } = buildDeps(decided(), { dm: true });

    // Act
    const first = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    const outcomes = [first];
    for (let n = 1; n < ANNOUNCE_MAX_ATTEMPTS; n++) outcomes.push(await announceDecision(deps, 'INC-7GQ2KX4ZPA'));

    // Assess
    expect(outcomes.slice(0, -1).every((o) => o === 'retry_later')).toBe(true);
    expect(outcomes.at(-1)).toBe('announced');
    expect(sentBy(slack).filter((s) => s.kind === 'post')).toHaveLength(1);
    expect(held.record.announcement).toMatchObject({
      thread: 'sent',
      requester: 'skipped',
      attempts: ANNOUNCE_MAX_ATTEMPTS,
    });
    expect(telemetry.count('DecisionNoticesGivenUp')).toBeGreaterThan(0);
  });

  it('leaves the notices to whoever holds a live lease; takes them over once it is stale', async () => {
    // Prepare
    const { deps, held, slack } = buildDeps(decided({ announcement: { claimedAt: '2026-11-23T13:09:30Z' } }));

    // Act
    const held1 = await announceDecision(deps, 'INC-7GQ2KX4ZPA');
    held.now = new Date(Date.parse('2026-11-23T13:09:30Z') + ANNOUNCE_LEASE_MS);
    const taken = await announceDecision(deps, 'INC-7GQ2KX4ZPA');

    // Assess
    expect([held1, taken]).toEqual(['not_due', 'announced']);
    expect(sentBy(slack)).toHaveLength(2);
  });
});
