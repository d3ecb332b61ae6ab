import type { Tracing } from '../../../../src/app/tracing';
import { ActionId } from '../../../../src/domain/actionIds';
import { REPEATED_REQUEST } from '../../../../src/listeners/onceRule';
import type { ChainsecContext } from '../../../../src/listeners/requestContext';
import { voteListener } from '../../../../src/listeners/actions/vote';
import { IncidentStatus } from '../../../../src/domain/incidentRecord';
import { fakeAppDeps, type FakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { click, ephemeralsOf, requestContext, told } from '../buildArguments';

describe('Listener: vote buttons', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });
  /** What the clicker was told in the channel, through the Slack gateway. */
  const ephemerals = () => ephemeralsOf(f);

  type VoteClick = NonNullable<ChainsecContext['claimInWrite']>;
  /** The click's deferred claim, as the request guard hands it over in the context. */
  const prepared = (key = `slack:v0=${Math.random()}`): VoteClick => ({ claim: { key, ttlSeconds: 660, now } });
  const contextWith = (claimInWrite: VoteClick) => requestContext({ claimInWrite });

  it('acks, records the vote and tells the clicker how far the quorum is', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const { args, ack } = click(ActionId.Approve, record.incident.id, { userId: 'U0APPROVER1' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toContainEqual({
      channel: 'C0APPROVALS',
      user: 'U0APPROVER1',
      text: 'Your approve vote is recorded and signed (1 of 2 needed).',
    });
    expect(f.slack.callsOf('update').map((c) => c.ts)).toEqual([record.ts]);
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toHaveLength(1);
  });

  it('acks and decides, resuming the workflow, with no ephemeral (the card says it)', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack } = click(ActionId.Deny, record.incident.id);

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toEqual([]);
    expect(f.workflow.resumed.map((r) => r.output.decision)).toEqual(['deny']);
    expect(f.storage.table.peek(record.incident.id)!.record.status).toBe(IncidentStatus.Decided);
    expect(f.slack.callsOf('update').length).toBeGreaterThanOrEqual(1);
  });

  it('tells a member who may not approve why, and records nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack } = click(ActionId.Approve, record.incident.id, { userId: 'U0VIEWER' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toContainEqual(told(/not an approver/, 'U0VIEWER'));
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toEqual([]);
    expect(f.slack.calls.map((c) => c.method)).toEqual(['postEphemeral']); // the refusal only: no card update
  });

  it('answers a button that names no incident, taking its claim', async () => {
    // Prepare
    const preparation = prepared();
    const { args, ack } = click(ActionId.Approve, 'not-an-id', { context: contextWith(preparation) });

    // Act
    await voteListener(f.deps)(args);
    const again = click(ActionId.Approve, 'not-an-id', { context: contextWith({ ...preparation }) });
    await voteListener(f.deps)(again.args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toEqual([told('That button does not refer to an incident I know.')]);
    expect(again.ack).toHaveBeenCalledWith(REPEATED_REQUEST);
  });

  it('acknowledges a replayed click as repeated and says nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const key = 'slack:v0=replayed';
    const first = click(ActionId.Approve, record.incident.id, { context: contextWith(prepared(key)) });
    await voteListener(f.deps)(first.args);
    const replay = { context: contextWith(prepared(key)) };
    const { args, ack } = click(ActionId.Approve, record.incident.id, replay);

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith(REPEATED_REQUEST);
    expect(ephemerals()).toHaveLength(1); // the first click's "1 of 2", nothing for the replay
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toHaveLength(1);
  });

  it('fails closed when signing fails: says nothing was recorded, claims the click, counts it', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    f.signer.failing = true;
    const preparation = prepared();
    const { args } = click(ActionId.Approve, record.incident.id, { context: contextWith(preparation) });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ephemerals()).toContainEqual(told(/could not be signed/));
    expect(await f.deps.claims.take(preparation.claim)).toBe(false);
    expect(f.telemetry.count('SigningFailures')).toBe(1);
    expect(f.workflow.resumed).toEqual([]);
  });

  it('refuses a clicker from another organisation before reading the incident', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack } = click(ActionId.Approve, record.incident.id, { userTeamId: 'T0ELSEWHERE' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toContainEqual(told(/only approvers in this workspace/));
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toEqual([]);
    expect(f.telemetry.count('VotesRejected')).toBe(1);
  });

  it('answers a click on the App Home tab in a DM', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const { args } = click(ActionId.Approve, record.incident.id, { channelId: null });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    const dms = f.slack.callsOf('dm').map((c) => ({ user: c.user, text: c.message.text }));
    expect(dms).toEqual([{ user: 'U0APPROVER1', text: expect.stringMatching(/recorded and signed/) }]);
    const { votes } = f.storage.table.peek(record.incident.id)!.record;
    expect(votes).toEqual([expect.objectContaining({ userId: 'U0APPROVER1' })]);
  });
});

describe('Listener: vote buttons, traced', () => {
  it('runs the vote use case inside a "recordVote" span', async () => {
    // Prepare
    const now = new Date('2026-11-23T10:00:00Z');
    const f = fakeAppDeps({ now });
    const spans: Array<{ name: string; outcome: string }> = [];
    const tracing: Tracing = {
      span: async (name, work) => {
        try {
          const out = await work();
          spans.push({ name, outcome: 'ok' });
          return out;
        } catch (e) {
          spans.push({ name, outcome: `threw ${(e as Error).name}` });
          throw e;
        }
      },
    };
    const { args } = click(ActionId.Approve, 'INC-ABCDEFGHJK');

    // Act
    await voteListener({ ...f.deps, tracing })(args);

    // Assess
    expect(spans).toEqual([{ name: 'recordVote', outcome: 'threw IncidentNotFoundError' }]);
    expect(f.slack.callsOf('postEphemeral').map((c) => c.message.text)).toEqual([
      'I do not know incident INC-ABCDEFGHJK.',
    ]);
  });
});
