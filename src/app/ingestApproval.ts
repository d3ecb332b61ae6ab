import type { IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, type JsonValue } from '../domain/ledger';
import { evidenceAsText, type ApprovalRequest } from '../domain/messages';
import { isOwnOrigin, isRequestOfItsOwn, Origin, originOf, type Delivery } from '../domain/origin';
import { isApprovalTier } from '../domain/tiers';
import { effectivePolicy } from '../domain/effectivePolicy';
import { nextEscalation } from '../domain/escalation';
import { InvalidInputError } from '../errors';
import type { StoredIncident } from '../services/IncidentRepository';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { escalate } from './escalate';
import { foldFinding } from './foldFinding';
import { raiseIncident } from './raiseIncident';
import { DUPLICATE_REQUEST_ERROR } from './taskErrors';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { identifyRequester } from './identifyRequester';
import { foreignRequestId, incidentOfRequest } from './incidentOfMessage';
import type { IngestOutcome } from './ingestOutcome';
import { sealEntries } from './ledgerWriter';
import { postCard, postIfMissing } from './postCard';
import { approvalRecord, type ReceivedRequest, receivedEntry } from './approvalRecord';

/** What ingesting an approval request needs. */
export type IngestApprovalDeps = IncidentChangeDeps & Pick<AppDeps, 'workflow' | 'fullText' | 'summarizer'>;

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
      DUPLICATE_REQUEST_ERROR,
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
    DUPLICATE_REQUEST_ERROR,
    `incident ${incident.id} already has an approval request`,
  );
  return { kind: 'superseded', incidentId: incident.id };
}
