import type { DynamoDbLocal } from '../../sandbox/local/DynamoDbLocal';

/** Stops the shared DynamoDB Local (and its Java child). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __chainsecDynamo?: DynamoDbLocal }).__chainsecDynamo?.stop();
}
