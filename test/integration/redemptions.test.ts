import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ErrorCode } from '../../src/errors';
import { redeemReceipt } from '../../src/receipts/redeemReceipt';
import { verifyReceipt } from '../../src/receipts/verifyReceipt';
import { DynamoDbRedemptionStore } from '../../src/services/dynamodb/DynamoDbRedemptionStore';
import { localClientConfig } from '../support/localAws';
import { p256, signedReceipt, VALID_AT } from '../unit/receipts/receiptFixture';
import { useLocalTables } from './services/dynamodb/localTables';

/** Single use of a receipt against DynamoDB Local, on template.yaml's RedemptionsTable. */
describe('Class: DynamoDbRedemptionStore (DynamoDB Local)', () => {
  const used = useLocalTables('redemptions');
  let store: DynamoDbRedemptionStore;
  const signer = p256();

  beforeAll(() => {
    // Retries on: the 20 writers below race on one item, and a throttled one must still get its answer.
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(used.tables.endpoint, 3)));
    store = new DynamoDbRedemptionStore({ tableName: used.tables.redemptionsTable, callTimeoutMs: 5000, client });
  });

  it('lets exactly one of 20 concurrent redemptions of a receipt run', async () => {
    // Prepare
    const receipt = await verifyReceipt(
      signedReceipt(signer.privateKey, { incidentId: `onchain-${randomBytes(4).toString('hex')}` }),
      {
        publicKey: signer.pem,
        now: VALID_AT,
      },
    );
    let runs = 0;

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        redeemReceipt(store, receipt, `executor-${i}`).then(() => {
          runs++;
        }),
      ),
    );

    // Assess
    expect(runs).toBe(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.reason).toMatchObject({ code: ErrorCode.ReceiptReplayed });
  });

  it('redeems receipts of different decisions independently', async () => {
    // Prepare
    const a = signedReceipt(signer.privateKey, { incidentId: 'onchain-a', ledgerHash: '01'.repeat(32) });
    const b = signedReceipt(signer.privateKey, { incidentId: 'onchain-a', ledgerHash: '02'.repeat(32) });

    // Act
    const first = await store.redeemOnce(`${a.incidentId}#${a.ledgerHash}`, VALID_AT, {
      incidentId: 'onchain-a',
      redeemedBy: 't',
    });
    const second = await store.redeemOnce(`${b.incidentId}#${b.ledgerHash}`, VALID_AT, {
      incidentId: 'onchain-a',
      redeemedBy: 't',
    });

    // Assess
    expect([first, second]).toEqual([true, true]);
  });
});
