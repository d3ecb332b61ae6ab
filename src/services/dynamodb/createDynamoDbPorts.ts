import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoragePorts } from '../StoragePorts';
import { buildDocumentClient } from './documentClient';
import { DynamoDbCounters } from './DynamoDbCounters';
import { DynamoDbIncidentRepository } from './DynamoDbIncidentRepository';
import { DynamoDbLedger } from './DynamoDbLedger';
import { DynamoDbLedgerOutbox } from './DynamoDbLedgerOutbox';
import { DynamoDbRejectedPayloads } from './DynamoDbRejectedPayloads';
import { DynamoDbRequestClaims } from './DynamoDbRequestClaims';
import { DynamoDbSideDocuments } from './DynamoDbSideDocuments';
import { IncidentItems } from './IncidentItems';

/** Tables the ports use (see template.yaml). */
export interface DynamoDbPortsOptions {
  incidentsTable: string;
  ledgerTable: string;
  callTimeoutMs: number;
  /** Injected for tests; built from the environment otherwise. */
  client?: DynamoDBDocumentClient;
}

/**
 * Every storage port on DynamoDB, over one document client. The incident
 * repository, the outbox and the ledger reads share one {@link IncidentItems}:
 * their data lives in the same item, written under one version, and what this
 * container published is not queued again.
 */
export function createDynamoDbPorts(options: DynamoDbPortsOptions): StoragePorts {
  const client = options.client ?? buildDocumentClient(options.callTimeoutMs);
  const items = new IncidentItems({ client, incidentsTable: options.incidentsTable, ledgerTable: options.ledgerTable });
  return {
    incidents: new DynamoDbIncidentRepository(items),
    outbox: new DynamoDbLedgerOutbox(items),
    ledger: new DynamoDbLedger(items),
    claims: new DynamoDbRequestClaims(client, options.incidentsTable),
    counters: new DynamoDbCounters(client, options.incidentsTable),
    sideDocs: new DynamoDbSideDocuments(client, options.incidentsTable),
    rejected: new DynamoDbRejectedPayloads(client, options.incidentsTable),
  };
}
