import { actionDigest } from '../domain/actionDigest';
import type { IncidentRecord } from '../domain/incidentRecord';
import { GENESIS_HASH } from '../domain/ledger';
import { commitWithRetry } from './commitWithRetry';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { DUPLICATE_REQUEST_ERROR } from './taskErrors';
import {
  type Undelivered,
  type UndeliveredRequest,
  undeliveredEntry,
  undeliveredOf,
  undeliveredReceivedEntry,
  undeliveredRecord,
} from './undeliveredRecord';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { identifyRequester } from './identifyRequester';
import { sealEntries, type EntryDraft } from './ledgerWriter';
import { postCard } from './postCard';

/** What {@link reportUndelivered} did. */
export type UndeliveredOutcome =
  | { status: 'recorded'; incidentId: string; shown: boolean }
  | { status: 'appended'; incidentId: string }
  | { status: 'already_recorded'; incidentId: string; shown: boolean };

/** What reporting an undelivered request needs. */
type ReportUndeliveredDeps = IncidentChangeDeps & Pick<AppDeps, 'fullText'>;

/**
 * The loud side of failing closed: the workflow could not deliver an approval
 * request (SNS refused it, or the bot failed the task), so nobody was asked and
 * the proposed action will not run. Counted first (the `ApprovalRequestsUndelivered`
 * alarm fires even if what follows fails), then recorded as an incident with
 * signed `incident_received` and `approval_undelivered` entries, then shown in
 * the approvals channel on a card saying so (posted by the sweep if Slack is
 * down). A request refused because the incident already has a live one only
 * adds an entry to that incident's chain and a reply in its card's thread;
 * when it asks exactly what that card asks (a redelivery), no reply.
 * Safe to run again (the workflow retries it): nothing is recorded twice.
 */
export async function reportUndelivered(
  deps: ReportUndeliveredDeps,
  request: UndeliveredRequest,
): Promise<UndeliveredOutcome> {
  const id = request.incident.id;
  const duplicate = request.error.name === DUPLICATE_REQUEST_ERROR;
  if (duplicate) deps.telemetry.metric('DuplicateApprovalRequests');
  else deps.telemetry.metric('ApprovalRequestsUndelivered');
  deps.telemetry.error('approval request not delivered; the workflow failed closed', {
    incidentId: id,
    tier: request.tier,
    error: request.error.name,
    cause: request.error.cause.slice(0, 500),
  });
  const undelivered = undeliveredOf(request, deps.clock.now());
  const entry = undeliveredEntry(request, undelivered);

  const existing = await deps.incidents.get(id);
  if (existing) {
    if (existing.record.undelivered?.executionArn === request.executionArn) {
      // A retry of this report: recorded already; make sure it is shown.
      return { status: 'already_recorded', incidentId: id, shown: await showIfMissing(deps, existing.record) };
    }
    // The same request again (at-least-once delivery started a second workflow): recorded, but the card
    // that was delivered gets no warning; nothing about it failed.
    const redelivery = duplicate && sameRequest(existing.record, request);
    if (redelivery) deps.telemetry.metric('RedeliveredApprovalRequests');
    await appendToExisting(deps, id, entry, { quiet: redelivery });
    return { status: 'appended', incidentId: id };
  }

  return recordUndelivered(deps, request, entry, undelivered);
}

/** Whether a refused duplicate asks exactly what the stored request asks (same tier, same action digest). */
function sameRequest(stored: IncidentRecord, request: UndeliveredRequest): boolean {
  return (
    stored.kind === 'approval' &&
    stored.undelivered === undefined &&
    stored.tier === request.tier &&
    stored.actionDigest === actionDigest(request.proposedAction)
  );
}

/**
 * Adds the entry to an incident that already has a chain, and says so in its
 * card's thread, unless `quiet` (a redelivery of the request the card shows).
 */
async function appendToExisting(
  deps: ReportUndeliveredDeps,
  incidentId: string,
  entry: EntryDraft,
  { quiet }: { quiet: boolean } = { quiet: false },
): Promise<void> {
  const record = await commitWithRetry(deps, incidentId, ({ record: current }) => ({
    kind: 'commit',
    result: current,
    next: current,
    drafts: [entry],
  }));
  if (quiet || !record.channel || !record.ts) return;
  const text = `:warning: Another approval request for ${incidentId} (from ${String(entry.executionArn)}) could not be delivered: it failed closed; this card's request still stands.`;
  try {
    await deps.slack.post(
      record.channel,
      { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
      record.ts,
    );
  } catch (e) {
    deps.telemetry.warn('thread reply about an undelivered request failed', {
      incidentId,
      error: (e as Error).message,
    });
  }
}

/** Posts the card when it is shown nowhere yet; a Slack failure leaves it to the sweep (the incident stays open). */
async function showIfMissing(deps: ReportUndeliveredDeps, record: IncidentRecord): Promise<boolean> {
  if (record.ts) return true;
  try {
    await postCard(deps, record);
    return true;
  } catch (e) {
    deps.telemetry.warn('undelivered-request card not posted; the sweep will post it', {
      incidentId: record.incident.id,
      error: (e as Error).message,
    });
    return false;
  }
}

/**
 * Records an undelivered request chainsec never held: a decided (denied)
 * incident with signed `incident_received` and `approval_undelivered` entries,
 * and its card. When ingest created the incident meanwhile, the entry goes on its chain.
 */
async function recordUndelivered(
  deps: ReportUndeliveredDeps,
  request: UndeliveredRequest,
  entry: EntryDraft,
  undelivered: Undelivered,
): Promise<UndeliveredOutcome> {
  const id = request.incident.id;
  const kept = await keepFullText(
    deps,
    id,
    longTextOf(request.incident, request.reasoning, request.evidence),
    request.fullText,
  );
  // Shown like an approval card's requester: a mention only for a user the workspace knows.
  const requester = request.requestedBy !== undefined ? await identifyRequester(deps, request.requestedBy) : undefined;
  const incident = withPreview(request.incident, kept.preview);
  const record = undeliveredRecord(deps, request, { incident, kept, requester, undelivered });
  const entries = await sealEntries(deps.signer, id, { seq: 0, hash: GENESIS_HASH }, [
    undeliveredReceivedEntry(request, record, { kept, requester }),
    entry,
  ]);
  const last = entries[entries.length - 1]!;
  const stored: IncidentRecord = { ...record, ledgerSeq: last.seq, ledgerHead: last.hash };
  const created = await deps.incidents.create(stored, undefined, entries);
  if (!created.created) {
    // Ingest created it meanwhile (the request did arrive after all): the entry goes on its chain.
    await appendToExisting(deps, id, entry);
    return { status: 'appended', incidentId: id };
  }
  return { status: 'recorded', incidentId: id, shown: await showIfMissing(deps, stored) };
}
