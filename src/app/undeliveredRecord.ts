import { actionDigest } from '../domain/actionDigest';
import type { Incident } from '../domain/incident';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import type { AppDeps } from './deps';
import type { KeptText } from './fullText';
import type { IdentifiedRequester } from './identifyRequester';
import type { EntryDraft } from './ledgerWriter';
import type { UndeliveredRequest } from './reportUndelivered';
import { sha256Hex } from '../domain/sha256';

/** Why and when a request went undelivered, as the incident keeps it. */
export type Undelivered = NonNullable<IncidentRecord['undelivered']>;

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
