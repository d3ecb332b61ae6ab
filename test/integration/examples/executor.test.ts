import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../../examples/executor/handler';
import { snsEvent } from '../../../sandbox/lambdaEvents';
import { ErrorCode } from '../../../src/errors';
import { ACTION, p256, signedReceipt } from '../../unit/receipts/receiptFixture';
import { useLocalTables } from '../services/dynamodb/localTables';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-test-actions';

/**
 * The example executor's Lambda entry point as SNS invokes it: configured from
 * its environment (REDEMPTIONS_TABLE, RECEIPT_PUBLIC_KEY), redeeming in
 * template.yaml's RedemptionsTable on DynamoDB Local.
 */
describe('Example: executor handler (SNS event, DynamoDB Local)', () => {
  const used = useLocalTables('executor');
  const signer = p256();
  const saved = { ...process.env };
  const lines: Array<Record<string, unknown>> = [];
  let logSpy: jest.SpyInstance;

  beforeAll(() => {
    Object.assign(process.env, {
      REDEMPTIONS_TABLE: used.tables.redemptionsTable,
      RECEIPT_PUBLIC_KEY: signer.pem,
      AWS_ENDPOINT_URL_DYNAMODB: used.tables.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_LAMBDA_FUNCTION_NAME: 'chainsec-test-example-executor',
    });
    delete process.env.SIGNING_KEY_ID;
    logSpy = jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    });
  });
  afterAll(() => {
    logSpy.mockRestore();
    process.env = saved;
  });
  beforeEach(() => {
    lines.length = 0;
  });

  /** An execute command for ACTION whose receipt is valid now (decided a minute ago, 15 minutes to run). */
  function command(overrides: Record<string, unknown> = {}) {
    const incidentId = `onchain-0x${randomBytes(4).toString('hex')}`;
    const decidedAt = Date.now() - 60_000;
    const receipt = signedReceipt(signer.privateKey, {
      incidentId,
      ledgerHash: randomBytes(32).toString('hex'),
      decidedAt: new Date(decidedAt).toISOString(),
      expiresAt: new Date(decidedAt + 15 * 60_000).toISOString(),
    });
    return { operation: 'execute', incidentId, action: ACTION, receipt, ...overrides };
  }

  it('runs a valid command once, records the redemption, and refuses the same command delivered again', async () => {
    // Prepare
    const cmd = command();
    const event = snsEvent(TOPIC, JSON.stringify(cmd));

    // Act
    const first = await handler(event);
    const again = await handler(event);

    // Assess
    expect(first).toEqual([{ ran: true, incidentId: cmd.incidentId }]);
    expect(again).toEqual([{ ran: false, code: ErrorCode.ReceiptReplayed, reason: expect.any(String) }]);
    expect(lines.filter((l) => l.message === 'would run')).toEqual([
      expect.objectContaining({ operation: 'execute', incidentId: cmd.incidentId }),
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'command refused',
        code: ErrorCode.ReceiptReplayed,
        incidentId: cmd.incidentId,
      }),
    );
    const { Item } = await used.tables.client.send(
      new GetCommand({
        TableName: used.tables.redemptionsTable,
        Key: { pk: `${cmd.incidentId}#${cmd.receipt.ledgerHash}` },
      }),
    );
    expect(Item).toMatchObject({ incidentId: cmd.incidentId, redeemedBy: 'chainsec-test-example-executor' });
    expect(Item?.ttl).toBeGreaterThan(Date.parse(cmd.receipt.expiresAt as string) / 1000);
  });

  it('refuses an unsigned, a widened and a non-JSON message without running or redeeming', async () => {
    // Prepare
    const widened = command({ action: { ...ACTION, parameters: { ...ACTION.parameters, limit: 10_000 } } });
    const unsigned = command({ receipt: undefined });
    const event = snsEvent(TOPIC, JSON.stringify(widened));
    event.Records.push(...snsEvent(TOPIC, JSON.stringify(unsigned)).Records, ...snsEvent(TOPIC, '{not json').Records);

    // Act
    const outcomes = await handler(event);
    const { Item } = await used.tables.client.send(
      new GetCommand({
        TableName: used.tables.redemptionsTable,
        Key: { pk: `${widened.incidentId}#${widened.receipt.ledgerHash}` },
      }),
    );

    // Assess
    expect(outcomes.map((o) => (o.ran ? 'ran' : o.code))).toEqual([
      ErrorCode.ReceiptActionMismatch,
      ErrorCode.ReceiptMalformed,
      ErrorCode.ReceiptMalformed,
    ]);
    expect(lines.filter((l) => l.message === 'would run')).toEqual([]);
    expect(Item).toBeUndefined();
  });
});
