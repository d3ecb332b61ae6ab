import { readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { type CfnObject, isCfnObject, parseCfnYaml } from './cfnYaml';

/** A table as the template describes it, reduced to what DynamoDB Local accepts. */
export interface TemplateTable {
  logicalId: string;
  input: Omit<CreateTableCommandInput, 'TableName'>;
  /** The TTL attribute, when `TimeToLiveSpecification.Enabled` is true. */
  ttlAttribute?: string;
}

/** Keeps only IndexName, KeySchema and Projection: throughput settings do not apply to PAY_PER_REQUEST. */
function index(raw: unknown): CfnObject {
  if (!isCfnObject(raw)) throw new Error(`an index of the template is not a mapping: ${JSON.stringify(raw)}`);
  return { IndexName: raw.IndexName, KeySchema: raw.KeySchema, Projection: raw.Projection };
}

/**
 * Every `AWS::DynamoDB::Table` of a CloudFormation/SAM template, as
 * CreateTable inputs. Only the parts that shape the data are kept
 * (KeySchema, AttributeDefinitions, indexes, streams, TTL); properties
 * DynamoDB Local refuses or ignores (SSE, PITR, DeletionProtection, Tags,
 * throughput) are dropped, and billing is always PAY_PER_REQUEST.
 */
export function tablesOfTemplate(template: unknown): TemplateTable[] {
  const resources = isCfnObject(template) && isCfnObject(template.Resources) ? template.Resources : {};
  const tables: TemplateTable[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isCfnObject(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const p = isCfnObject(resource.Properties) ? resource.Properties : {};
    if (!Array.isArray(p.KeySchema) || !Array.isArray(p.AttributeDefinitions)) {
      throw new Error(`table ${logicalId} of the template has no KeySchema or AttributeDefinitions`);
    }
    const input: CfnObject = {
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
    };
    if (Array.isArray(p.GlobalSecondaryIndexes) && p.GlobalSecondaryIndexes.length > 0)
      input.GlobalSecondaryIndexes = p.GlobalSecondaryIndexes.map(index);
    if (Array.isArray(p.LocalSecondaryIndexes) && p.LocalSecondaryIndexes.length > 0)
      input.LocalSecondaryIndexes = p.LocalSecondaryIndexes.map(index);
    if (isCfnObject(p.StreamSpecification) && typeof p.StreamSpecification.StreamViewType === 'string') {
      input.StreamSpecification = { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType };
    }
    const ttl = isCfnObject(p.TimeToLiveSpecification) ? p.TimeToLiveSpecification : undefined;
    const ttlAttribute =
      ttl && ttl.Enabled === true && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
    tables.push({ logicalId, input: input as TemplateTable['input'], ...(ttlAttribute && { ttlAttribute }) });
  }
  return tables;
}

/**
 * Creates in DynamoDB (Local) every table of the template, under the names
 * given by logical id, and turns on TTL where the template does. A table
 * that already exists is left as it is (so a second call is harmless).
 * @param tableNames physical name by logical id; every table of the template must have one, and only those
 * @returns the physical names, by logical id
 */
export async function createTablesFromTemplate(
  client: DynamoDBClient,
  templatePath: string,
  tableNames: Record<string, string>,
): Promise<Record<string, string>> {
  const tables = tablesOfTemplate(parseCfnYaml(readFileSync(templatePath, 'utf8')));
  const known = new Set(tables.map((t) => t.logicalId));
  const missing = tables.filter((t) => !tableNames[t.logicalId]).map((t) => t.logicalId);
  const extra = Object.keys(tableNames).filter((id) => !known.has(id));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `table names do not match ${templatePath}: ` +
        [
          missing.length > 0 && `no name given for ${missing.join(', ')}`,
          extra.length > 0 && `no such table in the template: ${extra.join(', ')}`,
        ]
          .filter(Boolean)
          .join('; '),
    );
  }
  await Promise.all(
    tables.map(async (table) => {
      const TableName = tableNames[table.logicalId]!;
      try {
        await client.send(new CreateTableCommand({ ...table.input, TableName }));
      } catch (e) {
        if ((e as Error).name !== 'ResourceInUseException')
          throw new Error(`could not create table ${TableName} (${table.logicalId}): ${(e as Error).message}`, {
            cause: e,
          });
        return;
      }
      await waitActive(client, TableName);
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
      }
    }),
  );
  return Object.fromEntries(tables.map((t) => [t.logicalId, tableNames[t.logicalId]!]));
}

/** DynamoDB Local makes tables ACTIVE at once; this only guards against a slow one. */
async function waitActive(client: DynamoDBClient, TableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`table ${TableName} is still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
