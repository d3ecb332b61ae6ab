import { asffFinding, securityHubImported } from '../../sandbox/samples/findingEvents';
import { buildDocumentClient, queryAll } from '../../src/services/dynamodb/documentClient';
import { REJECTED } from '../../src/services/dynamodb/tableLayout';
import { eventually } from '../support/localAws';
import { incidentIdOf, unique, useHarness } from '../support/sandboxHarness';

const APPROVALS_CHANNEL = 'C0APPROVALS';

/**
 * Findings shaped as Trivy's ASFF template writes them (aquasecurity/trivy,
 * contrib/asff.tpl): `Id` is `<target>/<CVE>`, so every account scanning the
 * same image sends the same `Id`; `ProductArn` is Aqua's product.
 */
function trivyFinding(target: string, over: Record<string, unknown>): Record<string, unknown> {
  return asffFinding({
    Id: `${target}/CVE-2019-14697`,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity',
    ProductName: 'Aqua Security',
    GeneratorId: 'Trivy',
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    Title: `Trivy found a vulnerability to CVE-2019-14697 in container ${target}`,
    Resources: [{ Type: 'Container', Id: target, Partition: 'aws', Region: 'us-east-1' }],
    ...over,
  });
}

describe('E2E: finding identity — account, region and product are part of a finding', () => {
  const h = useHarness();

  /** Every record of the rejected store whose payload holds `text` (all pages: each record holds a whole event). */
  async function keptRecords(text: string) {
    const items = await queryAll(buildDocumentClient(10_000), {
      TableName: process.env.INCIDENTS_TABLE!,
      KeyConditionExpression: 'pk = :p',
      FilterExpression: 'contains(payload, :t)',
      ExpressionAttributeValues: { ':p': REJECTED, ':t': text },
      ProjectionExpression: 'reason, truncated, sk',
    });
    return items as Array<{ reason: string; truncated: boolean }>;
  }

  it("another account's critical finding with the same Id is its own incident, and asks people on its own card", async () => {
    // Prepare: a medium finding in one account, already shown
    const target = `registry.example/app-${unique()}:1.0 (alpine 3.10.2)`;
    const medium = securityHubImported([
      trivyFinding(target, { AwsAccountId: '111111111111', Severity: { Label: 'MEDIUM', Normalized: 40 } }),
    ]);
    expect((await h.json('POST', '/sandbox/events', medium)).status).toBe(202);
    const mediumCard = await h.waitForMessage(target, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act: the same Id from another account, critical
    const critical = securityHubImported([
      trivyFinding(target, { AwsAccountId: '222222222222', Severity: { Label: 'CRITICAL', Normalized: 90 } }),
    ]);
    const sent = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', critical);
    const criticalCard = await eventually(
      async () =>
        (await h.messages()).find(
          (m) =>
            m.channel === APPROVALS_CHANNEL &&
            m.kind === 'message' &&
            !m.thread_ts &&
            m.ts !== mediumCard.ts &&
            JSON.stringify(m.blocks).includes(target),
        ),
      20_000,
      100,
    );

    // Assess: two incidents, the critical one on its own approval card naming its account
    expect(sent.body.executionArns).toHaveLength(1);
    expect(incidentIdOf(criticalCard)).not.toBe(incidentIdOf(mediumCard));
    expect(criticalCard.text).toMatch(/critical/i);
    expect(JSON.stringify(criticalCard.blocks)).toContain('222222222222');
    expect(JSON.stringify(criticalCard.blocks)).toContain('chainsec_approve');
  });

  it('an event with 101 findings keeps every one: the most urgent is carded, every other is kept in the rejected store', async () => {
    // Prepare: finding 0 high, 1..100 medium (the 101st past the findings read one by one)
    const tag = unique();
    const ids = Array.from({ length: 101 }, (_, i) => `${tag}/finding-${i}`);
    const findings = ids.map((Id, i) =>
      asffFinding({
        Id,
        Title: `batch ${tag} finding ${i}`,
        Severity: i === 0 ? { Label: 'HIGH', Normalized: 70 } : { Label: 'MEDIUM', Normalized: 40 },
      }),
    );

    // Act
    const sent = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', securityHubImported(findings));
    const card = await h.waitForMessage(`batch ${tag} finding 0`, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const kept = await eventually(
      async () => {
        const mine = await keptRecords(tag);
        return mine.length >= 100 ? mine : undefined;
      },
      30_000,
      200,
    );

    // Assess: one card; each of the 99 others read is kept naming its id; the one past the limit is kept, counted
    expect(sent.body.executionArns).toHaveLength(1);
    expect(card.text).toMatch(/high/i);
    const cards = (await h.messages()).filter((m) => m.kind === 'message' && !m.thread_ts && m.text.includes(tag));
    expect(cards).toHaveLength(1);
    for (const id of ids.slice(1, 100)) expect(kept.some((k) => k.reason.includes(id))).toBe(true);
    const past = kept.filter((k) => k.reason.includes('past the first 100'));
    expect(past).toHaveLength(1);
    expect(past[0]!.reason).toContain('1 finding past the first 100 of one event (detail.findings[100..100])');
    expect((await keptRecords(ids[100]!)).length).toBe(kept.length);
    expect(past[0]!.truncated).toBe(false);
  });
});
