import type { IncidentRecord } from '../domain/incidentRecord';
import type { LedgerEntry } from '../domain/ledger';

/** A stored incident with the secret the record view leaves out. */
export interface StoredIncident {
  record: IncidentRecord;
  /** The Step Functions task token; never leaves the store except to resume the workflow. */
  taskToken?: string;
  /** Optimistic-concurrency version; every write bumps it. */
  version: number;
  /**
   * What the store keeps beside the record (ledger entries not yet published
   * to the ledger table, the vote clicks' one-time keys). Only the store reads
   * it; a StoredIncident the store returned carries it into the next write.
   */
  readonly internal?: IncidentInternals;
}

/** See {@link StoredIncident.internal}. */
export interface IncidentInternals {
  readonly unpublished: readonly string[];
  readonly claims: readonly string[];
}

/** Derives the next record from the current one; `undefined` means "no change". */
export type RecordMutation = (current: IncidentRecord) => IncidentRecord | undefined;

/** A one-time key to take together with a commit (replay protection of the request that caused it). */
export interface OnceClaim {
  key: string;
  ttlSeconds: number;
  now: Date;
}

/** What {@link IncidentStore.publishAllEntries} did. */
export interface PublishReport {
  /** Entries copied to the ledger table. */
  published: number;
  /** Incidents whose entries stay unpublished, and why (e.g. LedgerConflictError). */
  failures: Array<{ incidentId: string; error: Error & { code?: string } }>;
}

/** A side document and the version it was read at. */
export interface VersionedDoc<T> {
  value: T;
  version: number;
}

/** A payload that could not be processed, kept for inspection. */
export interface RejectedPayload {
  source: string;
  code: string;
  reason: string;
  /** The payload as received (cut to a storable size; `bytes` and `sha256` describe the whole). */
  payload: string;
  bytes: number;
  sha256: string;
  at: string;
}

/**
 * Incident state, votes and the ledger (DynamoDB in AWS). Every change that
 * matters is written with its signed ledger entries in one conditional write
 * of the incident, conditioned on the version the caller read (optimistic
 * concurrency). The entries travel inside the incident until they are
 * published to the ledger table (an outbox): every ledger read includes the
 * ones not yet published, so the ledger is complete from the commit on.
 */
export interface IncidentStore {
  /**
   * Creates an incident with its first ledger entries.
   * @returns `created: false` and the stored incident when it already exists (redelivery)
   */
  create(record: IncidentRecord, taskToken: string | undefined, entries: readonly LedgerEntry[]): Promise<{ created: true } | { created: false; existing: StoredIncident }>;
  get(incidentId: string): Promise<StoredIncident | undefined>;
  /**
   * Writes `next` with `entries` (unpublished, see {@link publishEntries}) in
   * one conditional write, only if nobody wrote since `current` was read. With
   * `claim`, the same write takes the request's one-time key in this incident
   * (see {@link claimOnce}): the request and its effect are recorded together
   * or not at all.
   * @returns the incident as written (pass it on as a later `known`)
   * @throws ConcurrentUpdateError when another writer got there first
   * @throws ReplayedRequestError when the claim was taken before (nothing written)
   */
  commit(current: StoredIncident, next: IncidentRecord, entries: readonly LedgerEntry[], claim?: OnceClaim): Promise<StoredIncident>;
  /**
   * Copies an incident's unpublished entries to the ledger table (each put
   * only where its place is free, so a repeat is harmless) and then drops
   * them from the incident. Off the decision path; the sweep publishes what
   * a crash left behind.
   * @param known the incident as last read or written; read when omitted
   * @returns how many entries were published
   * @throws LedgerConflictError when the ledger table holds a different entry at an entry's place
   */
  publishEntries(incidentId: string, known?: StoredIncident): Promise<number>;
  /** Publishes every incident's unpublished entries (the sweep), one incident's failure not stopping the others. */
  publishAllEntries(): Promise<PublishReport>;
  /**
   * Changes bookkeeping fields that need no ledger entry (card ts, delivery,
   * stale flag): read, mutate, conditional write, retried on conflict.
   * @param known the incident as the caller last read or wrote it: the first
   *   attempt writes from it without reading (a conflict falls back to reading)
   * @returns the record as written, or undefined when the incident is unknown
   */
  update(incidentId: string, mutate: RecordMutation, known?: StoredIncident): Promise<IncidentRecord | undefined>;
  /** Incidents with work left: pending, undelivered decisions, stale cards. */
  listOpen(): Promise<IncidentRecord[]>;
  /** Incidents first seen on the given UTC days (`yyyy-MM-dd`). */
  listByDays(days: readonly string[]): Promise<IncidentRecord[]>;
  /** One incident's chain, in order. */
  ledger(incidentId: string): Promise<LedgerEntry[]>;
  /** Every ledger entry, grouped by incident, each chain in order (export). */
  allLedgerEntries(): Promise<LedgerEntry[]>;
  /**
   * Claims a one-time key (replay protection). Keys are remembered for
   * `ttlSeconds`; an expired claim can be taken again. With `incidentId`
   * (a vote click), the key is kept in that incident, where {@link commit}
   * takes and checks it too; without, or when the incident does not exist,
   * in an item of its own.
   * @returns false when the key was claimed before
   */
  claimOnce(claim: OnceClaim, incidentId?: string): Promise<boolean>;
  /** Atomically adds 1 to an expiring counter (rate windows). @returns the new value */
  increment(key: string, ttlSeconds: number, now: Date): Promise<number>;
  /** Reads a small versioned side document (a digest, a repeated pattern). */
  getDoc<T>(key: string): Promise<VersionedDoc<T> | undefined>;
  /**
   * Writes a side document if its version is still `expectedVersion` (0: it must not exist yet).
   * `open` keeps it in the sweep's index (work left, e.g. a throttled Slack update).
   * @returns false when another writer got there first
   */
  putDoc<T>(key: string, value: T, expectedVersion: number, options: { now: Date; ttlSeconds: number; open: boolean }): Promise<boolean>;
  /** Side documents with work left (see `putDoc`'s `open`). */
  listOpenDocs<T>(): Promise<Array<VersionedDoc<T> & { key: string }>>;
  /** Keeps a payload that could not be processed. @returns its id */
  keepRejected(rejected: RejectedPayload): Promise<string>;
  listRejected(limit: number): Promise<Array<RejectedPayload & { id: string }>>;
}
