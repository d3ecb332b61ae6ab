import type { IncidentRecord } from '../domain/incidentRecord';
import type { LedgerEntry } from '../domain/ledger';
import type { OnceClaim } from './RequestClaims';

/** A stored incident with the secret the record view leaves out. */
export interface StoredIncident {
  record: IncidentRecord;
  /** The Step Functions task token; never leaves the store except to resume the workflow. */
  taskToken?: string;
  /** Optimistic-concurrency version; every write bumps it. */
  version: number;
  /**
   * What the incident's item holds beside the record: its ledger entries not
   * yet published to the ledger table ({@link LedgerOutbox}). Only the storage
   * adapters read it; a StoredIncident they returned carries it into the next write.
   */
  readonly internal?: IncidentInternals;
}

/** See {@link StoredIncident.internal}. */
export interface IncidentInternals {
  /** Unpublished ledger entries, as their exact JSON, in seq order. */
  readonly unpublished: readonly string[];
}

/** Derives the next record from the current one; `undefined` means "no change". */
export type RecordMutation = (current: IncidentRecord) => IncidentRecord | undefined;

/** What {@link IncidentRepository.create} found. */
export type CreateResult = { created: true } | { created: false; existing: StoredIncident };

/**
 * Incidents: their state, versioned for optimistic concurrency (DynamoDB in
 * AWS, one item per incident). Every change that matters is written with its
 * signed ledger entries in one conditional write of the incident, conditioned
 * on the version the caller read. The entries travel inside the incident
 * until the {@link LedgerOutbox} publishes them (the two ports share the
 * incident's item, and only this one writes its record); the one-time key of
 * the click that caused a change is taken in the same write, in an item of
 * its own (see {@link RequestClaims}).
 */
export interface IncidentRepository {
  /**
   * Creates an incident with its first ledger entries (written to the ledger table with it).
   * @returns `created: false` and the stored incident when it already exists (redelivery)
   */
  create(record: IncidentRecord, taskToken: string | undefined, entries: readonly LedgerEntry[]): Promise<CreateResult>;
  /** The incident as stored now (a consistent read), or `undefined` when unknown. */
  get(incidentId: string): Promise<StoredIncident | undefined>;
  /**
   * Writes `next` with `entries` (unpublished: the outbox's, see
   * {@link LedgerOutbox.publish}) in one conditional write, only if nobody
   * wrote since `current` was read. With `claim`, the same write (one
   * transaction) takes the causing request's one-time key, only where it is
   * free (see {@link RequestClaims}): the request and its effect are recorded
   * together or not at all.
   * @returns the incident as written (pass it on as a later `known`)
   * @throws ReplayedRequestError when the claim was taken before (nothing written)
   * @throws ConcurrentUpdateError when another writer got there first (and the claim is free)
   */
  commit(
    current: StoredIncident,
    next: IncidentRecord,
    entries: readonly LedgerEntry[],
    claim?: OnceClaim,
  ): Promise<StoredIncident>;
  /**
   * Changes bookkeeping fields that need no ledger entry (card ts, delivery,
   * stale flag): read, mutate, conditional write, retried on conflict.
   * @param known the incident as the caller last read or wrote it: the first
   *   attempt writes from it without reading (a conflict falls back to reading)
   * @returns the record as written, or undefined when the incident is unknown
   */
  update(incidentId: string, mutate: RecordMutation, known?: StoredIncident): Promise<IncidentRecord | undefined>;
  /** Incidents with work left: pending, undelivered decisions, stale cards, cards not shown yet. */
  listOpen(): Promise<IncidentRecord[]>;
  /** Incidents first seen on the given UTC days (`yyyy-MM-dd`). */
  listByDays(days: readonly string[]): Promise<IncidentRecord[]>;
}
