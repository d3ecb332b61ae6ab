import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { clientOptions } from '../awsClients';

/** The document client every DynamoDB adapter shares (one per container). */
export function buildDocumentClient(callTimeoutMs: number): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(callTimeoutMs)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Every item of every page. */
async function allItems(
  pages: AsyncIterable<{ Items?: Record<string, unknown>[] }>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** Every item a query matches, all pages (`paginateQuery`). */
export function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  return allItems(paginateQuery({ client }, input));
}

/** Every item of a scan, all pages (`paginateScan`). */
export function scanAll(client: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Record<string, unknown>[]> {
  return allItems(paginateScan({ client }, input));
}
