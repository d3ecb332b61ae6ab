import { buildAgentNoteReply } from '../blocks/threadReply';
import type { Incident } from '../domain/incident';
import { IncidentStatus, type ActionResult, type IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH, LedgerEntryType, type JsonValue } from '../domain/ledger';
import { evidenceAsText, type Notification } from '../domain/messages';
import { Origin, originOf, recordOrigin, type Delivery } from '../domain/origin';
import { effectivePolicy, type EffectivePolicy } from '../domain/effectivePolicy';
import { fallbackSummary } from '../domain/summary';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { foldFinding } from './foldFinding';
import { keepFullText, longTextOf, withPreview, type KeptText } from './fullText';
import { toIncident } from './incidentOfMessage';
import type { IngestOutcome } from './ingestOutcome';
import { sealEntries } from './ledgerWriter';
import { notePatternCard, routeNotification } from './noiseControl';
import { postCard, postIfMissing } from './postCard';
import { sha256Hex } from '../domain/sha256';

/** What ingesting a notification needs. */
export type IngestNotificationDeps = IncidentChangeDeps &
  Pick<AppDeps, 'workflow' | 'fullText' | 'counters' | 'sideDocs'>;

/**
 * Ingests one notification (an action already taken, or news): stores the
 * incident and its signed `incident_received` entry, then shows it as a card
 * or folds it into a storm digest or a pattern's thread (see `noiseControl`).
 * The same incident again is a redelivery, a re-emitted finding, or another
 * source's note in its thread.
 */
export async function ingestNotification(
  deps: IngestNotificationDeps,
  message: Notification,
  delivery: Delivery,
): Promise<IngestOutcome> {
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
  const policy = effectivePolicy(deps.config, incident, incident.tier, now);
  const record = notificationRecord(deps, message, { incident, policy, origin, kept }, now);
  const entries = await sealEntries(deps.signer, incident.id, { seq: 0, hash: GENESIS_HASH }, [
    {
      type: LedgerEntryType.IncidentReceived,
      actor: 'agent',
      at: record.requestedAt,
      tier: incident.tier,
      rule: policy.rule,
      policy: policy as unknown as JsonValue,
      origin,
      incident: incident as unknown as JsonValue,
      actionTaken: (message.actionTaken ?? null) as JsonValue,
      reasoningSha256: sha256Hex(message.reasoning ?? ''),
      evidenceSha256: sha256Hex(JSON.stringify(kept.preview.evidence)),
      fullTextSha256: kept.fullText?.sha256 ?? null,
      dryRun: record.dryRun,
    },
  ]);
  const first = entries[0]!;
  const stored: IncidentRecord = { ...record, ledgerSeq: first.seq, ledgerHead: first.hash };
  const created = await deps.incidents.create(stored, undefined, entries);
  if (!created.created) return sameIncident(deps, message, incident, origin, created.existing.record);
  deps.telemetry.metric(`Incidents_${incident.tier}`);
  if (incident.tier === 'critical') deps.telemetry.metric('CriticalEventCount');
  const route = await routeNotification(deps, stored);
  if (route.kind !== 'card') return { kind: 'folded', incidentId: incident.id, into: route.kind };
  const { channel, ts } = await postCard(deps, stored);
  if (route.patternKey) await notePatternCard(deps, route.patternKey, channel, ts);
  return { kind: 'created', incidentId: incident.id, ts };
}

/** The record a new notification creates (before its first ledger entry is chained). */
function notificationRecord(
  deps: Pick<AppDeps, 'config'>,
  message: Notification,
  { incident, policy, origin, kept }: { incident: Incident; policy: EffectivePolicy; origin: Origin; kept: KeptText },
  now: Date,
): IncidentRecord {
  const { reasoning, evidence } = kept.preview;
  const at = now.toISOString();
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
  return {
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
}

/**
 * A notification about an incident chainsec already holds. Only an
 * incident's own source changes its facts: a detector re-emitting its
 * finding. Anyone else naming it (an agent's notification) adds a note in its
 * thread, nothing more; the same facts again are a redelivery.
 */
async function sameIncident(
  deps: IngestNotificationDeps,
  message: Notification,
  incident: Incident,
  origin: Origin,
  existing: IncidentRecord,
): Promise<IngestOutcome> {
  const own = origin === Origin.Detector && recordOrigin(existing) === Origin.Detector;
  const folded = own ? await foldFinding(deps, incident) : undefined;
  if (folded) return folded;
  if (origin === Origin.Agent && differs(existing.incident, incident))
    return noteInThread(deps, existing, message.reasoning ?? '');
  return { kind: 'duplicate', incidentId: incident.id, reposted: await postIfMissing(deps, incident.id) };
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
async function noteInThread(
  deps: Pick<AppDeps, 'slack' | 'telemetry'>,
  record: IncidentRecord,
  note: string,
): Promise<IngestOutcome> {
  deps.telemetry.warn('a notification named an existing incident with other facts; kept as a thread note', {
    incidentId: record.incident.id,
  });
  deps.telemetry.metric('ForeignFactsRefused');
  if (record.channel && record.ts) await deps.slack.post(record.channel, buildAgentNoteReply(record, note), record.ts);
  return { kind: 'noted', incidentId: record.incident.id };
}
