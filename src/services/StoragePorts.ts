import type { Counters } from './Counters';
import type { IncidentRepository } from './IncidentRepository';
import type { Ledger } from './Ledger';
import type { LedgerOutbox } from './LedgerOutbox';
import type { RejectedPayloads } from './RejectedPayloads';
import type { RequestClaims } from './RequestClaims';
import type { SideDocuments } from './SideDocuments';

/**
 * The storage ports, one concept each, as the use cases receive them (see
 * AppDeps). `incidents`, `outbox` and `ledger` share the incident's item (see
 * IncidentRepository); the others keep items of their own.
 */
export interface StoragePorts {
  incidents: IncidentRepository;
  outbox: LedgerOutbox;
  ledger: Ledger;
  claims: RequestClaims;
  counters: Counters;
  sideDocs: SideDocuments;
  rejected: RejectedPayloads;
}
