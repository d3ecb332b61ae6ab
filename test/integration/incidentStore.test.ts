import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLocal } from '../../sandbox/local/DynamoDbLocal';
import { createTablesFromTemplate } from '../../sandbox/local/tablesFromTemplate';
import { ConcurrentUpdateError, ReplayedRequestError } from '../../src/errors';
import { normalizeIncident } from '../../src/domain/incident';
import { IncidentStatus, type IncidentRecord } from '../../src/domain/incidentRecord';
import { DynamoDbIncidentStore } from '../../src/services/DynamoDbIncidentStore';
import type { OnceClaim } from '../../src/services/IncidentStore';
import { onChainEvent } from '../unit/domain/fixtures';
import { localClientConfig } from '../support/localAws';

/** DynamoDbIncidentStore against DynamoDB Local (the run's shared one, else its own). */
describe('Class: DynamoDbIncidentStore (DynamoDB Local)', () => {
  let own: DynamoDbLocal | undefined;
  let store: DynamoDbIncidentStore;
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
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)), { marshallOptions: { removeUndefinedValues: true } });
    store = new DynamoDbIncidentStore({ incidentsTable: tables.IncidentsTable!, ledgerTable: tables.LedgerTable!, callTimeoutMs: 2000, client });
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

  it('takes a claim in the same transaction as the commit', async () => {
    // Prepare
    const record = await created();
    const current = (await store.get(record.incident.id))!;
    const c = claim();

    // Act
    await store.commit(current, withVote(record), [], c);

    // Assess
    expect((await store.get(record.incident.id))!.record.votes).toHaveLength(1);
    expect(await store.claimOnce(c)).toBe(false);
  });

  it('refuses a commit whose claim was taken before, writing nothing', async () => {
    // Prepare
    const record = await created();
    const current = (await store.get(record.incident.id))!;
    const c = claim();
    await store.claimOnce(c);

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
    expect(await store.claimOnce(c)).toBe(true);
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
