import { hasWorkLeft, type IncidentRecord } from '../../domain/incidentRecord';
import type { IncidentInternals, StoredIncident } from '../IncidentRepository';
import { dayIndexKeys, incidentKey, OPEN } from './tableLayout';

/**
 * The incident's item: the record's fields at the top level, beside them the
 * keys, the version, the task token and the outbox (`unpublishedEntries`).
 * The repository and the outbox share this codec, so the two write one item
 * the same way.
 */

/** Ledger entries committed with the incident, not yet copied to the ledger table (exact JSON, seq order). */
export const UNPUBLISHED = 'unpublishedEntries';
/**
 * Attributes of the item that are not the record's. `claims` held vote clicks'
 * one-time keys before they got items of their own: an item written then is
 * read without it, and its next write drops it.
 */
const INTERNAL = new Set([
  ...['pk', 'sk', 'gsi1pk', 'gsi1sk', 'pendingPk', 'pendingSk'],
  ...['taskToken', 'version', 'expiresAt', UNPUBLISHED, 'claims'],
]);

/** Key and index attributes derived from a record: never set by hand. */
export function keysFor(record: IncidentRecord, unpublished = 0): Record<string, string> {
  const id = record.incident.id;
  const keys: Record<string, string> = { ...incidentKey(id), ...dayIndexKeys(id, record.requestedAt) };
  // Unpublished ledger entries are work left too: the sweep finds them here.
  if (hasWorkLeft(record) || unpublished > 0) {
    keys.pendingPk = OPEN;
    keys.pendingSk = `${record.deadline ?? record.requestedAt}#${id}`;
  }
  return keys;
}

/** The strings of a list attribute (anything else ignored). */
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** A stored incident from its item. */
export function toStored(item: Record<string, unknown>): StoredIncident {
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k)) record[k] = v;
  return {
    // The item is the record plus the attributes dropped above.
    record: record as unknown as IncidentRecord,
    ...(typeof item.taskToken === 'string' && { taskToken: item.taskToken }),
    version: typeof item.version === 'number' ? item.version : 0,
    internal: { unpublished: strings(item[UNPUBLISHED]) },
  };
}

/** The internal attributes of a stored incident (absent on one built by hand: none). */
export function internalOf(stored: StoredIncident): IncidentInternals {
  return stored.internal ?? { unpublished: [] };
}

/** An unpublished entry's place in the ledger (`incidentId#seq`), from its JSON. */
export function placeOfJson(json: string): string {
  const { incidentId, seq } = JSON.parse(json) as { incidentId: string; seq: number };
  return `${incidentId}#${seq}`;
}
