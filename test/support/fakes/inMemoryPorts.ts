import type { StoragePorts } from '../../../src/services/StoragePorts';
import { InMemoryCounters } from './InMemoryCounters';
import { InMemoryIncidentRepository } from './InMemoryIncidentRepository';
import { InMemoryIncidentTable } from './InMemoryIncidentTable';
import { InMemoryLedger } from './InMemoryLedger';
import { InMemoryLedgerOutbox } from './InMemoryLedgerOutbox';
import { InMemoryRejectedPayloads } from './InMemoryRejectedPayloads';
import { InMemoryRequestClaims } from './InMemoryRequestClaims';
import { InMemorySideDocuments } from './InMemorySideDocuments';

/** The in-memory storage ports, and the table behind them (writes, faults, seeds, peeks). */
export interface InMemoryStorage {
  ports: StoragePorts & { rejected: InMemoryRejectedPayloads };
  table: InMemoryIncidentTable;
}

/**
 * Every storage port in memory, as createDynamoDbPorts builds them: the
 * repository, outbox, ledger and claims share one incident table.
 */
export function createInMemoryPorts(table = new InMemoryIncidentTable()): InMemoryStorage {
  return {
    table,
    ports: {
      incidents: new InMemoryIncidentRepository(table),
      outbox: new InMemoryLedgerOutbox(table),
      ledger: new InMemoryLedger(table),
      claims: new InMemoryRequestClaims(table),
      counters: new InMemoryCounters(table),
      sideDocs: new InMemorySideDocuments(table),
      rejected: new InMemoryRejectedPayloads(table),
    },
  };
}
