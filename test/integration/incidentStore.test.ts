import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLocal } from '../../sandbox/local/DynamoDbLocal';
import { createTablesFromTemplate } from '../../sandbox/local/tablesFromTemplate';
import { ConcurrentUpdateError, LedgerConflictError, ReplayedRequestError } from '../../src/errors';
import { normalizeIncident } from '../../src/domain/incident';
import { IncidentStatus, type IncidentRecord } from '../../src/domain/incidentRecord';
import type { LedgerEntry } from '../../src/domain/ledger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbIncidentStore } from '../../src/services/DynamoDbIncidentStore';
import type { OnceClaim } from '../../src/services/IncidentStore';
import { onChainEvent } from '../unit/domain/fixtures';
import { localClientConfig } from '../support/localAws';

/** DynamoDbIncidentStore against DynamoDB Local (the run's shared one, else its own). */
describe('Class: DynamoDbIncidentStore (DynamoDB Local)', () => {
  let own: DynamoDbLocal | undefined;
  let store: DynamoDbIncidentStore;
  /** A second store on the same tables: another Lambda container. */
  let other: DynamoDbIncidentStore;
  let client: DynamoDBDocumentClient;
  let ledgerTable: string;
  const now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    let endpoint = process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT;
    if (!endpoint) {
      own = new DynamoDbLocal();
      await own.start();
      endpoint = own.endpoint;
    }
    const suffix = randomBytes(4).toString('hex');
    const tables = await createTablesFromTemplate(new DynamoDBClient(localClientConfig(endpoint)), path.resolve(__dirname, '../../template.yaml'), {
      IncidentsTable: `store-incidents-${suffix}`,
      LedgerTable: `store-ledger-${suffix}`,
    });
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)), { marshallOptions: { removeUndefinedValues: true } });
    ledgerTable = tables.LedgerTable!;
    store = new DynamoDbIncidentStore({ incidentsTable: tables.IncidentsTable!, ledgerTable, callTimeoutMs: 2000, client });
    other = new DynamoDbIncidentStore({ incidentsTable: tables.IncidentsTable!, ledgerTable, callTimeoutMs: 2000, client });
  }, 60_000);
  afterAll(async () => {
    await own?.stop();
  });

  async function created(): Promise<IncidentRecord> {
    const incident = normalizeIncident(onChainEvent({ tx_hash: `0x${randomBytes(8).toString('hex')}` }), 'high', now);
    const record: IncidentRecord = {
      incident,
      tier: 'high',
      status: IncidentStatus.Pending,
      kind: 'approval',
      reasoning: '',
      evidence: [],
      requestedAt: now.toISOString(),
      deadline: new Date(now.getTime() + 3_600_000).toISOString(),
      votes: [],
      escalationLevel: 0,
      dryRun: false,
      actions: [],
      ledgerSeq: 0,
      ledgerHead: '0'.repeat(64),
    } as IncidentRecord;
    await store.create(record, 'token', []);
    return record;
  }
  const claim = (): OnceClaim => ({ key: `slack:v0=${randomBytes(16).toString('hex')}`, ttlSeconds: 660, now });
  const withVote = (r: IncidentRecord): IncidentRecord => ({ ...r, votes: [...r.votes, { userId: 'U1', choice: 'approve', at: now.toISOString() }] });

  /** Ledger entries as the store sees them (it neither hashes nor verifies). */
  const entries = (incidentId: string, from: number, n: number): LedgerEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      type: 'vote',
      incidentId,
      seq: from + i,
      actor: 'U1',
      at: now.toISOString(),
      prevHash: '0'.repeat(64),
      hash: randomBytes(32).toString('hex'),
      signature: 'c2ln',
      keyId: 'k',
    }) as unknown as LedgerEntry);

  it('takes a claim in the same write as the commit', async () => {
    // Prepare
    const record = await created();
    const current = (await store.get(record.incident.id))!;
    const c = claim();

    // Act
    await store.commit(current, withVote(record), [], c);

    // Assess
    expect((await store.get(record.incident.id))!.record.votes).toHaveLength(1);
    expect(await store.claimOnce(c, record.incident.id)).toBe(false);
  });

  it('refuses a commit whose claim was taken before, writing nothing', async () => {
    // Prepare
    const record = await created();
    const c = claim();
    expect(await store.claimOnce(c, record.incident.id)).toBe(true);
    const current = (await store.get(record.incident.id))!;

    // Act
    const attempt = store.commit(current, withVote(record), [], c);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ReplayedRequestError);
    const after = (await store.get(record.incident.id))!;
    expect(after.version).toBe(current.version);
    expect(after.record.votes).toHaveLength(0);
  });

  it('leaves the claim free when the commit loses to another writer', async () => {
    // Prepare
    const record = await created();
    const stale = (await store.get(record.incident.id))!;
    await store.commit(stale, withVote(record), []);
    const c = claim();

    // Act
    const attempt = store.commit(stale, withVote(record), [], c);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await store.claimOnce(c, record.incident.id)).toBe(true);
  });

  it('lets an expired claim be taken again, and keeps claims of unknown incidents apart', async () => {
    // Prepare
    const record = await created();
    const c = claim();
    await store.claimOnce(c, record.incident.id);

    // Act
    const later = await store.claimOnce({ ...c, now: new Date(now.getTime() + (c.ttlSeconds + 1) * 1000) }, record.incident.id);
    const unknown = await store.claimOnce(c, 'INC-0000000000');

    // Assess
    expect(later).toBe(true);
    expect(unknown).toBe(true);
    expect(await store.claimOnce(c, 'INC-0000000000')).toBe(false);
  });

  it('commits entries inside the incident, in the ledger at once, then publishes them to the ledger table', async () => {
    // Prepare
    const record = await created();
    const current = (await store.get(record.incident.id))!;
    const added = entries(record.incident.id, 1, 2);

    // Act
    const written = await store.commit(current, { ...withVote(record), ledgerSeq: 2 }, added);
    const beforePublishing = await store.ledger(record.incident.id);
    const published = await store.publishEntries(record.incident.id, written);

    // Assess
    expect(beforePublishing).toEqual(added);
    expect(published).toBe(2);
    expect(await store.ledger(record.incident.id)).toEqual(added);
    expect((await store.get(record.incident.id))!.internal?.unpublished).toEqual([]);
    expect((await store.allLedgerEntries()).filter((e) => e.incidentId === record.incident.id)).toEqual(added);
  });

  it('does not queue published entries again, from this instance or another', async () => {
    // Prepare: both containers read the incident while its entries are unpublished
    const record = await created();
    const written = await store.commit((await store.get(record.incident.id))!, withVote(record), entries(record.incident.id, 1, 1));
    const seenByOther = (await other.get(record.incident.id))!;
    await store.publishEntries(record.incident.id, written);

    // Act: a write from the older read, by the other container
    await other.update(record.incident.id, (r) => ({ ...r, cardStale: true }), seenByOther);
    const carriedAlong = (await store.get(record.incident.id))!.internal?.unpublished.length;
    const republished = await other.publishEntries(record.incident.id);

    // Assess: carried along once, published again harmlessly, then gone
    expect(carriedAlong).toBe(1);
    expect(republished).toBe(1);
    expect((await store.get(record.incident.id))!.internal?.unpublished).toEqual([]);
    expect(await store.ledger(record.incident.id)).toHaveLength(1);
  });

  it('refuses to publish over a different entry at the same place, keeping it unpublished', async () => {
    // Prepare
    const record = await created();
    const [entry] = entries(record.incident.id, 1, 1);
    const written = await store.commit((await store.get(record.incident.id))!, withVote(record), [entry!]);
    await client.send(new PutCommand({ TableName: ledgerTable, Item: { incidentId: record.incident.id, seq: 1, hash: 'f'.repeat(64), entry: '{}' } }));

    // Act
    const attempt = store.publishEntries(record.incident.id, written);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LedgerConflictError);
    expect((await store.get(record.incident.id))!.internal?.unpublished).toHaveLength(1);
  });

  it('publishes what a crash left unpublished, for every incident (the sweep)', async () => {
    // Prepare: two incidents committed, never published
    const a = await created();
    const b = await created();
    await store.commit((await store.get(a.incident.id))!, withVote(a), entries(a.incident.id, 1, 2));
    await store.commit((await store.get(b.incident.id))!, withVote(b), entries(b.incident.id, 1, 1));

    // Act
    const first = await other.publishAllEntries();
    const second = await other.publishAllEntries();

    // Assess: published, and an incident that cannot be (the conflict above) does not stop the others
    expect(first.published).toBeGreaterThanOrEqual(3);
    for (const id of [a.incident.id, b.incident.id]) expect((await store.get(id))!.internal?.unpublished).toEqual([]);
    expect(second.published).toBe(0);
    expect(second.failures.every((f) => f.error instanceof LedgerConflictError)).toBe(true);
  });

  it('updates from a known version without reading, and re-reads on conflict', async () => {
    // Prepare
    const record = await created();
    const known = (await store.get(record.incident.id))!;
    await store.commit(known, withVote(record), []);

    // Act
    const written = await store.update(record.incident.id, (r) => ({ ...r, cardStale: true }), known);

    // Assess
    expect(written?.votes).toHaveLength(1);
    const after = (await store.get(record.incident.id))!;
    expect(after.record.cardStale).toBe(true);
    expect(after.record.votes).toHaveLength(1);
    expect(after.version).toBe(known.version + 2);
  });
});
