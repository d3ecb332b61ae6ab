import { hasWorkLeft, type IncidentRecord } from '../../../src/domain/incidentRecord';
import type { LedgerEntry } from '../../../src/domain/ledger';
import type {
  CreateResult,
  IncidentInternals,
  IncidentRepository,
  RecordMutation,
  StoredIncident,
} from '../../../src/services/IncidentRepository';
import type { OnceClaim } from '../../../src/services/RequestClaims';
import { committedInternals, createConflicted, updateWithRetry } from '../../../src/services/incidentWrites';
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

const NONE: IncidentInternals = { unpublished: [] };

/** {@link IncidentRepository} in memory, with DynamoDbIncidentRepository's conditions. */
export class InMemoryIncidentRepository implements IncidentRepository {
  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async create(
    record: IncidentRecord,
    taskToken: string | undefined,
    entries: readonly LedgerEntry[],
  ): Promise<CreateResult> {
    await otherCallersFirst();
    if (this.table.create(record, taskToken, entries)) return { created: true };
    return createConflicted(record.incident.id, await this.table.read(record.incident.id));
  }

  public get(incidentId: string): Promise<StoredIncident | undefined> {
    return this.table.read(incidentId);
  }

  public async commit(
    current: StoredIncident,
    next: IncidentRecord,
    entries: readonly LedgerEntry[],
    claim?: OnceClaim,
  ): Promise<StoredIncident> {
    await otherCallersFirst();
    this.table.faults.check('incidents.commit');
    // As in DynamoDB: the version and the claim's key are checked, and both written, in one write.
    return this.table.putOver(current, next, committedInternals(current, entries), claim);
  }

  public update(
    incidentId: string,
    mutate: RecordMutation,
    known?: StoredIncident,
  ): Promise<IncidentRecord | undefined> {
    const write = async (current: StoredIncident, next: IncidentRecord): Promise<void> => {
      await otherCallersFirst();
      this.table.faults.check('incidents.update');
      this.table.putOver(current, next, current.internal ?? NONE);
    };
    return updateWithRetry(() => this.table.read(incidentId), write, mutate, known);
  }

  public async listOpen(): Promise<IncidentRecord[]> {
    return (await this.table.readAll())
      .filter((s) => hasWorkLeft(s.record) || (s.internal?.unpublished.length ?? 0) > 0)
      .map((s) => s.record);
  }

  public async listByDays(days: readonly string[]): Promise<IncidentRecord[]> {
    const wanted = new Set(days);
    const all = await this.table.readAll();
    return all.filter((s) => wanted.has(s.record.requestedAt.slice(0, 10))).map((s) => s.record);
  }
}
