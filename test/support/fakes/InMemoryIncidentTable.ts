import { ConcurrentUpdateError, LedgerConflictError, ReplayedRequestError } from '../../../src/errors';
import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import type { LedgerEntry } from '../../../src/domain/ledger';
import type { IncidentInternals, StoredIncident } from '../../../src/services/IncidentRepository';
import type { OnceClaim } from '../../../src/services/RequestClaims';
import { Faults, otherCallersFirst } from './Faults';

/** The storage operations a test can make fail (see {@link InMemoryIncidentTable.faults}). */
export type StorageOperation =
  | 'incidents.create'
  | 'incidents.get'
  | 'incidents.commit'
  | 'incidents.update'
  | 'incidents.list'
  | 'outbox.publish'
  | 'ledger.read'
  | 'claims.take'
  | 'counters.increment'
  | 'sideDocs.get'
  | 'sideDocs.put'
  | 'rejected.keep';

/** One write, as DynamoDB would have received it. */
export interface StorageWrite {
  /** `put` of a whole item, `update` of some attributes, `transaction` of several puts. */
  kind: 'put' | 'update' | 'transaction';
  /** The incident, ledger place, claim, counter, document or payload written. */
  key: string;
  /** The write's condition: `version` (optimistic), `absent` (create / place free), or none. */
  condition?: 'version' | 'absent';
}

interface IncidentItem {
  record: IncidentRecord;
  taskToken?: string;
  version: number;
  /** Unpublished entries, exact JSON. */
  unpublished: string[];
}

/**
 * The in-memory incidents and ledger tables behind the incident-item fakes
 * (repository, outbox, ledger) and the one-time keys' items (claims),
 * enforcing what DynamoDB enforces for the real adapters: a write conditioned
 * on a version that moved throws ConcurrentUpdateError and writes nothing; a
 * commit with a claim writes the incident and the key together or neither
 * (a key in force throws ReplayedRequestError); a ledger place holds one
 * entry (a different one throws LedgerConflictError). Reads answer copies,
 * and let other callers run first, so concurrent use cases interleave as they would.
 */
export class InMemoryIncidentTable {
  /** Failures to inject, by operation. */
  public readonly faults = new Faults<StorageOperation>();
  /** Every write, in order (e.g. to count the writes of a vote). */
  public readonly writes: StorageWrite[] = [];
  private readonly items = new Map<string, IncidentItem>();
  /** The ledger table: place (`incidentId#seq`) → entry JSON. */
  private readonly ledgerTable = new Map<string, string>();
  /** The one-time keys' items: key → expiry (epoch seconds). */
  private readonly claims = new Map<string, number>();

  /** Reads an incident as stored now. */
  public async read(
    incidentId: string,
    operation: StorageOperation = 'incidents.get',
  ): Promise<StoredIncident | undefined> {
    await otherCallersFirst();
    this.faults.check(operation);
    const item = this.items.get(incidentId);
    return item && stored(item);
  }

  /** Every incident as stored now. */
  public async readAll(operation: StorageOperation = 'incidents.list'): Promise<StoredIncident[]> {
    await otherCallersFirst();
    this.faults.check(operation);
    return [...this.items.values()].map(stored);
  }

  /**
   * Creates an incident and puts `entries` in the ledger table, all or nothing.
   * @returns false when the incident exists (nothing written)
   */
  public create(record: IncidentRecord, taskToken: string | undefined, entries: readonly LedgerEntry[]): boolean {
    this.faults.check('incidents.create');
    const id = record.incident.id;
    if (this.items.has(id) || entries.some((e) => this.ledgerTable.has(place(e)))) return false;
    const token = taskToken !== undefined && { taskToken };
    this.items.set(id, { record: clone(record), ...token, version: 1, unpublished: [] });
    for (const e of entries) this.ledgerTable.set(place(e), JSON.stringify(e));
    this.writes.push({ kind: 'transaction', key: `INC#${id}`, condition: 'absent' });
    return true;
  }

  /**
   * Writes `next` with `internals` over `current`, conditioned on its version;
   * with `claim`, takes its key in the same write (a transaction), only where it is free.
   * @throws ReplayedRequestError when the key is in force (nothing written)
   * @throws ConcurrentUpdateError when the version moved (nothing written)
   */
  public putOver(
    current: StoredIncident,
    next: IncidentRecord,
    internals: IncidentInternals,
    claim?: OnceClaim,
  ): StoredIncident {
    const id = next.incident.id;
    const item = this.items.get(id);
    if (claim && !this.claimFree(claim)) throw new ReplayedRequestError({ incidentId: id });
    if (!item || item.version !== current.version) {
      throw new ConcurrentUpdateError('incident changed since it was read', { incidentId: id });
    }
    const written: IncidentItem = {
      record: clone(next),
      ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
      version: current.version + 1,
      unpublished: [...internals.unpublished],
    };
    this.items.set(id, written);
    if (claim) this.claims.set(claim.key, expiryOf(claim));
    this.writes.push({ kind: claim ? 'transaction' : 'put', key: `INC#${id}`, condition: 'version' });
    return stored(written);
  }

  /**
   * Takes a one-time key on its own, only where it is free.
   * @returns false when the key is in force (nothing written)
   */
  public takeClaim(claim: OnceClaim): boolean {
    if (!this.claimFree(claim)) return false;
    this.claims.set(claim.key, expiryOf(claim));
    this.writes.push({ kind: 'put', key: `ONCE#${claim.key}`, condition: 'absent' });
    return true;
  }

  /** Whether `claim`'s key is free at its `now`: never taken, or expired (as the adapter's condition reads). */
  private claimFree({ key, now }: OnceClaim): boolean {
    const expiresAt = this.claims.get(key);
    return expiresAt === undefined || expiresAt < epochSeconds(now);
  }

  /**
   * Puts an entry where its place is free; the same entry there already is fine.
   * @throws LedgerConflictError when a different entry holds the place
   */
  public putLedgerEntry(entry: LedgerEntry, json: string): void {
    const held = this.ledgerTable.get(place(entry));
    if (held === undefined) {
      this.ledgerTable.set(place(entry), json);
      this.writes.push({ kind: 'put', key: place(entry), condition: 'absent' });
      return;
    }
    const stored = JSON.parse(held) as LedgerEntry;
    if (stored.hash !== entry.hash) {
      const { incidentId, seq, hash } = entry;
      throw new LedgerConflictError({ incidentId, seq, hash, stored: stored.hash });
    }
  }

  /** Drops the unpublished entries of an incident still at `version` (the version does not move). */
  public dropUnpublished(incidentId: string, version: number): void {
    const item = this.items.get(incidentId);
    if (!item || item.version !== version) return;
    item.unpublished = [];
    this.writes.push({ kind: 'update', key: `INC#${incidentId}`, condition: 'version' });
  }

  /** The ledger table's entries (published ones), in no particular order. */
  public async ledgerEntries(): Promise<LedgerEntry[]> {
    await otherCallersFirst();
    this.faults.check('ledger.read');
    return [...this.ledgerTable.values()].map((json) => JSON.parse(json) as LedgerEntry);
  }

  /** Test helper: the published entries of one incident, in seq order (no fault, no wait). */
  public published(incidentId: string): LedgerEntry[] {
    return [...this.ledgerTable.values()]
      .map((json) => JSON.parse(json) as LedgerEntry)
      .filter((e) => e.incidentId === incidentId)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Test helper: an incident as stored now (no fault, no wait). */
  public peek(incidentId: string): StoredIncident | undefined {
    const item = this.items.get(incidentId);
    return item && stored(item);
  }

  /** Test helper: stores an incident as given (version 1 unless said), as a seed. */
  public seed(
    record: IncidentRecord,
    options: { taskToken?: string; version?: number; unpublished?: LedgerEntry[] } = {},
  ): StoredIncident {
    const item: IncidentItem = {
      record: clone(record),
      ...(options.taskToken !== undefined && { taskToken: options.taskToken }),
      version: options.version ?? 1,
      unpublished: (options.unpublished ?? []).map((e) => JSON.stringify(e)),
    };
    this.items.set(record.incident.id, item);
    return stored(item);
  }
}

const place = (e: Pick<LedgerEntry, 'incidentId' | 'seq'>): string => `${e.incidentId}#${e.seq}`;
const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
const expiryOf = ({ ttlSeconds, now }: OnceClaim): number => epochSeconds(now) + ttlSeconds;
const clone = <T>(value: T): T => structuredClone(value);

function stored(item: IncidentItem): StoredIncident {
  return {
    record: clone(item.record),
    ...(item.taskToken !== undefined && { taskToken: item.taskToken }),
    version: item.version,
    internal: { unpublished: [...item.unpublished] },
  };
}
