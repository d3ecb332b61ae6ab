import type { SQSEvent } from 'aws-lambda';
import { useHarness, unique } from '../support/sandboxHarness';
import { lambdaContext } from '../../sandbox/lambdaEvents';
import { ingestQueueEvent } from '../support/sqsEvents';
import { createDynamoDbPorts } from '../../src/services/dynamodb/createDynamoDbPorts';

/** The ingest queue's event for `bodies`, each wrapped in its SNS notification as the subscription delivers it. */
function sqsEvent(bodies: string[]): SQSEvent {
  return ingestQueueEvent(
    bodies.map((body, i) => JSON.stringify({ Type: 'Notification', MessageId: `sns-${i}`, Message: body })),
  );
}

describe('E2E: ingest batches with bad records', () => {
  const h = useHarness();

  it('rejects malformed, unknown and oversize records with clear errors, keeps them, and posts the valid one', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/ingest');
    const tx = `0x${unique()}ab`;
    const bodies = [
      '{"tx_hash": "0xbroken",',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ tx_hash: '0xbig', amount_usd: 1, protocol: 'p', anomaly_score: 0.1, pad: 'x'.repeat(300_000) }),
      JSON.stringify({ tx_hash: tx, amount_usd: 700, protocol: 'Balancer', anomaly_score: 0.5 }),
    ];

    // Act
    const out = await handler(sqsEvent(bodies), lambdaContext('chainsec-ingest'));
    const card = await h.waitForMessage(tx);
    const { rejected } = createDynamoDbPorts({
      incidentsTable: process.env.INCIDENTS_TABLE!,
      ledgerTable: process.env.LEDGER_TABLE!,
      callTimeoutMs: 2000,
    });
    const kept = await rejected.list(10);

    // Assess
    expect(out).toEqual({ batchItemFailures: [] });
    expect(card.text).toMatch(/medium/i);
    expect(kept.map((k) => k.code).sort()).toEqual([
      'chainsec_invalid_input',
      'chainsec_payload_too_large',
      'chainsec_unknown_payload',
    ]);
    expect(kept.find((k) => k.code === 'chainsec_invalid_input')!.reason).toMatch(/malformed JSON/);
    expect(kept.find((k) => k.code === 'chainsec_payload_too_large')!.bytes).toBeGreaterThan(256 * 1024);
  });

  it('is idempotent on redelivery: the same notification twice is one card', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/ingest');
    const tx = `0x${unique()}dd`;
    const body = JSON.stringify({ tx_hash: tx, amount_usd: 800, protocol: 'Maker', anomaly_score: 0.5 });

    // Act
    await handler(sqsEvent([body]), lambdaContext('chainsec-ingest'));
    await handler(sqsEvent([body]), lambdaContext('chainsec-ingest'));
    await h.json('POST', '/sandbox/notifications', { source: 'eventbridge', message: JSON.parse(body) });
    await h.waitForMessage(tx);

    // Assess
    expect(
      (await h.messages()).filter((m) => m.text.includes(tx) || JSON.stringify(m.blocks).includes(tx)),
    ).toHaveLength(1);
  });

  it('fails a workflow started with a bad event (chainsec.InvalidIncident) and keeps the event with a reason naming the field', async () => {
    // Prepare
    const marker = `0xbad${unique()}`;

    // Act
    const arn = await h.startIncident({ tx_hash: marker, protocol: 'Aave', anomaly_score: 0.5 });
    const execution = await h.waitForExecution(arn);
    const { rejected } = createDynamoDbPorts({
      incidentsTable: process.env.INCIDENTS_TABLE!,
      ledgerTable: process.env.LEDGER_TABLE!,
      callTimeoutMs: 2000,
    });
    const kept = (await rejected.list(50)).find((k) => k.payload.includes(marker));

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(String(execution.error)).toContain('chainsec.InvalidIncident');
    expect(kept?.source).toBe('workflow:classify');
    expect(kept?.reason).toMatch(/invalid on-chain event: amount_usd/);
  });
});
