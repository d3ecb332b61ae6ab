import { createHash } from 'node:crypto';
import { normalizeIncident, requestIncident, type Incident } from '../domain/incident';
import { incidentIdForKey } from '../domain/incidentId';
import { isOwnOrigin, isRequestOfItsOwn, Origin, originOf, recordOrigin, type Delivery } from '../domain/origin';
import { ChannelUnreachableError, ConcurrentUpdateError, InvalidInputError } from '../errors';
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
import { actionDigest, containmentActionDigest } from '../domain/actionDigest';
import { classify } from '../domain/risk';
import { cardPriority } from '../domain/pacing';
import { isApprovalTier, tierRank, type RiskTier } from '../domain/tiers';
import { decisionDeadline } from '../domain/policy';
import { fallbackSummary } from '../domain/summary';
import { cardFor, showCard } from './cards';
import { buildAgentNoteReply, buildFindingRepeatReply, buildRaisedReply } from '../blocks/threadReply';
import { routeFallbackNote } from '../blocks/routeNotices';
import type { AppDeps } from './deps';
import { publishEntries, sealEntries } from './ledgerWriter';
import { escalate } from './escalate';
import { nextEscalation } from '../domain/escalation';
import { notePatternCard, routeNotification } from './noiseControl';
import { identifyRequester } from './identifyRequester';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { recordPolicy } from './routing';
import { effectivePolicy } from '../domain/effectivePolicy';
import { commitWithRetry } from './commitWithRetry';
import type { StoredIncident } from '../services/IncidentRepository';

/** What ingesting one message did. */
export type IngestOutcome =
  | { kind: 'created'; incidentId: string; ts: string }
  | { kind: 'folded'; incidentId: string; into: 'thread' | 'digest' }
  | { kind: 'duplicate'; incidentId: string; reposted: boolean }
  | { kind: 'superseded'; incidentId: string }
  /** A detector re-emitted a finding with a higher count: its incident and card were updated. */
  | { kind: 'updated'; incidentId: string; count: number }
  /** The incident came back needing more approval: it now waits for people under the new tier's policy. */
  | { kind: 'raised'; incidentId: string; from: RiskTier; to: RiskTier; ts: string }
  /** Someone other than the incident's own source named it: a thread note, nothing changed. */
  | { kind: 'noted'; incidentId: string };

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

/** The higher of two tiers. */
function higherTier(a: RiskTier, b: RiskTier): RiskTier {
  return tierRank(a) >= tierRank(b) ? a : b;
}

/**
 * The incident an approval request is about, with the tier chainsec gives it:
 * the one it carries, or, for a request from any workflow without one, the
 * "agent action" incident derived from its task token, title, tier and
 * context (docs/INTERFACES.md#approval-requests-from-any-workflow). The tier is chainsec's own: a raw event is classified by its
 * source's rules and a carried incident keeps its tier; the request's `tier`
 * may only raise it (more scrutiny), never lower it.
 */
function incidentOfRequest(message: ApprovalRequest, deps: Pick<AppDeps, 'config' | 'clock'>): Incident {
  if (message.incident !== undefined) {
    const normalized = IncidentSchema.safeParse(message.incident);
    if (normalized.success) return { ...normalized.data, tier: higherTier(message.tier, normalized.data.tier) };
    const raw = message.incident as Parameters<typeof normalizeIncident>[0];
    const tier = higherTier(message.tier, classify(raw, deps.config.risk));
    return normalizeIncident(raw, tier, deps.clock.now());
  }
  // The schema refuses a request with neither; checked again so a caller that skipped it fails closed.
  if (message.title === undefined)
    throw new InvalidInputError('invalid approval request: title: required when the request has no incident');
  return requestIncident({ ...message, title: message.title }, deps.clock.now());
}

/**
 * The id of a request from another workflow: its own, derived from its task
 * token (unique per wait), never the id of an incident it names. Another
 * source's incident (the stack's own, a detector's) is never taken over or
 * attached to: the request is its own incident, and names the other in its
 * ledger entry only.
 */
function foreignRequestId(taskToken: string): string {
  return incidentIdForKey(`request:${sha256(taskToken)}`);
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
 * so the incident item stays under DynamoDB's 400 KB. `delivery` (how the
 * message reached chainsec, read by the handler from the Lambda event) decides
 * its origin, and so what it may do (see `origin.ts`).
 */
export async function ingestMessage(
  deps: AppDeps,
  message: InboundMessage,
  delivery: Delivery,
): Promise<IngestOutcome> {
  return message.kind === 'approval_request'
    ? ingestApproval(deps, message, delivery)
    : ingestNotification(deps, message, delivery);
}

async function ingestApproval(deps: AppDeps, message: ApprovalRequest, delivery: Delivery): Promise<IngestOutcome> {
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
  const { reasoning, evidence } = kept.preview;
  const summary = await deps.summarizer.summarize(incident, reasoning, evidence);
  if (summary.source === 'fallback' && summary.fallbackReason && summary.fallbackReason !== 'disabled') {
    deps.telemetry.metric(`SummaryFallback_${summary.fallbackReason}`);
  }
  const requestedAt = now.toISOString();
  const requester = message.requestedBy === undefined ? undefined : await identifyRequester(deps, message.requestedBy);
  const digest = message.actionDigest ?? actionDigest(message.proposedAction);
  const containmentDigest = message.containment && containmentActionDigest(message.containment);
  const record: IncidentRecord = {
    incident,
    tier,
    policy,
    origin,
    status: IncidentStatus.Pending,
    kind: 'approval',
    proposedAction: message.proposedAction,
    actionDigest: digest,
    ...(message.containment && { containment: message.containment, containmentDigest }),
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
      tier,
      rule: policy.rule,
      policy: policy as unknown as JsonValue,
      // How it reached chainsec (decided by the topic or rule that delivered it, never by the message).
      origin,
      // The tier the request asked for, when chainsec's own rules gave it more.
      ...(tier !== message.tier && { requestedTier: message.tier }),
      // The incident a foreign request named: never taken over, only recorded.
      ...(received.id !== asSent.id && { namedIncidentId: asSent.id }),
      incident: incident as unknown as JsonValue,
      proposedAction: message.proposedAction,
      actionDigest: digest,
      containment: (message.containment ?? null) as JsonValue,
      ...(containmentDigest && { containmentDigest }),
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
    if (existing.taskToken === message.taskToken)
      return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
    // The stack's own workflow asks again about an incident that now needs more approval: people decide again.
    const raised = isOwnOrigin(origin)
      ? await raiseIncident(deps, existing, stored, message.taskToken, entries[0]!)
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
  deps.telemetry.metric('ApprovalsRequested');
  deps.telemetry.metric(`Incidents_${tier}`);
  if (tier === 'critical') deps.telemetry.metric('CriticalEventCount');
  const posted = await postCard(deps, stored);
  // Critical requests page the primary on-call at once (policy `dmPrimaryImmediately`).
  const step = nextEscalation({ requestedAt, escalationLevel: 0 }, policy, now);
  if (step) await escalate(deps, posted, step);
  return { kind: 'created', incidentId: incident.id, ts: posted.ts };
}

async function ingestNotification(deps: AppDeps, message: Notification, delivery: Delivery): Promise<IngestOutcome> {
  const now = deps.clock.now();
  const received = toIncident(message.incident, message.tier, deps);
  deps.telemetry.addLogKeys({ incidentId: received.id });
  const origin = originOf(delivery, message, received);
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
    origin,
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
      origin,
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
    // Only an incident's own source changes its facts: a detector re-emitting its finding. Anyone else
    // naming it (an agent's notification) adds a note in its thread, nothing more.
    const own = origin === Origin.Detector && recordOrigin(created.existing.record) === Origin.Detector;
    const folded = own ? await foldFinding(deps, incident) : undefined;
    if (folded) return folded;
    if (origin === Origin.Agent && differs(created.existing.record.incident, incident))
      return noteInThread(deps, created.existing.record, message.reasoning ?? '');
    return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
  }
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
 * incident id) with a higher count: updates the stored incident with a signed
 * `incident_updated` entry (what changed, from what), refreshes its card (the
 * count and last seen) and adds one line in its thread. Nothing when the
 * incident is not a finding or the count did not grow (a plain redelivery).
 * The caller has checked that the detector's own route delivered it.
 */
async function foldFinding(deps: AppDeps, incident: Incident): Promise<IngestOutcome | undefined> {
  if (incident.kind !== 'finding') return undefined;
  const before = (await deps.incidents.get(incident.id))?.record.incident;
  if (before?.kind !== 'finding' || incident.finding.count <= before.finding.count) return undefined;
  const at = deps.clock.now().toISOString();
  const written = await commitWithRetry(deps, incident.id, ({ record: r }) => {
    if (r.incident.kind !== 'finding' || incident.finding.count <= r.incident.finding.count)
      return { kind: 'stop' as const, result: undefined };
    const next: IncidentRecord = { ...r, incident: { ...r.incident, finding: incident.finding } };
    return {
      kind: 'commit' as const,
      next,
      result: next as IncidentRecord | undefined,
      drafts: [
        {
          type: LedgerEntryType.IncidentUpdated,
          actor: 'workflow',
          at,
          origin: Origin.Detector,
          previous: { count: r.incident.finding.count, lastSeen: r.incident.finding.lastSeen ?? null },
          finding: incident.finding as unknown as JsonValue,
        },
      ],
    };
  });
  if (!written) return undefined;
  deps.telemetry.info('finding re-emitted; incident updated', {
    incidentId: incident.id,
    count: incident.finding.count,
  });
  deps.telemetry.metric('FindingsFolded');
  const shown = (await deps.incidents.get(incident.id))?.record ?? written;
  if (shown.channel && shown.ts) {
    await deps.slack.post(shown.channel, buildFindingRepeatReply(shown, before.finding.count), shown.ts);
    await showCard(deps, shown);
  }
  return { kind: 'updated', incidentId: incident.id, count: incident.finding.count };
}

/** Approvals a record waits for: none for a notification, else its tier's. */
function approvalsOf(deps: AppDeps, record: IncidentRecord): number {
  if (record.kind !== 'approval' || !isApprovalTier(record.tier)) return 0;
  return recordPolicy(deps, record).approvalsNeeded;
}

/**
 * The stack's own workflow asks about an incident chainsec already holds,
 * and the new tier needs more approval than the incident had (a finding
 * re-sent at a higher severity: a medium notice now critical, a high request
 * now critical). The incident becomes the new request: the new tier's policy,
 * its votes reset, the new workflow's task token (a previous request's task is
 * failed closed as superseded), one signed `incident_raised` entry holding
 * what `incident_received` holds for a new request, and a new card (routed as
 * the new tier routes), with a line under the old one pointing at it.
 * @param received the record the request would have created, and its signed first entry (whose fields are reused)
 * @returns undefined when nothing needs raising (then the caller folds or refuses the request)
 */
async function raiseIncident(
  deps: AppDeps,
  existing: StoredIncident,
  received: IncidentRecord,
  taskToken: string,
  receivedEntry: { [field: string]: JsonValue | undefined },
): Promise<IngestOutcome | undefined> {
  const open = (r: IncidentRecord) => r.status === IncidentStatus.Notified || r.status === IncidentStatus.Pending;
  const needsMore = (r: IncidentRecord) => open(r) && approvalsOf(deps, received) > approvalsOf(deps, r);
  if (!needsMore(existing.record)) return undefined;
  const {
    type: _t,
    incidentId: _i,
    seq: _s,
    prevHash: _p,
    keyId: _k,
    hash: _h,
    signature: _g,
    ...fields
  } = receivedEntry;
  let previous: { record: IncidentRecord; taskToken: string | undefined } | undefined;
  const id = received.incident.id;
  let current: StoredIncident | undefined = existing;
  let written: StoredIncident | undefined;
  for (let attempt = 1; !written; attempt++) {
    if (!current || !needsMore(current.record)) return undefined;
    const r: IncidentRecord = current.record;
    const entries = await sealEntries(deps.signer, id, { seq: r.ledgerSeq, hash: r.ledgerHead }, [
      {
        ...(fields as Record<string, JsonValue>),
        type: LedgerEntryType.IncidentRaised,
        actor: String(fields.actor ?? 'workflow'),
        at: String(fields.at ?? deps.clock.now().toISOString()),
        fromTier: r.tier,
        fromKind: r.kind,
        votesReset: r.votes.length,
      },
    ]);
    const last = entries[entries.length - 1]!;
    const next: IncidentRecord = {
      ...received,
      // What was done stays; where it was shown is replaced by the new card (posted below); the decision starts again.
      actions: r.actions,
      ledgerSeq: last.seq,
      ledgerHead: last.hash,
    };
    try {
      // The new workflow's task token is written with the record: it is the one a decision now resumes.
      written = await deps.incidents.commit({ ...current, taskToken }, next, entries);
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= 5) throw e;
      current = await deps.incidents.get(id);
      continue;
    }
    await publishEntries(deps, id, written);
    previous = { record: r, taskToken: current.taskToken };
  }
  if (!previous) return undefined;
  const raised = written.record;
  const from = previous.record;
  deps.telemetry.info('incident raised: it needs more approval now', {
    incidentId: raised.incident.id,
    from: from.tier,
    to: raised.tier,
  });
  deps.telemetry.metric('IncidentsRaised');
  if (previous.taskToken && previous.taskToken !== taskToken) {
    await deps.workflow
      // Ends as a duplicate does (its workflow denies, recorded): the raised request is the one people decide.
      .fail(
        previous.taskToken,
        'chainsec.DuplicateRequest',
        `incident ${raised.incident.id} was raised to ${raised.tier}: people decide on its new request`,
      )
      .catch((e: unknown) =>
        deps.telemetry.warn('superseded request not failed', { incidentId: raised.incident.id, error: String(e) }),
      );
  }
  const posted = await postCard(deps, raised);
  if (from.channel && from.ts) {
    await deps.slack
      .post(from.channel, buildRaisedReply(raised, from.tier), from.ts)
      .catch((e: unknown) =>
        deps.telemetry.warn('raised note not posted', { incidentId: raised.incident.id, error: String(e) }),
      );
  }
  const step = nextEscalation(
    { requestedAt: raised.requestedAt, escalationLevel: 0 },
    recordPolicy(deps, raised),
    deps.clock.now(),
  );
  if (step) await escalate(deps, posted, step);
  return { kind: 'raised', incidentId: raised.incident.id, from: from.tier, to: raised.tier, ts: posted.ts };
}

/** Whether a message's incident says anything the stored one does not. */
function differs(stored: Incident, received: Incident): boolean {
  return JSON.stringify(stored) !== JSON.stringify({ ...received, observedAt: stored.observedAt });
}

/**
 * An agent's notification named an incident chainsec already holds (another
 * source's, or its own earlier one) with other facts: its words go in the
 * card's thread as the agent's, and nothing on the card changes.
 */
async function noteInThread(deps: AppDeps, record: IncidentRecord, note: string): Promise<IngestOutcome> {
  deps.telemetry.warn('a notification named an existing incident with other facts; kept as a thread note', {
    incidentId: record.incident.id,
  });
  deps.telemetry.metric('ForeignFactsRefused');
  if (record.channel && record.ts) await deps.slack.post(record.channel, buildAgentNoteReply(record, note), record.ts);
  return { kind: 'noted', incidentId: record.incident.id };
}
