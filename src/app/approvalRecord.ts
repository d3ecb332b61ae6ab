import { actionDigest, containmentActionDigest } from '../domain/actionDigest';
import type { EffectivePolicy } from '../domain/effectivePolicy';
import type { Incident } from '../domain/incident';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import type { ApprovalRequest } from '../domain/messages';
import type { Origin } from '../domain/origin';
import { decisionDeadline } from '../domain/policy';
import type { ApprovalTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import type { KeptText } from './fullText';
import type { IdentifiedRequester } from './identifyRequester';
import type { EntryDraft } from './ledgerWriter';
import { sha256Hex } from '../domain/sha256';

/*
 * What a new approval request stores: its pending record and its signed
 * `incident_received` entry (everything the request said, or a hash of it).
 */

/** What chainsec made of a request before storing it. */
export interface ReceivedRequest {
  message: ApprovalRequest;
  /** The incident as the request named it (another id than `incident`'s for a foreign request). */
  asSent: Incident;
  /** The incident as stored: chainsec's id and tier, long text as a preview. */
  incident: Incident;
  origin: Origin;
  tier: ApprovalTier;
  policy: EffectivePolicy;
  kept: KeptText;
  summary: IncidentRecord['summary'];
  requester: IdentifiedRequester | undefined;
  now: Date;
}

/** The pending record a new request creates (before its first ledger entry is chained). */
export function approvalRecord(deps: Pick<AppDeps, 'config'>, req: ReceivedRequest): IncidentRecord {
  const { message, incident, tier, policy, origin, kept, requester, now } = req;
  const { reasoning, evidence } = kept.preview;
  return {
    incident,
    tier,
    policy,
    origin,
    status: IncidentStatus.Pending,
    kind: 'approval',
    proposedAction: message.proposedAction,
    actionDigest: message.actionDigest ?? actionDigest(message.proposedAction),
    ...(message.containment && {
      containment: message.containment,
      containmentDigest: containmentActionDigest(message.containment),
    }),
    reasoning,
    evidence,
    ...(kept.fullText && { fullText: kept.fullText }),
    summary: req.summary,
    ...(requester && { requestedBy: requester.requestedBy, requesterKnown: requester.known }),
    requestedAt: now.toISOString(),
    deadline: decisionDeadline(policy, now).toISOString(),
    votes: [],
    escalationLevel: 0,
    dryRun: message.dryRun || deps.config.dryRun,
    actions: [],
    ...(message.executionArn !== undefined && { executionArn: message.executionArn }),
    ledgerSeq: 0,
    ledgerHead: GENESIS_HASH,
  };
}

/** The request's signed `incident_received` entry: everything it said, or a hash of it. */
export function receivedEntry(req: ReceivedRequest, record: IncidentRecord): EntryDraft {
  const { message, asSent, incident, tier, policy, origin, kept, requester } = req;
  return {
    type: LedgerEntryType.IncidentReceived,
    actor: requester?.requestedBy ?? 'agent',
    ...(requester && { requestedBy: requester.requestedBy }),
    // What the agent sent, when normalising changed it (nothing it says goes unrecorded).
    ...(requester &&
      requester.requestedBy !== message.requestedBy && { requestedByAsSent: message.requestedBy ?? null }),
    at: record.requestedAt,
    tier,
    rule: policy.rule,
    policy: policy as unknown as JsonValue,
    // How it reached chainsec (decided by the topic or rule that delivered it, never by the message).
    origin,
    // The tier the request asked for, when chainsec's own rules gave it more.
    ...(tier !== message.tier && { requestedTier: message.tier }),
    // The incident a foreign request named: never taken over, only recorded.
    ...(incident.id !== asSent.id && { namedIncidentId: asSent.id }),
    incident: incident as unknown as JsonValue,
    proposedAction: message.proposedAction,
    actionDigest: record.actionDigest!,
    containment: (message.containment ?? null) as JsonValue,
    ...(record.containmentDigest && { containmentDigest: record.containmentDigest }),
    // A request's own title and context, also when it names an incident (nothing it says goes unrecorded).
    ...(message.title !== undefined && { requestTitle: message.title }),
    ...(message.context !== undefined && { requestContext: message.context }),
    deadline: record.deadline ?? null,
    reasoningSha256: sha256Hex(message.reasoning),
    evidenceSha256: sha256Hex(JSON.stringify(kept.preview.evidence)),
    fullTextSha256: kept.fullText?.sha256 ?? null,
    taskTokenSha256: sha256Hex(message.taskToken),
    dryRun: record.dryRun,
  };
}
