import path from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDbLocal, JAVA_INSTALL_HINT } from '../../../sandbox/local/DynamoDbLocal';
import { createTablesFromTemplate } from '../../../sandbox/local/tablesFromTemplate';
import { localClientConfig } from '../../support/localAws';

const TEMPLATE = path.resolve(__dirname, '../../../template.yaml');

describe('Class: DynamoDbLocal', () => {
  // One JVM for the whole file: starting DynamoDB Local takes seconds.
  const dynamo = new DynamoDbLocal();
  let client: DynamoDBClient;
  const names = {
    IncidentsTable: 'test-incidents',
    LedgerTable: 'test-ledger',
    RedemptionsTable: 'test-redemptions',
    PacerTable: 'test-pacer',
  };

  beforeAll(async () => {
    await dynamo.start();
    client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    await createTablesFromTemplate(client, TEMPLATE, names);
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo.stop();
  });

  afterEach(() => dynamo.faults.clear());

  describe('Method: start', () => {
    it('serves the DynamoDB API on 127.0.0.1', async () => {
      // Act
      const out = await client.send(new ListTablesCommand({}));

      // Assess
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(out.TableNames).toEqual(expect.arrayContaining(['test-incidents', 'test-ledger']));
    });

    it('says how to install Java when there is none', async () => {
      // Prepare
      const noJava = new DynamoDbLocal({ javaPath: '/nonexistent/bin/java' });

      // Act
      const started = noJava.start();

      // Assess
      await expect(started).rejects.toThrow(JAVA_INSTALL_HINT);
      expect(JAVA_INSTALL_HINT).toContain('apt-get install -y openjdk-17-jre-headless');
    });
  });

  describe('Function: createTablesFromTemplate', () => {
    it('creates the incidents table with its keys, both GSIs and TTL', async () => {
      // Act
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names.IncidentsTable }));
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.IncidentsTable }));

      // Assess
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byDay', 'pending']);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    });

    it('creates the ledger table keyed by incidentId and numeric seq, without TTL', async () => {
      // Act
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names.LedgerTable }));
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.LedgerTable }));

      // Assess
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'incidentId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ]);
      expect(Table?.AttributeDefinitions).toEqual(
        expect.arrayContaining([{ AttributeName: 'seq', AttributeType: 'N' }]),
      );
      expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    });

    it('creates the redemptions table keyed by pk, with TTL on ttl', async () => {
      // Act
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names.RedemptionsTable }));
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.RedemptionsTable }));

      // Assess
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
    });

    it('is harmless when called again, and refuses names that do not match the template', async () => {
      // Act
      const again = await createTablesFromTemplate(client, TEMPLATE, names);
      const wrong = await createTablesFromTemplate(client, TEMPLATE, { IncidentsTable: 'x' }).catch((e: Error) => e);

      // Assess
      expect(again).toEqual(names);
      expect(wrong).toBeInstanceOf(Error);
      expect((wrong as Error).message).toMatch(/no name given for LedgerTable/);
    });
  });

  describe('Property: faults', () => {
    it('injects an error for one operation through the front, then forwards again', async () => {
      // Prepare
      dynamo.faults.set('PutItem', { error: 'ProvisionedThroughputExceededException', status: 400, times: 1 });
      const put = () =>
        client.send(
          new PutItemCommand({ TableName: names.LedgerTable, Item: { incidentId: { S: 'inc-1' }, seq: { N: '1' } } }),
        );

      // Act
      const first = await put().catch((e: Error) => e);
      await put();
      const got = await client.send(
        new GetItemCommand({ TableName: names.LedgerTable, Key: { incidentId: { S: 'inc-1' }, seq: { N: '1' } } }),
      );

      // Assess
      expect(first).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
      expect(got.Item?.incidentId?.S).toBe('inc-1');
    });
  });
});
