import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions } from './awsClients';

/**
 * The DynamoDB document client of a container, for the handlers to hand to
 * the store (so it can be instrumented first, see `PowertoolsTracing`). The
 * same settings as the client `DynamoDbIncidentStore` and `DynamoDbFullTextStore` build when given none.
 */
export function documentClient(callTimeoutMs: number): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(callTimeoutMs)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
