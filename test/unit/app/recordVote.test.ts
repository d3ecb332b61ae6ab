import { randomUUID } from 'node:crypto';
import { recordVote, type VoteInput } from '../../../src/app/recordVote';
import { ConcurrentUpdateError, ErrorCode, SigningFailedError, WorkflowUnavailableError } from '../../../src/errors';
import { DeliveryStatus, IncidentStatus } from '../../../src/domain/incidentRecord';
import { LedgerEntryType } from '../../../src/domain/ledger';
import type { OnceClaim } from '../../../src/services/RequestClaims';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS, seedApproval, TASK_TOKEN } from '../../support/fakes/seeds';

describe('Function: recordVote', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  const claim = (): OnceClaim => ({ key: `slack:v0=${randomUUID()}`, ttlSeconds: 660, now });
  const vote = (incidentId: string, userId: string, over: Partial<VoteInput> = {}): VoteInput => ({
    incidentId,
    userId,
    choice: 'approve',
    surface: { kind: 'message', channelId: APPROVALS, messageTs: CARD_TS },
    claim: claim(),
    ...over,
  });
  const incidentWrites = (id: string) => f.storage.table.writes.filter((w) => w.key === `INC#${id}`);

  it('records a vote short of the quorum in one write with its claim, and refreshes the card', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const id = record.incident.id;

    const input = vote(id, 'U0APPROVER1');

    // Act
    const result = await recordVote(f.deps, input);

    // Assess
    expect(result).toMatchObject({ kind: 'recorded', tally: { approve: ['U0APPROVER1'], needed: 2 } });
    expect(incidentWrites(id)).toEqual([{ kind: 'transaction', key: `INC#${id}`, condition: 'version' }]);
    expect(await f.deps.claims.take(input.claim!)).toBe(false);
    const stored = f.storage.table.peek(id)!;
    expect(stored.record.votes).toEqual([{ userId: 'U0APPROVER1', choice: 'approve', at: now.toISOString() }]);
    expect(stored.record).toMatchObject({ status: IncidentStatus.Pending, acknowledgedBy: 'U0APPROVER1' });
    expect(stored.record.ledgerSeq).toBe(1);
    // The entry is in the ledger (inside the incident), left for the sweep to publish.
    expect((await f.deps.ledger.chain(id)).map((e) => e.type)).toEqual([LedgerEntryType.Vote]);
    expect(f.storage.table.published(id)).toEqual([]);
    expect(f.workflow.resumed).toEqual([]);
    expect(f.slack.callsOf('update')).toHaveLength(1);
    expect(f.telemetry.count('Votes')).toBe(1);
  });

  it('decides with the vote that meets the quorum: vote and decision signed, workflow resumed once', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, { executionArn: 'arn:exec:1' });
    const id = record.incident.id;

    // Act
    const result = await recordVote(f.deps, vote(id, 'U0APPROVER2'));

    // Assess
    const decided = { decision: 'approve', decidedBy: ['U0APPROVER2'], delivery: 'delivered' };
    expect(result).toMatchObject({ kind: 'recorded', decided });
    const chain = await f.deps.ledger.chain(id);
    expect(chain.map((e) => [e.seq, e.type])).toEqual([
      [1, LedgerEntryType.Vote],
      [2, LedgerEntryType.Decision],
    ]);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    // The decision's receipt and the entries, signed together before the commit.
    expect(f.signer.signed.slice(1)).toEqual(chain.map((e) => e.hash));
    expect(f.signer.signed).toHaveLength(3);
    expect(f.workflow.resumed).toEqual([
      {
        taskToken: TASK_TOKEN,
        output: {
          decision: 'approve',
          decidedBy: ['U0APPROVER2'],
          decidedAt: now.toISOString(),
          incidentId: id,
          ledgerHash: chain[1]!.hash,
          dryRun: false,
          receipt: expect.objectContaining({ incidentId: id, decision: 'approve', ledgerHash: chain[1]!.hash }),
        },
      },
    ]);
    const stored = f.storage.table.peek(id)!.record;
    expect(stored).toMatchObject({ status: IncidentStatus.Decided, delivery: DeliveryStatus.Delivered });
    expect(stored.decisionHash).toBe(chain[1]!.hash);
    // The vote's commit is one write; marking the delivery is the only other.
    expect(incidentWrites(id)).toHaveLength(2);
    expect(f.slack.callsOf('update').length).toBeGreaterThanOrEqual(1);
    expect(f.telemetry.count('Decisions_approve')).toBe(1);
  });

  /**
   * The votes that lose the race are refused ("already decided", "already
   * voted"), and each refusal takes its click's claim in the same incident
   * item; under this much contention such a claim can run out of retries
   * (ConcurrentUpdateError, after the decision): the clicker is told to try
   * again, and nothing about the decision changes.
   */
  const settle = async (votes: Array<Promise<Awaited<ReturnType<typeof recordVote>>>>) => {
    const settled = await Promise.allSettled(votes);
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
    return { results, errors };
  };

  it('makes exactly one decision and one resume from 20 concurrent votes of three approvers', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const id = record.incident.id;
    const voters = ['U0APPROVER1', 'U0APPROVER2', 'U0APPROVER3'];

    // Act
    const votes = Array.from({ length: 20 }, (_, i) => recordVote(f.deps, vote(id, voters[i % 3]!)));
    const { results, errors } = await settle(votes);

    // Assess
    const decisions = (await f.deps.ledger.chain(id)).filter((e) => e.type === LedgerEntryType.Decision);
    expect(decisions).toHaveLength(1);
    expect(f.workflow.resumed).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'recorded' && r.decided)).toHaveLength(1);
    const stored = f.storage.table.peek(id)!.record;
    expect(stored.status).toBe(IncidentStatus.Decided);
    expect(stored.decidedBy).toHaveLength(2);
    expect(new Set(stored.votes.map((v) => v.userId)).size).toBe(stored.votes.length);
    expect(results.filter((r) => r.kind === 'recorded')).toHaveLength(stored.votes.length);
    expect(errors.every((e) => e instanceof ConcurrentUpdateError)).toBe(true);
  });

  it('makes exactly one decision from 20 concurrent votes on a request one approver decides', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const choice = (i: number) => (i % 2 ? 'deny' : 'approve');

    // Act
    const voter = (i: number) => `U0APPROVER${(i % 3) + 1}`;
    const votes = Array.from({ length: 20 }, (_, i) => recordVote(f.deps, vote(id, voter(i), { choice: choice(i) })));
    const { results, errors } = await settle(votes);

    // Assess
    expect((await f.deps.ledger.chain(id)).filter((e) => e.type === LedgerEntryType.Decision)).toHaveLength(1);
    expect(f.workflow.resumed).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'recorded')).toHaveLength(1);
    const refusals = results.flatMap((r) => (r.kind === 'rejected' ? [r.code] : []));
    expect(refusals.every((code) => code === ErrorCode.AlreadyDecided)).toBe(true);
    expect(errors.every((e) => e instanceof ConcurrentUpdateError)).toBe(true);
  });

  it('refuses a member who may not approve, claims the click, and records nothing', async () => {
    // Prepare
    const { record, version } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const input = vote(id, 'U0VIEWER');

    // Act
    const first = await recordVote(f.deps, input);
    const replay = await recordVote(f.deps, input);

    // Assess
    expect(first).toMatchObject({ kind: 'rejected', code: ErrorCode.NotAllowedToDecide });
    expect(replay).toEqual({ kind: 'replayed' });
    const stored = f.storage.table.peek(id)!;
    expect(stored.record.votes).toEqual([]);
    // Only the claim was written, in an item of its own: the incident is as it was.
    expect(stored.version).toBe(version);
    expect(f.storage.table.writes).toEqual([{ kind: 'put', key: `ONCE#${input.claim!.key}`, condition: 'absent' }]);
    expect(await f.deps.ledger.chain(id)).toEqual([]);
    expect(f.telemetry.count('VotesRejected')).toBe(1);
  });

  it('answers a replayed click as replayed, changing nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const id = record.incident.id;
    const input = vote(id, 'U0APPROVER1');
    await recordVote(f.deps, input);
    const writes = f.storage.table.writes.length;

    // Act
    const replay = await recordVote(f.deps, input);

    // Assess
    expect(replay).toEqual({ kind: 'replayed' });
    expect(f.storage.table.writes).toHaveLength(writes);
    expect(f.storage.table.peek(id)!.record.votes).toHaveLength(1);
  });

  it('fails closed when signing fails: throws, writes nothing, resumes nothing', async () => {
    // Prepare
    const { record, version } = seedApproval(f.storage, now);
    f.signer.failing = true;

    // Act
    const attempt = recordVote(f.deps, vote(record.incident.id, 'U0APPROVER1'));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SigningFailedError);
    expect(f.storage.table.peek(record.incident.id)!.version).toBe(version);
    expect(f.workflow.resumed).toEqual([]);
  });

  it("signs the decision's receipt with its entries, before the commit: one round trip to the key", async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const sign = f.signer.signDigest.bind(f.signer);
    const writesWhenAsked: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    jest.spyOn(f.signer, 'signDigest').mockImplementation(async (digest) => {
      writesWhenAsked.push(incidentWrites(id).length);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await sign(digest);
      } finally {
        inFlight--;
      }
    });

    // Act
    const result = await recordVote(f.deps, vote(id, 'U0APPROVER1'));

    // Assess
    expect(result).toMatchObject({ kind: 'recorded', decided: { delivery: 'delivered' } });
    expect(writesWhenAsked).toEqual([0, 0, 0]);
    expect(mostInFlight).toBe(3);
    const chain = await f.deps.ledger.chain(id);
    expect(f.workflow.resumed[0]!.output.receipt).toMatchObject({ ledgerHash: chain[1]!.hash });
  });

  it('keeps the decision but resumes nothing when only the receipt cannot be signed (fail closed)', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const sign = f.signer.signDigest.bind(f.signer);
    let calls = 0;
    jest.spyOn(f.signer, 'signDigest').mockImplementation(async (digest) => {
      // The receipt is asked for first (the entries' signatures follow in the same turn).
      if (++calls === 1) throw new SigningFailedError('receipt not signed');
      return sign(digest);
    });

    // Act
    const result = await recordVote(f.deps, vote(id, 'U0APPROVER1'));

    // Assess
    expect(result).toMatchObject({ kind: 'recorded', decided: { delivery: 'retry_later' } });
    const stored = f.storage.table.peek(id)!.record;
    expect(stored).toMatchObject({ status: IncidentStatus.Decided, delivery: DeliveryStatus.Pending });
    expect(f.workflow.resumed).toEqual([]);
    expect(f.telemetry.count('ReceiptSigningFailures')).toBe(1);
  });

  it('keeps a decision whose resume failed for the sweep, its card already showing it', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    f.workflow.faults.fail('resume', new WorkflowUnavailableError('throttled'));

    // Act
    const result = await recordVote(f.deps, vote(record.incident.id, 'U0APPROVER1'));

    // Assess
    expect(result).toMatchObject({ kind: 'recorded', decided: { delivery: 'retry_later' } });
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ status: IncidentStatus.Decided, delivery: DeliveryStatus.Pending });
    expect(f.slack.callsOf('update').length).toBeGreaterThanOrEqual(1);
    expect(f.telemetry.count('WorkflowResumeRetries')).toBe(1);
  });

  it('keeps the vote when the card update fails, marking the card stale for the sweep', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    f.slack.faults.fail('update', new Error('slack down'));

    // Act
    const result = await recordVote(f.deps, vote(record.incident.id, 'U0APPROVER1'));

    // Assess
    expect(result.kind).toBe('recorded');
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ cardStale: true, votes: [{ userId: 'U0APPROVER1' }] });
    expect(f.telemetry.count('CardUpdateFailures')).toBe(1);
  });

  it('uses the incident read the handler started for its first attempt', async () => {
    // Prepare
    const seeded = seedApproval(f.storage, now, {}, 'critical');
    f.storage.table.faults.fail('incidents.get', new Error('the use case should not read again'));

    // Act
    const incidentRead = Promise.resolve(seeded);
    const result = await recordVote(f.deps, vote(seeded.record.incident.id, 'U0APPROVER1', { incidentRead }));

    // Assess
    expect(result.kind).toBe('recorded');
  });
});
