import { DynamoDbLocal } from '../../sandbox/local/DynamoDbLocal';

/**
 * One DynamoDB Local (the real engine) for the whole run; every sandbox and
 * integration test creates its own uniquely named tables in it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT) return;
  const dynamo = new DynamoDbLocal();
  await dynamo.start();
  (globalThis as { __chainsecDynamo?: DynamoDbLocal }).__chainsecDynamo = dynamo;
  process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
}
