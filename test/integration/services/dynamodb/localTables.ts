import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLocal } from '../../../../sandbox/local/DynamoDbLocal';
import { createTablesFromTemplate } from '../../../../sandbox/local/tablesFromTemplate';
import { createDynamoDbPorts } from '../../../../src/services/dynamodb/createDynamoDbPorts';
import type { StoragePorts } from '../../../../src/services/StoragePorts';
import { localClientConfig } from '../../../support/localAws';

/** Fresh tables from template.yaml in DynamoDB Local, and ports on them. */
export interface LocalTables {
  client: DynamoDBDocumentClient;
  /** DynamoDB Local's endpoint (for code that builds its own client from AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  incidentsTable: string;
  ledgerTable: string;
  /** The receipts' redemptions table (RedemptionsTable). */
  redemptionsTable: string;
  /** The Slack pacer's table (PacerTable). */
  pacerTable: string;
  /** The ports of one container, on these tables. */
  ports: () => StoragePorts;
  /** DynamoDB operations sent through `ports()` clients, in order (e.g. `PutItem`), with their conditions. */
  sent: Array<{ operation: string; condition?: string }>;
  stop: () => Promise<void>;
}

/**
 * Creates uniquely named tables in the run's shared DynamoDB Local (or in one
 * of its own, when the file runs alone). Each `ports()` call is another
 * container: its own memory of what it published, a client that records what it sends.
 */
export async function localTables(prefix: string): Promise<LocalTables> {
  let own: DynamoDbLocal | undefined;
  let endpoint = process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) {
    own = new DynamoDbLocal();
    await own.start();
    endpoint = own.endpoint;
  }
  const suffix = randomBytes(4).toString('hex');
  const template = path.resolve(__dirname, '../../../../template.yaml');
  const tables = await createTablesFromTemplate(new DynamoDBClient(localClientConfig(endpoint)), template, {
    IncidentsTable: `${prefix}-incidents-${suffix}`,
    LedgerTable: `${prefix}-ledger-${suffix}`,
    RedemptionsTable: `${prefix}-redemptions-${suffix}`,
    PacerTable: `${prefix}-pacer-${suffix}`,
  });
  const incidentsTable = tables.IncidentsTable!;
  const ledgerTable = tables.LedgerTable!;
  const redemptionsTable = tables.RedemptionsTable!;
  const sent: LocalTables['sent'] = [];
  const documentClient = () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ConditionExpression?: string };
        const operation = String(context.commandName).replace(/Command$/, '');
        sent.push({ operation, ...(input.ConditionExpression && { condition: input.ConditionExpression }) });
        return next(args);
      },
      { step: 'initialize', name: 'recordSentOperations' },
    );
    return client;
  };
  return {
    client: documentClient(),
    endpoint,
    incidentsTable,
    ledgerTable,
    redemptionsTable,
    pacerTable: tables.PacerTable!,
    ports: () => createDynamoDbPorts({ incidentsTable, ledgerTable, callTimeoutMs: 2000, client: documentClient() }),
    sent,
    stop: async () => {
      await own?.stop();
    },
  };
}

/** The tables of one test file, made before its tests and stopped after them. */
export interface UsedTables {
  /** The tables (inside a test or hook only). */
  readonly tables: LocalTables;
  /** The ports of the file's first container (inside a test or hook only). */
  readonly ports: StoragePorts;
}

/**
 * Registers `beforeAll` / `afterAll` hooks that make fresh tables named after
 * `prefix` for the calling describe block, and its first container's ports.
 * @param prefix the tables' name prefix
 */
export function useLocalTables(prefix: string): UsedTables {
  let tables: LocalTables | undefined;
  let ports: StoragePorts | undefined;
  beforeAll(async () => {
    tables = await localTables(prefix);
    ports = tables.ports();
  }, 60_000);
  afterAll(async () => {
    await tables?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useLocalTables: read inside a test or hook, after beforeAll');
    return value;
  };
  return {
    get tables() {
      return ready(tables);
    },
    get ports() {
      return ready(ports);
    },
  };
}
