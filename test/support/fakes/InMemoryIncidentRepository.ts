import { ConcurrentUpdateError, ReplayedRequestError } from '../../../src/errors';
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
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';
import { withClaimTaken } from './inMemoryClaims';

const MAX_UPDATE_ATTEMPTS = 6;
const NONE: IncidentInternals = { unpublished: [], claims: [] };

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
    const existing = await this.table.read(record.incident.id);
    if (!existing) {
      const details = { incidentId: record.incident.id };
      throw new ConcurrentUpdateError('incident create conflicted but no incident exists', details);
    }
    return { created: false, existing };
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
    const { unpublished, claims } = current.internal ?? NONE;
    // As in DynamoDB: the claims read with `current` are checked, and the version condition makes it atomic.
    const kept = claim ? withClaimTaken(claims, claim) : [...claims];
    if (!kept) throw new ReplayedRequestError({ incidentId: next.incident.id });
    const outbox = [...unpublished, ...entries.map((e) => JSON.stringify(e))];
    return this.table.putOver(current, next, { unpublished: outbox, claims: kept });
  }

  public async update(
    incidentId: string,
    mutate: RecordMutation,
    known?: StoredIncident,
  ): Promise<IncidentRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && known ? known : await this.table.read(incidentId);
      if (!current) return undefined;
      const next = mutate(current.record);
      if (!next) return current.record;
      await otherCallersFirst();
      try {
        this.table.faults.check('incidents.update');
        this.table.putOver(current, next, current.internal ?? NONE);
        return next;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
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
