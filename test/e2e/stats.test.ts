// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
import { useHarness, ask, unique, textOf } from '../support/sandboxHarness';
import { createDynamoDbPorts } from '../../src/services/dynamodb/createDynamoDbPorts';
import { incidentIdFor, normalizeIncident } from '../../src/domain/incident';
import type { IncidentRecord } from '../../src/domain/incidentRecord';
import { recordOf } from '../support/records';

describe('E2E: stats against seeded timings', () => {
  const h = useHarness();

  it('reports p50/p90 time to acknowledge and decide, outcomes, distribution, auto-action and false-positive rates', async () => {
    // Prepare: 10 high requests acknowledged after 1..10 min and decided after 2..20 min, plus low ones.
    const { incidents } = createDynamoDbPorts({
      incidentsTable: process.env.INCIDENTS_TABLE!,
      ledgerTable: process.env.LEDGER_TABLE!,
      callTimeoutMs: 2000,
    });
    const base = Date.now() - 3 * 3600_000;
    const seed = async (i: number, tier: 'high' | 'low', patch: Partial<IncidentRecord>) => {
      const event = {
        tx_hash: `0xseed${unique()}${i}`,
        amount_usd: 10,
        protocol: 'Seed',
        anomaly_score: tier === 'high' ? 0.8 : 0.1,
      };
      const incident = normalizeIncident(event, tier, new Date(base));
      const record = recordOf({ ...incident, id: incidentIdFor(event) }, new Date(base + i * 1000), {
        status: 'decided',
        kind: tier === 'high' ? 'approval' : 'notification',
        ...patch,
      });
      await incidents.create(record, undefined, []);
    };
    for (let i = 1; i <= 10; i++) {
      const at = base + i * 1000;
      await seed(i, 'high', {
        acknowledgedAt: new Date(at + i * 60_000).toISOString(),
        decidedAt: new Date(at + 2 * i * 60_000).toISOString(),
        decision: i <= 7 ? 'approve' : 'deny',
        ...(i === 1 && { falsePositive: { by: 'U0APPROVER1', at: new Date(at).toISOString() } }),
      });
    }
    for (let i = 11; i <= 14; i++) {
      await seed(i, 'low', {
        status: 'notified',
        actions: [
          {
            operation: 'contain',
            status: i === 14 ? 'failed' : 'executed',
            dryRun: false,
            at: new Date(base).toISOString(),
          },
        ],
      });
    }

    // Act
    const [answer] = await ask(h, 'U0APPROVER1', 'stats 24h');
    const text = textOf(answer!);

    // Assess: nearest-rank p50 of 1..10 min is 5 min, p90 is 9 min; decide 10 / 18 min.
    expect(text).toContain('*Time to acknowledge:* p50 5.0 min · p90 9.0 min (n=10)');
    expect(text).toContain('*Time to decide:* p50 10.0 min · p90 18.0 min (n=10)');
    expect(text).toContain('*high*: approved 7, denied 3, rolled back 0, expired 0, pending 0');
    expect(text).toContain('low 4 · medium 0 · high 10 · critical 0');
    expect(text).toContain('*Auto-action success rate:* 75.0% (3 executed, 1 failed, 0 dry run)');
    expect(text).toContain('*False-positive rate:* 7.1% (1 marked)');
  });
});
