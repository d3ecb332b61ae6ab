import type { Incident } from '../domain/incident';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import { evidenceAsText, type ApprovalRequest } from '../domain/messages';
import { actionDigest, containmentActionDigest } from '../domain/actionDigest';
import { isOwnOrigin, isRequestOfItsOwn, Origin, originOf, type Delivery } from '../domain/origin';
import { isApprovalTier, type ApprovalTier } from '../domain/tiers';
import { decisionDeadline } from '../domain/policy';
import { effectivePolicy, type EffectivePolicy } from '../domain/effectivePolicy';
import { nextEscalation } from '../domain/escalation';
import { InvalidInputError } from '../errors';
import type { StoredIncident } from '../services/IncidentRepository';
import type { AppDeps } from './deps';
import { escalate } from './escalate';
import { foldFinding, raiseIncident } from './findingUpdates';
import { keepFullText, longTextOf, withPreview, type KeptText } from './fullText';
import { identifyRequester, type IdentifiedRequester } from './identifyRequester';
import { foreignRequestId, incidentOfRequest, sha256 } from './incidentOfMessage';
import type { IngestOutcome } from './ingestOutcome';
import { sealEntries, type EntryDraft } from './ledgerWriter';
import { postCard, postIfMissing } from './postCard';

/** What ingesting an approval request needs. */
export type IngestApprovalDeps = Pick<
  AppDeps,
  | 'config'
  | 'clock'
  | 'slack'
  | 'incidents'
  | 'outbox'
  | 'signer'
  | 'telemetry'
  | 'workflow'
  | 'fullText'
  | 'summarizer'
>;

/** What chainsec made of a request before storing it. */
interface ReceivedRequest {
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

/**
 * Ingests one approval request: stores the incident (with its task token,
 * which never goes to Slack) and its signed `incident_received` entry, posts
 * the card and pages at once when the policy says so. A second request for a
 * held incident is a redelivery, a raise, a re-emitted finding or refused.
 */
export async function ingestApproval(
  deps: IngestApprovalDeps,
  message: ApprovalRequest,
  delivery: Delivery,
): Promise<IngestOutcome> {
  const req = await receive(deps, message, delivery);
  const { incident, tier, policy, now } = req;
  const record = approvalRecord(deps, req);
  const entries = await sealEntries(deps.signer, incident.id, { seq: 0, hash: GENESIS_HASH }, [
    receivedEntry(req, record),
  ]);
  const first = entries[0]!;
  const stored: IncidentRecord = { ...record, ledgerSeq: first.seq, ledgerHead: first.hash };
  const created = await deps.incidents.create(stored, message.taskToken, entries);
  if (!created.created) return secondRequest(deps, req, created.existing, stored, first);
  deps.telemetry.metric('ApprovalsRequested');
  deps.telemetry.metric(`Incidents_${tier}`);
  if (tier === 'critical') deps.telemetry.metric('CriticalEventCount');
  const posted = await postCard(deps, stored);
  // Critical requests page the primary on-call at once (policy `dmPrimaryImmediately`).
  const step = nextEscalation({ requestedAt: record.requestedAt, escalationLevel: 0 }, policy, now);
  if (step) await escalate(deps, posted, step);
  return { kind: 'created', incidentId: incident.id, ts: posted.ts };
}

/** Reads a request: its incident, origin, tier and policy, its long text kept apart, its summary and requester. */
async function receive(
  deps: IngestApprovalDeps,
  message: ApprovalRequest,
  delivery: Delivery,
): Promise<ReceivedRequest> {
  const now = deps.clock.now();
  const asSent = incidentOfRequest(message, deps);
  const origin = originOf(delivery, message, asSent);
  const received = isRequestOfItsOwn(origin) ? { ...asSent, id: foreignRequestId(message.taskToken) } : asSent;
  // chainsec's tier (the request's only when it asks for more), and the policy of that tier.
  deps.telemetry.addLogKeys({ incidentId: received.id });
  const tier = received.tier;
  if (!isApprovalTier(tier)) throw new InvalidInputError(`invalid approval request: tier ${tier} needs no approval`);
  // The rules of this request, fixed now (chainsec's tier): later configuration changes shape new requests only.
  const policy = effectivePolicy(deps.config, received, tier, now);
  const kept = await keepFullText(
    deps,
    received.id,
    longTextOf(received, message.reasoning, evidenceAsText(message.evidence)),
    message.fullText,
  );
  const incident = withPreview(received, kept.preview);
  const summary = await deps.summarizer.summarize(incident, kept.preview.reasoning, kept.preview.evidence);
  if (summary.source === 'fallback' && summary.fallbackReason && summary.fallbackReason !== 'disabled') {
    deps.telemetry.metric(`SummaryFallback_${summary.fallbackReason}`);
  }
  const requester = message.requestedBy === undefined ? undefined : await identifyRequester(deps, message.requestedBy);
  return {
    message,
    asSent,
    incident,
    origin,
    tier,
    policy,
    kept,
    summary: { text: summary.text, source: summary.source },
    requester,
    now,
  };
}

/** The pending record a new request creates (before its first ledger entry is chained). */
function approvalRecord(deps: Pick<AppDeps, 'config'>, req: ReceivedRequest): IncidentRecord {
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
function receivedEntry(req: ReceivedRequest, record: IncidentRecord): EntryDraft {
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
    reasoningSha256: sha256(message.reasoning),
    evidenceSha256: sha256(JSON.stringify(kept.preview.evidence)),
    fullTextSha256: kept.fullText?.sha256 ?? null,
    taskTokenSha256: sha256(message.taskToken),
    dryRun: record.dryRun,
  };
}

/**
 * A request for an incident chainsec already holds: the same request again
 * (its card posted if a crash left it unposted), a raise to a tier needing
 * more approval, a re-emitted finding folded in, or else refused closed.
 */
async function secondRequest(
  deps: IngestApprovalDeps,
  req: ReceivedRequest,
  existing: StoredIncident,
  stored: IncidentRecord,
  first: { [field: string]: JsonValue | undefined },
): Promise<IngestOutcome> {
  const { message, incident, origin } = req;
  if (existing.taskToken === message.taskToken)
    return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
  // The stack's own workflow asks again about an incident that now needs more approval: people decide again.
  const raised = isOwnOrigin(origin)
    ? await raiseIncident(deps, existing, stored, message.taskToken, first)
    : undefined;
  if (raised) return raised;
  const folded = origin === Origin.Detector ? await foldFinding(deps, incident) : undefined;
  if (folded) {
    // The re-emitted finding updated the waiting incident: this second workflow ends, never waits.
    await deps.workflow.fail(
      message.taskToken,
      'chainsec.DuplicateRequest',
      `finding of incident ${incident.id} folded into its open request`,
    );
    return folded;
  }
  // A second request for an incident that already has one: refuse it closed, keep the first.
  deps.telemetry.warn('second approval request for the same incident; failing it closed', {
    incidentId: incident.id,
  });
  await deps.workflow.fail(
    message.taskToken,
    'chainsec.DuplicateRequest',
    `incident ${incident.id} already has an approval request`,
  );
  return { kind: 'superseded', incidentId: incident.id };
}
