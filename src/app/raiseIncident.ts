import { buildRaisedReply } from '../blocks/threadReply';
import { IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType, type JsonValue } from '../domain/ledger';
import { nextEscalation } from '../domain/escalation';
import { isApprovalTier } from '../domain/tiers';
import { ConcurrentUpdateError } from '../errors';
import type { StoredIncident } from '../services/IncidentRepository';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { escalate } from './escalate';
import type { IngestOutcome } from './ingestOutcome';
import { publishEntries, sealEntries } from './ledgerWriter';
import { postCard } from './postCard';
import { recordPolicy } from './routing';
import { DUPLICATE_REQUEST_ERROR } from './taskErrors';

/** What raising a held incident needs: its store and ledger, the new card, the workflow and the on-call pages. */
type RaiseIncidentDeps = IncidentChangeDeps & Pick<AppDeps, 'workflow'>;

/** Approvals a record waits for: none for a notification, else its tier's. */
function approvalsOf(deps: Pick<AppDeps, 'config'>, record: IncidentRecord): number {
  if (record.kind !== 'approval' || !isApprovalTier(record.tier)) return 0;
  return recordPolicy(deps, record).approvalsNeeded;
}

/** A signed entry's own fields, without what chaining and signing add. */
type EntryFields = { [field: string]: JsonValue | undefined };

/** The raised record as written, and the record and task token it replaced. */
interface Raise {
  raised: IncidentRecord;
  from: IncidentRecord;
  previousTaskToken: string | undefined;
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
export async function raiseIncident(
  deps: RaiseIncidentDeps,
  existing: StoredIncident,
  received: IncidentRecord,
  taskToken: string,
  receivedEntry: EntryFields,
): Promise<IngestOutcome | undefined> {
  const raise = await commitRaise(deps, existing, received, taskToken, receivedEntry);
  return raise && announceRaise(deps, raise, taskToken);
}

/**
 * Writes the raise (retrying a lost race a few times) while the stored
 * incident is still open and needs less approval than the new request.
 */
async function commitRaise(
  deps: RaiseIncidentDeps,
  existing: StoredIncident,
  received: IncidentRecord,
  taskToken: string,
  receivedEntry: EntryFields,
): Promise<Raise | undefined> {
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
  const id = received.incident.id;
  let current: StoredIncident | undefined = existing;
  for (let attempt = 1; ; attempt++) {
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
    // What was done stays; where it was shown is replaced by the new card (posted later); the decision starts again.
    const next: IncidentRecord = { ...received, actions: r.actions, ledgerSeq: last.seq, ledgerHead: last.hash };
    let written: StoredIncident;
    try {
      // The new workflow's task token is written with the record: it is the one a decision now resumes.
      written = await deps.incidents.commit({ ...current, taskToken }, next, entries);
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= 5) throw e;
      current = await deps.incidents.get(id);
      continue;
    }
    await publishEntries(deps, id, written);
    return { raised: written.record, from: r, previousTaskToken: current.taskToken };
  }
}

/**
 * Tells everyone of a written raise: fails the superseded request's task,
 * posts the new card, notes it under the old one, and pages as the new tier does.
 */
async function announceRaise(deps: RaiseIncidentDeps, raise: Raise, taskToken: string): Promise<IngestOutcome> {
  const { raised, from, previousTaskToken } = raise;
  deps.telemetry.info('incident raised: it needs more approval now', {
    incidentId: raised.incident.id,
    from: from.tier,
    to: raised.tier,
  });
  deps.telemetry.metric('IncidentsRaised');
  if (previousTaskToken && previousTaskToken !== taskToken) {
    await deps.workflow
      // Ends as a duplicate does (its workflow denies, recorded): the raised request is the one people decide.
      .fail(
        previousTaskToken,
        DUPLICATE_REQUEST_ERROR,
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
