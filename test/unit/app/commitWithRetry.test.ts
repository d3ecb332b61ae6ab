import { commitWithRetry, type StepPlan } from '../../../src/app/commitWithRetry';
import {
  ConcurrentUpdateError,
  IncidentNotFoundError,
  ReplayedRequestError,
  SigningFailedError,
} from '../../../src/errors';
import { GENESIS_HASH, LedgerEntryType } from '../../../src/domain/ledger';
import type { StoredIncident } from '../../../src/services/IncidentRepository';
import { fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';

describe('Function: commitWithRetry', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const at = now.toISOString();
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  /** A plan that acknowledges the request with one signed entry. */
  const acknowledge = ({ record }: StoredIncident): StepPlan<string> => ({
    kind: 'commit',
    next: { ...record, acknowledgedAt: at, acknowledgedBy: 'U0APPROVER1' },
    drafts: [{ type: LedgerEntryType.Acknowledged, actor: 'U0APPROVER1', at }],
    result: 'done',
  });

  it('writes nothing when the plan stops', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);

    // Act
    const result = await commitWithRetry(f.deps, record.incident.id, () => ({ kind: 'stop', result: 'nothing to do' }));

    // Assess
    expect(result).toBe('nothing to do');
    expect(f.storage.table.writes).toEqual([]);
    expect(f.signer.signed).toEqual([]);
  });

  it('chains and signs the entries after the head, commits them with the state, then publishes them', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;

    // Act
    const result = await commitWithRetry(f.deps, id, acknowledge);

    // Assess
    expect(result).toBe('done');
    const [entry] = f.storage.table.published(id);
    expect(entry).toMatchObject({ type: LedgerEntryType.Acknowledged, incidentId: id, seq: 1, prevHash: GENESIS_HASH });
    expect(entry?.keyId).toBe(f.signer.keyId);
    expect(f.signer.signed).toEqual([entry!.hash]);
    const stored = f.storage.table.peek(id)!;
    expect(stored.record).toMatchObject({ acknowledgedBy: 'U0APPROVER1', ledgerSeq: 1, ledgerHead: entry!.hash });
    expect(stored.internal?.unpublished).toEqual([]);
  });

  it('cites the decision entry in the record, and leaves the entries unpublished with publishLater', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    let written: StoredIncident | undefined;

    // Act
    await commitWithRetry(
      f.deps,
      id,
      ({ record: r }) => ({
        kind: 'commit',
        next: { ...r, decision: 'deny' },
        drafts: [
          { type: LedgerEntryType.Vote, actor: 'U0APPROVER1', at, choice: 'deny' },
          { type: LedgerEntryType.Decision, actor: 'U0APPROVER1', at, decision: 'deny' },
        ],
        result: undefined,
      }),
      { publishLater: true, onCommitted: (w) => (written = w) },
    );

    // Assess
    const chain = await f.deps.ledger.chain(id);
    expect(chain.map((e) => e.seq)).toEqual([1, 2]);
    expect(written?.record).toMatchObject({ decisionHash: chain[1]!.hash, ledgerSeq: 2, ledgerHead: chain[1]!.hash });
    expect(written?.version).toBe(2);
    expect(f.storage.table.published(id)).toEqual([]);
  });

  it('re-reads and plans again when another writer got there first', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const seen: number[] = [];

    // Act: the first plan lets another writer in between its read and its commit
    const result = await commitWithRetry(f.deps, id, async (current) => {
      seen.push(current.version);
      if (seen.length === 1) await f.deps.incidents.update(id, (r) => ({ ...r, cardStale: true }));
      return acknowledge(current);
    });

    // Assess
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2]);
    const stored = f.storage.table.peek(id)!.record;
    expect(stored).toMatchObject({ cardStale: true, acknowledgedBy: 'U0APPROVER1', ledgerSeq: 1 });
  });

  it('gives up with ConcurrentUpdateError after 8 attempts that all lost', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    let attempts = 0;

    // Act
    const attempt = commitWithRetry(f.deps, id, async (current) => {
      attempts++;
      await f.deps.incidents.update(id, (r) => ({ ...r, repeats: attempts }));
      return acknowledge(current);
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(attempts).toBe(8);
    expect(f.storage.table.peek(id)!.record.acknowledgedBy).toBeUndefined();
  });

  it('uses the read under way for its first attempt', async () => {
    // Prepare
    const seeded = seedApproval(f.storage, now);
    f.storage.table.faults.fail('incidents.get', new Error('read again'));

    // Act
    const firstRead = Promise.resolve(seeded);
    const result = await commitWithRetry(f.deps, seeded.record.incident.id, acknowledge, { firstRead });

    // Assess
    expect(result).toBe('done');
  });

  it('waits on a "wait" step and plans again from a fresh read, not from the read under way', async () => {
    // Prepare: the read under way saw no card yet; the store has it by the time the step waits.
    const seeded = seedApproval(f.storage, now);
    const id = seeded.record.incident.id;
    const stale: StoredIncident = { ...seeded, record: { ...seeded.record, ts: undefined } };
    const seen: Array<string | undefined> = [];

    // Act
    const result = await commitWithRetry(
      f.deps,
      id,
      (current): StepPlan<string> => {
        seen.push(current.record.ts);
        return current.record.ts === undefined ? { kind: 'wait', result: 'not ready' } : acknowledge(current);
      },
      { firstRead: Promise.resolve(stale) },
    );

    // Assess
    expect(seen).toEqual([undefined, seeded.record.ts]);
    expect(result).toBe('done');
  });

  it('gives the result of the wait step when the state never becomes ready', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    let plans = 0;

    // Act
    const result = await commitWithRetry(f.deps, record.incident.id, (): StepPlan<string> => {
      plans++;
      return { kind: 'wait', result: 'not ready' };
    });

    // Assess
    expect(result).toBe('not ready');
    expect(plans).toBe(7);
    expect(f.storage.table.writes).toEqual([]);
  });

  it('reads again when the read under way failed', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);

    // Act
    const firstRead = Promise.reject(new Error('timeout'));
    const result = await commitWithRetry(f.deps, record.incident.id, acknowledge, { firstRead });

    // Assess
    expect(result).toBe('done');
  });

  it('throws IncidentNotFoundError for an unknown incident', async () => {
    // Act
    const attempt = commitWithRetry(f.deps, 'INC-0000000000', acknowledge);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IncidentNotFoundError);
  });

  it('writes nothing when signing fails', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    f.signer.failing = true;

    // Act
    const attempt = commitWithRetry(f.deps, record.incident.id, acknowledge);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SigningFailedError);
    expect(f.storage.table.writes).toEqual([]);
  });

  it('takes the claim in the same write, and refuses its replay with ReplayedRequestError', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    const claim = { key: 'slack:v0=once', ttlSeconds: 660, now };
    await commitWithRetry(f.deps, id, acknowledge, { claim });
    const writes = f.storage.table.writes.length;

    // Act
    const replay = commitWithRetry(f.deps, id, acknowledge, { claim });

    // Assess
    await expect(replay).rejects.toBeInstanceOf(ReplayedRequestError);
    expect(f.storage.table.writes).toHaveLength(writes);
  });

  it('keeps a committed change when publishing fails, leaving the entries to the sweep', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    f.storage.table.faults.fail('outbox.publish', new Error('ledger table down'));

    // Act
    const result = await commitWithRetry(f.deps, id, acknowledge);

    // Assess
    expect(result).toBe('done');
    expect(f.storage.table.peek(id)!.internal?.unpublished).toHaveLength(1);
    expect(f.telemetry.messages('warn')).toContain('ledger entries committed; publishing them is left to the sweep');
  });
});
