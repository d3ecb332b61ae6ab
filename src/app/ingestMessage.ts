import { createHash } from 'node:crypto';
import { normalizeIncident, requestIncident, type Incident } from '../domain/incident';
import { ChannelUnreachableError, InvalidInputError } from '../errors';
import { IncidentSchema } from '../domain/incidentSchemas';
import { IncidentStatus, type ActionResult, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import {
  evidenceAsText,
  type ApprovalRequest,
  type IncidentInput,
  type InboundMessage,
  type Notification,
} from '../domain/messages';
import { actionDigest } from '../domain/actionDigest';
import { classify } from '../domain/risk';
import { cardPriority } from '../domain/pacing';
import type { RiskTier } from '../domain/tiers';
import { decisionDeadline } from '../domain/policy';
import { fallbackSummary } from '../domain/summary';
import { cardFor, showCard } from './cards';
import { buildFindingRepeatReply } from '../blocks/threadReply';
import { routeFallbackNote } from '../blocks/routeNotices';
import type { AppDeps } from './deps';
import { sealEntries } from './ledgerWriter';
import { escalate } from './escalate';
import { nextEscalation } from '../domain/escalation';
import { notePatternCard, routeNotification } from './noiseControl';
import { identifyRequester } from './identifyRequester';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { recordPolicy } from './routing';
import { effectivePolicy } from '../domain/effectivePolicy';

/** What ingesting one message did. */
export type IngestOutcome =
  | { kind: 'created'; incidentId: string; ts: string }
  | { kind: 'folded'; incidentId: string; into: 'thread' | 'digest' }
  | { kind: 'duplicate'; incidentId: string; reposted: boolean }
  | { kind: 'superseded'; incidentId: string }
  /** A detector re-emitted a finding with a higher count: its incident and card were updated. */
  | { kind: 'updated'; incidentId: string; count: number };

/** Reads the incident a message carries: already normalised, or raw (then normalised here). */
export function toIncident(
  input: IncidentInput,
  tier: RiskTier | undefined,
  deps: Pick<AppDeps, 'config' | 'clock'>,
): Incident {
  const normalized = IncidentSchema.safeParse(input);
  if (normalized.success) return tier ? { ...normalized.data, tier } : normalized.data;
  const raw = input as Parameters<typeof normalizeIncident>[0];
  return normalizeIncident(raw, tier ?? classify(raw, deps.config.risk), deps.clock.now());
}

/**
 * The incident an approval request is about: the one it carries, or, for a
 * request from any workflow without one, the "agent action" incident derived
 * from its task token, title, tier and context (docs/INTERFACES.md#approval-requests-from-any-workflow).
 */
function incidentOfRequest(message: ApprovalRequest, deps: Pick<AppDeps, 'config' | 'clock'>): Incident {
  if (message.incident !== undefined) return toIncident(message.incident, message.tier, deps);
  // The schema refuses a request with neither; checked again so a caller that skipped it fails closed.
  if (message.title === undefined)
    throw new InvalidInputError('invalid approval request: title: required when the request has no incident');
  return requestIncident({ ...message, title: message.title }, deps.clock.now());
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Ingests one approval request or notification: stores the incident (with its
 * task token, which never goes to Slack) and its signed `incident_received`
 * entry, posts the card and stores its `ts`. Idempotent: a redelivered message
 * posts nothing twice, and finishes a card a crash left unposted. Long text is
 * kept as a bounded preview (the full text stored apart, see `keepFullText`),
 * so the incident item stays under DynamoDB's 400 KB.
 */
export async function ingestMessage(deps: AppDeps, message: InboundMessage): Promise<IngestOutcome> {
  return message.kind === 'approval_request' ? ingestApproval(deps, message) : ingestNotification(deps, message);
}

async function ingestApproval(deps: AppDeps, message: ApprovalRequest): Promise<IngestOutcome> {
  const now = deps.clock.now();
  const received = incidentOfRequest(message, deps);
  deps.telemetry.addLogKeys({ incidentId: received.id });
  // The rules of this request, fixed now: later configuration changes shape new requests only.
  const policy = effectivePolicy(deps.config, received, message.tier, now);
  const kept = await keepFullText(
    deps,
    received.id,
    longTextOf(received, message.reasoning, evidenceAsText(message.evidence)),
    message.fullText,
  );
  const incident = withPreview(received, kept.preview);
  const { reasoning, evidence } = kept.preview;
  const summary = await deps.summarizer.summarize(incident, reasoning, evidence);
  if (summary.source === 'fallback' && summary.fallbackReason && summary.fallbackReason !== 'disabled') {
    deps.telemetry.metric(`SummaryFallback_${summary.fallbackReason}`);
  }
  const requestedAt = now.toISOString();
  const requester = message.requestedBy === undefined ? undefined : await identifyRequester(deps, message.requestedBy);
  const digest = message.actionDigest ?? actionDigest(message.proposedAction);
  const record: IncidentRecord = {
    incident,
    tier: message.tier,
    policy,
    status: IncidentStatus.Pending,
    kind: 'approval',
    proposedAction: message.proposedAction,
    actionDigest: digest,
    ...(message.containment && { containment: message.containment }),
    reasoning,
    evidence,
    ...(kept.fullText && { fullText: kept.fullText }),
    summary: { text: summary.text, source: summary.source },
    ...(requester && { requestedBy: requester.requestedBy, requesterKnown: requester.known }),
    requestedAt,
    deadline: decisionDeadline(policy, now).toISOString(),
    votes: [],
    escalationLevel: 0,
    dryRun: message.dryRun || deps.config.dryRun,
    actions: [],
    ...(message.executionArn !== undefined && { executionArn: message.executionArn }),
    ledgerSeq: 0,
    ledgerHead: GENESIS_HASH,
  };
  const entries = await sealEntries(deps.signer, incident.id, { seq: 0, hash: GENESIS_HASH }, [
    {
      type: LedgerEntryType.IncidentReceived,
      actor: requester?.requestedBy ?? 'agent',
      ...(requester && { requestedBy: requester.requestedBy }),
      // What the agent sent, when normalising changed it (nothing it says goes unrecorded).
      ...(requester &&
        requester.requestedBy !== message.requestedBy && { requestedByAsSent: message.requestedBy ?? null }),
      at: requestedAt,
      tier: message.tier,
      rule: policy.rule,
      policy: policy as unknown as JsonValue,
      incident: incident as unknown as JsonValue,
      proposedAction: message.proposedAction,
      actionDigest: digest,
      containment: (message.containment ?? null) as JsonValue,
      // A request's own title and context, also when it names an incident (nothing it says goes unrecorded).
      ...(message.title !== undefined && { requestTitle: message.title }),
      ...(message.context !== undefined && { requestContext: message.context }),
      deadline: record.deadline ?? null,
      reasoningSha256: sha256(message.reasoning),
      evidenceSha256: sha256(JSON.stringify(evidence)),
      fullTextSha256: kept.fullText?.sha256 ?? null,
      taskTokenSha256: sha256(message.taskToken),
      dryRun: record.dryRun,
    },
  ]);
  const first = entries[0]!;
  const stored: IncidentRecord = { ...record, ledgerSeq: first.seq, ledgerHead: first.hash };
  const created = await deps.incidents.create(stored, message.taskToken, entries);
  if (!created.created) {
    const existing = created.existing;
    const folded = existing.taskToken !== message.taskToken ? await foldFinding(deps, incident) : undefined;
    if (folded) {
      // The re-emitted finding updated the waiting incident: this second workflow ends, never waits.
      await deps.workflow.fail(
        message.taskToken,
        'chainsec.DuplicateRequest',
        `finding of incident ${incident.id} folded into its open request`,
      );
      return folded;
    }
    if (existing.taskToken !== message.taskToken) {
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
    return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
  }
  deps.telemetry.metric('ApprovalsRequested');
  deps.telemetry.metric(`Incidents_${message.tier}`);
  if (message.tier === 'critical') deps.telemetry.metric('CriticalEventCount');
  const posted = await postCard(deps, stored);
  // Critical requests page the primary on-call at once (policy `dmPrimaryImmediately`).
  const step = nextEscalation({ requestedAt, escalationLevel: 0 }, policy, now);
  if (step) await escalate(deps, posted, step);
  return { kind: 'created', incidentId: incident.id, ts: posted.ts };
}

async function ingestNotification(deps: AppDeps, message: Notification): Promise<IngestOutcome> {
  const now = deps.clock.now();
  const received = toIncident(message.incident, message.tier, deps);
  deps.telemetry.addLogKeys({ incidentId: received.id });
  const kept = await keepFullText(
    deps,
    received.id,
    longTextOf(received, message.reasoning ?? '', evidenceAsText(message.evidence)),
    message.fullText,
  );
  const incident = withPreview(received, kept.preview);
  const { reasoning, evidence } = kept.preview;
  const at = now.toISOString();
  const policy = effectivePolicy(deps.config, incident, incident.tier, now);
  const actions: ActionResult[] = message.actionTaken
    ? [
        {
          operation: 'contain',
          status: message.actionTaken.status,
          type: message.actionTaken.type,
          target: message.actionTaken.target,
          dryRun: message.dryRun,
          at,
        },
      ]
    : [];
  const record: IncidentRecord = {
    incident,
    tier: incident.tier,
    policy,
    status: IncidentStatus.Notified,
    kind: 'notification',
    reasoning,
    evidence,
    ...(kept.fullText && { fullText: kept.fullText }),
    // Low and medium never call the model (cost): the summary comes from the fields.
    summary: { text: fallbackSummary(incident), source: 'fallback' },
    requestedAt: at,
    votes: [],
    escalationLevel: 0,
    dryRun: message.dryRun || deps.config.dryRun,
    actions,
    ledgerSeq: 0,
    ledgerHead: GENESIS_HASH,
  };
  const entries = await sealEntries(deps.signer, incident.id, { seq: 0, hash: GENESIS_HASH }, [
    {
      type: LedgerEntryType.IncidentReceived,
      actor: 'agent',
      at,
      tier: incident.tier,
      rule: policy.rule,
      policy: policy as unknown as JsonValue,
      incident: incident as unknown as JsonValue,
      actionTaken: (message.actionTaken ?? null) as JsonValue,
      reasoningSha256: sha256(message.reasoning ?? ''),
      evidenceSha256: sha256(JSON.stringify(evidence)),
      fullTextSha256: kept.fullText?.sha256 ?? null,
      dryRun: record.dryRun,
    },
  ]);
  const first = entries[0]!;
  const stored: IncidentRecord = { ...record, ledgerSeq: first.seq, ledgerHead: first.hash };
  const created = await deps.incidents.create(stored, undefined, entries);
  if (!created.created) {
    const folded = await foldFinding(deps, incident);
    if (folded) return folded;
  }
  if (!created.created)
    return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
  deps.telemetry.metric(`Incidents_${incident.tier}`);
  if (incident.tier === 'critical') deps.telemetry.metric('CriticalEventCount');
  const route = await routeNotification(deps, stored);
  if (route.kind !== 'card') return { kind: 'folded', incidentId: incident.id, into: route.kind };
  const { channel, ts } = await postCard(deps, stored);
  if (route.patternKey) await notePatternCard(deps, route.patternKey, channel, ts);
  return { kind: 'created', incidentId: incident.id, ts };
}

/**
 * Posts the card of a record the caller holds and stores where it is. A
 * failure throws, so the queue redelivers. A card its route's channel refuses
 * (the bot is not in it) is never lost: it goes to the default channel, with
 * a note in its thread saying where it belongs (votes then count there, see
 * `policyFor`); the sweep alerts about the route once.
 * @returns the record as written, with its `channel` and `ts`
 */
export async function postCard(
  deps: AppDeps,
  record: IncidentRecord,
): Promise<IncidentRecord & { channel: string; ts: string }> {
  const { channel, route, fallbackChannel: fallback } = recordPolicy(deps, record);
  const card = cardFor(deps, record);
  const priority = cardPriority(record.incident.tier);
  let posted: { channel: string; ts: string };
  try {
    posted = await deps.slack.post(channel, card, undefined, priority);
  } catch (e) {
    if (!(e instanceof ChannelUnreachableError) || route === undefined || channel === fallback) throw e;
    deps.telemetry.warn('route channel refused the card; posted in the default channel', {
      incidentId: record.incident.id,
      channel,
      code: e.code,
      slackError: e.details.slackError,
    });
    deps.telemetry.metric('RouteFallbacks');
    posted = await deps.slack.post(fallback, card, undefined, priority);
    const note = routeFallbackNote({
      routeChannel: channel,
      ...(route !== channel && { routeName: route }),
      slackError: String(e.details.slackError),
    });
    // The card is stored first: a failed note never loses it (the thread just lacks the explanation).
    const written = await storeWhere(deps, record, posted);
    await deps.slack.post(posted.channel, note, posted.ts, priority).catch((noteError: unknown) =>
      deps.telemetry.warn('route fallback note not posted', {
        incidentId: record.incident.id,
        error: (noteError as Error).message,
      }),
    );
    return written;
  }
  return storeWhere(deps, record, posted);
}

/** Stores where a record's card was posted. */
async function storeWhere(
  deps: AppDeps,
  record: IncidentRecord,
  posted: { channel: string; ts: string },
): Promise<IncidentRecord & { channel: string; ts: string }> {
  const written = await deps.incidents.update(record.incident.id, (r) => ({
    ...r,
    channel: posted.channel,
    ts: posted.ts,
  }));
  return { ...(written ?? record), channel: posted.channel, ts: posted.ts };
}

/** Crash recovery: the incident was stored but is shown nowhere (its post failed, or a crash came first). */
export async function postIfMissing(deps: AppDeps, incidentId: string): Promise<boolean> {
  const stored = await deps.incidents.get(incidentId);
  if (!stored || stored.record.ts || stored.record.shownIn) return false;
  await postCard(deps, stored.record);
  return true;
}

/**
 * A detector's finding delivered again (same finding id, so the same
 * incident id) with a higher count: updates the stored incident, refreshes its
 * card (the count and last seen) and adds one line in its thread. Nothing when
 * the incident is not a finding or the count did not grow (a plain redelivery).
 */
async function foldFinding(deps: AppDeps, incident: Incident): Promise<IngestOutcome | undefined> {
  if (incident.kind !== 'finding') return undefined;
  const before = (await deps.incidents.get(incident.id))?.record.incident;
  if (before?.kind !== 'finding' || incident.finding.count <= before.finding.count) return undefined;
  const written = await deps.incidents.update(incident.id, (r) =>
    r.incident.kind === 'finding' && incident.finding.count > r.incident.finding.count
      ? { ...r, incident: { ...r.incident, finding: incident.finding } }
      : r,
  );
  deps.telemetry.info('finding re-emitted; incident updated', {
    incidentId: incident.id,
    count: incident.finding.count,
  });
  deps.telemetry.metric('FindingsFolded');
  if (written?.channel && written.ts) {
    await deps.slack.post(written.channel, buildFindingRepeatReply(written, before.finding.count), written.ts);
    await showCard(deps, written);
  }
  return { kind: 'updated', incidentId: incident.id, count: incident.finding.count };
}
