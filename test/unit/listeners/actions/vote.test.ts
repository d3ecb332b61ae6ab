import { ActionId } from '../../../../src/domain/actionIds';
import { REPEATED_REQUEST, type ChainsecContext } from '../../../../src/listeners/requestContext';
import { voteListener } from '../../../../src/listeners/actions/vote';
import { IncidentStatus } from '../../../../src/domain/incidentRecord';
import { fakeAppDeps, type FakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { click, requestContext, told } from '../buildArguments';

describe('Listener: vote buttons', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  type VoteClick = NonNullable<ChainsecContext['voteClick']>;
  /** The click's deferred claim, as the request guard hands it over in the context. */
  const prepared = (key = `slack:v0=${Math.random()}`): VoteClick => ({ claim: { key, ttlSeconds: 660, now } });
  const contextWith = (voteClick: VoteClick) => requestContext({ voteClick });

  it('acks, records the vote and tells the clicker how far the quorum is', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const { args, ack, postEphemeral } = click(ActionId.Approve, record.incident.id, { userId: 'U0APPROVER1' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(postEphemeral).toHaveBeenCalledWith({
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
    const { args, ack, postEphemeral } = click(ActionId.Deny, record.incident.id);

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(postEphemeral).not.toHaveBeenCalled();
    expect(f.workflow.resumed.map((r) => r.output.decision)).toEqual(['deny']);
    expect(f.storage.table.peek(record.incident.id)!.record.status).toBe(IncidentStatus.Decided);
    expect(f.slack.callsOf('update').length).toBeGreaterThanOrEqual(1);
  });

  it('tells a member who may not approve why, and records nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack, postEphemeral } = click(ActionId.Approve, record.incident.id, { userId: 'U0VIEWER' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(postEphemeral).toHaveBeenCalledWith(told(/not an approver/, 'U0VIEWER'));
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toEqual([]);
    expect(f.slack.calls).toEqual([]);
  });

  it('answers a button that names no incident, taking its claim', async () => {
    // Prepare
    const preparation = prepared();
    const { args, ack, postEphemeral } = click(ActionId.Approve, 'not-an-id', { context: contextWith(preparation) });

    // Act
    await voteListener(f.deps)(args);
    const again = click(ActionId.Approve, 'not-an-id', { context: contextWith({ ...preparation }) });
    await voteListener(f.deps)(again.args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(postEphemeral).toHaveBeenCalledWith(told('That button does not refer to an incident I know.'));
    expect(again.postEphemeral).not.toHaveBeenCalled();
    expect(again.ack).toHaveBeenCalledWith(REPEATED_REQUEST);
  });

  it('acknowledges a replayed click as repeated and says nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const key = 'slack:v0=replayed';
    const first = click(ActionId.Approve, record.incident.id, { context: contextWith(prepared(key)) });
    await voteListener(f.deps)(first.args);
    const replay = { context: contextWith(prepared(key)) };
    const { args, ack, postEphemeral } = click(ActionId.Approve, record.incident.id, replay);

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith(REPEATED_REQUEST);
    expect(postEphemeral).not.toHaveBeenCalled();
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toHaveLength(1);
  });

  it('fails closed when signing fails: says nothing was recorded, claims the click, counts it', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    f.signer.failing = true;
    const preparation = prepared();
    const { args, postEphemeral } = click(ActionId.Approve, record.incident.id, { context: contextWith(preparation) });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(postEphemeral).toHaveBeenCalledWith(told(/could not be signed/));
    expect(await f.deps.claims.take(preparation.claim, record.incident.id)).toBe(false);
    expect(f.telemetry.count('SigningFailures')).toBe(1);
    expect(f.workflow.resumed).toEqual([]);
  });

  it('refuses a clicker from another organisation before reading the incident', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack, postEphemeral } = click(ActionId.Approve, record.incident.id, { userTeamId: 'T0ELSEWHERE' });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(postEphemeral).toHaveBeenCalledWith(told(/only approvers in this workspace/));
    expect(f.storage.table.peek(record.incident.id)!.record.votes).toEqual([]);
    expect(f.telemetry.count('VotesRejected')).toBe(1);
  });

  it('answers a click on the App Home tab in a DM', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const { args, openConversation, postMessage } = click(ActionId.Approve, record.incident.id, { channelId: null });

    // Act
    await voteListener(f.deps)(args);

    // Assess
    expect(openConversation).toHaveBeenCalledWith({ users: 'U0APPROVER1' });
    expect(postMessage).toHaveBeenCalledWith({ channel: 'D0DM', text: expect.stringMatching(/recorded and signed/) });
    const { votes } = f.storage.table.peek(record.incident.id)!.record;
    expect(votes).toEqual([expect.objectContaining({ userId: 'U0APPROVER1' })]);
  });
});
