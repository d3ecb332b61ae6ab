import { ConcurrentUpdateError } from '../errors';
import type { IncidentRecord } from '../domain/incidentRecord';
import type { LedgerEntry } from '../domain/ledger';
import type {
  CreateResult,
  IncidentInternals,
  IncidentRepository,
  RecordMutation,
  StoredIncident,
} from './IncidentRepository';

/**
 * The rules of an {@link IncidentRepository} that do not depend on where the
 * incident is kept: every implementation (the DynamoDB adapter, the
 * in-memory fake) writes through these, so the fake keeps the adapter's
 * semantics by construction, not by copy.
 */

/** Attempts of {@link updateWithRetry} before a conflict is thrown to the caller. */
const MAX_UPDATE_ATTEMPTS = 6;

/**
 * What a create that found the incident there answers: the incident as
 * stored (a redelivery), or, when it is not there either, a conflict.
 * @throws ConcurrentUpdateError when the create conflicted but no incident exists
 */
export function createConflicted(
  incidentId: string,
  existing: StoredIncident | undefined,
  cause?: unknown,
): CreateResult {
  if (existing) return { created: false, existing };
  const options = cause === undefined ? undefined : { cause };
  throw new ConcurrentUpdateError('incident create conflicted but no incident exists', { incidentId }, options);
}

/**
 * What {@link IncidentRepository.commit} writes beside the record: the
 * current outbox followed by `entries`, as their exact JSON.
 */
export function committedInternals(current: StoredIncident, entries: readonly LedgerEntry[]): IncidentInternals {
  const { unpublished } = current.internal ?? { unpublished: [] };
  return { unpublished: [...unpublished, ...entries.map((e) => JSON.stringify(e))] };
}

/**
 * {@link IncidentRepository.update}: read (the first attempt starts from
 * `known` when given), mutate, write conditioned on the version read, and
 * again from a fresh read when another writer got there first.
 * @param read reads the incident as stored now
 * @param write writes `next` over `current`, conditioned on its version
 * @returns the record as written, the current one when `mutate` changes
 *   nothing, or undefined when the incident is unknown
 * @throws ConcurrentUpdateError after {@link MAX_UPDATE_ATTEMPTS} conflicts
 */
export async function updateWithRetry(
  read: () => Promise<StoredIncident | undefined>,
  write: (current: StoredIncident, next: IncidentRecord) => Promise<unknown>,
  mutate: RecordMutation,
  known?: StoredIncident,
): Promise<IncidentRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && known ? known : await read();
    if (!current) return undefined;
    const next = mutate(current.record);
    if (!next) return current.record;
    try {
      await write(current, next);
      return next;
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
    }
  }
}
