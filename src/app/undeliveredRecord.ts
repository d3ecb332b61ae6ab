import { actionDigest } from '../domain/actionDigest';
import type { Incident } from '../domain/incident';
import type { Containment, ProposedAction } from '../domain/messages';
import { cutToBytes, type FullTextRef } from '../domain/payloadBounds';
import type { ApprovalTier } from '../domain/tiers';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import type { AppDeps } from './deps';
import type { KeptText } from './fullText';
import type { IdentifiedRequester } from './identifyRequester';
import type { EntryDraft } from './ledgerWriter';
import { sha256Hex } from '../domain/sha256';

/*
 * An approval request the workflow could not deliver: what the workflow
 * reports of it, and the record and signed entries chainsec keeps (built
 * here, without I/O; `reportUndelivered` stores and shows them).
 */

/** What the workflow knows when its approval request failed: its state, and the error the Catch recorded. */
export interface UndeliveredRequest {
  incident: Incident;
  tier: ApprovalTier;
  proposedAction: ProposedAction;
  containment?: Containment;
  reasoning: string;
  evidence: string[];
  requestedBy?: string;
  dryRun: boolean;
  fullText?: FullTextRef | null;
  /** The Catch's `Error` / `Cause` (an SNS error, or what the bot failed the task with). */
  error: { name: string; cause: string };
  executionArn: string;
}

/** Why and when a request went undelivered, as the incident keeps it. */
export type Undelivered = NonNullable<IncidentRecord['undelivered']>;

/** Why and when `request` went undelivered, its error bounded for the record. */
export function undeliveredOf(request: UndeliveredRequest, now: Date): Undelivered {
  return {
    at: now.toISOString(),
    error: request.error.name.slice(0, 256),
    cause: cutToBytes(request.error.cause, 2000).text,
    executionArn: request.executionArn,
  };
}

/** The signed `approval_undelivered` entry: what was asked, why it failed, and that the workflow failed closed. */
export function undeliveredEntry(request: UndeliveredRequest, undelivered: Undelivered): EntryDraft {
  return {
    type: LedgerEntryType.ApprovalUndelivered,
    actor: 'workflow',
    at: undelivered.at,
    tier: request.tier,
    error: undelivered.error,
    cause: undelivered.cause,
    executionArn: request.executionArn,
    proposedAction: request.proposedAction,
    containment: (request.containment ?? null) as JsonValue,
    fallback: 'fail_closed',
  };
}

/**
 * The record of a request nobody was asked about: decided (denied) at once,
 * nothing pending, nothing to deliver (before its ledger entries are chained).
 */
export function undeliveredRecord(
  deps: Pick<AppDeps, 'config'>,
  request: UndeliveredRequest,
  seen: { incident: Incident; kept: KeptText; requester: IdentifiedRequester | undefined; undelivered: Undelivered },
): IncidentRecord {
  const { incident, kept, requester, undelivered } = seen;
  const at = undelivered.at;
  return {
    incident,
    tier: request.tier,
    // Nobody was asked and the workflow denied: nothing is pending, nothing to deliver.
    status: IncidentStatus.Decided,
    kind: 'approval',
    proposedAction: request.proposedAction,
    ...(request.containment && { containment: request.containment }),
    reasoning: kept.preview.reasoning,
    evidence: kept.preview.evidence,
    ...(kept.fullText && { fullText: kept.fullText }),
    ...(requester && { requestedBy: requester.requestedBy, requesterKnown: requester.known }),
    requestedAt: at,
    votes: [],
    decision: 'deny',
    decidedBy: [],
    decidedAt: at,
    escalationLevel: 0,
    dryRun: request.dryRun || deps.config.dryRun,
    actions: [],
    executionArn: request.executionArn,
    undelivered,
    ledgerSeq: 0,
    ledgerHead: GENESIS_HASH,
  };
}

/** The undelivered request's `incident_received` entry: what it asked, marked as never delivered. */
export function undeliveredReceivedEntry(
  request: UndeliveredRequest,
  record: IncidentRecord,
  { kept, requester }: { kept: KeptText; requester: IdentifiedRequester | undefined },
): EntryDraft {
  return {
    type: LedgerEntryType.IncidentReceived,
    actor: requester?.requestedBy ?? 'agent',
    ...(requester &&
      requester.requestedBy !== request.requestedBy && { requestedByAsSent: request.requestedBy ?? null }),
    at: record.requestedAt,
    tier: request.tier,
    incident: record.incident as unknown as JsonValue,
    proposedAction: request.proposedAction,
    actionDigest: actionDigest(request.proposedAction),
    containment: (request.containment ?? null) as JsonValue,
    reasoningSha256: sha256Hex(request.reasoning),
    evidenceSha256: sha256Hex(JSON.stringify(kept.preview.evidence)),
    fullTextSha256: kept.fullText?.sha256 ?? null,
    delivered: false,
    dryRun: record.dryRun,
  };
}
