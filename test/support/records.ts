import { randomBytes } from 'node:crypto';
import { normalizeIncident, type Incident } from '../../src/domain/incident';
import { IncidentStatus, type IncidentRecord } from '../../src/domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type LedgerEntry } from '../../src/domain/ledger';
import type { ApprovalTier } from '../../src/domain/tiers';
import { onChainEvent } from '../unit/domain/fixtures';

/**
 * Incident records and ledger entries for the storage and use-case tests.
 * Each call makes a new incident (a random tx hash), so tests sharing a
 * table never see each other's.
 */

/**
 * The record of `incident` as ingested at `requestedAt`: pending, a
 * notification, no votes, nothing on its chain yet; `over` replaces any field.
 */
export function recordOf(incident: Incident, requestedAt: Date, over: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    incident,
    tier: incident.tier,
    status: IncidentStatus.Pending,
    kind: 'notification',
    reasoning: '',
    evidence: [],
    requestedAt: requestedAt.toISOString(),
    votes: [],
    escalationLevel: 0,
    dryRun: false,
    actions: [],
    ledgerSeq: 0,
    ledgerHead: GENESIS_HASH,
    ...over,
  };
}

/** A pending approval request of `tier`, requested at `now`, one hour to decide; `over` replaces any field. */
export function approvalRecord(
  now: Date,
  over: Partial<IncidentRecord> = {},
  tier: ApprovalTier = 'high',
): IncidentRecord {
  const incident = normalizeIncident(onChainEvent({ tx_hash: `0x${randomBytes(8).toString('hex')}` }), tier, now);
  return recordOf(incident, now, {
    kind: 'approval',
    proposedAction: { type: 'pause_contract', target: '0xcontract', reversible: true },
    reasoning: 'the agent says so',
    requestedBy: 'agent',
    deadline: new Date(now.getTime() + 3_600_000).toISOString(),
    ...over,
  });
}

/** The record with one more approve vote by `userId`. */
export const withVote = (record: IncidentRecord, userId = 'U1', at = record.requestedAt): IncidentRecord => ({
  ...record,
  votes: [...record.votes, { userId, choice: 'approve', at }],
});

/** `n` ledger entries from `from` on, as the storage sees them (it neither hashes nor verifies). */
export function storedEntries(incidentId: string, from: number, n: number, at = new Date()): LedgerEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    type: LedgerEntryType.Vote,
    incidentId,
    seq: from + i,
    actor: 'U1',
    at: at.toISOString(),
    prevHash: GENESIS_HASH,
    hash: randomBytes(32).toString('hex'),
    signature: 'c2ln',
    keyId: 'k',
  }));
}
