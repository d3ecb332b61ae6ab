import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { refreshCard, showCard } from './cards';
import { commitWithRetry, type Settled } from './commitWithRetry';
import { decisionOutput, resumeWorkflow, type ResumeOutcome } from './resumeWorkflow';
import { signReceipt } from './signReceipt';
import type { AppDeps, IncidentChangeDeps } from './deps';
import type { Receipt } from '../domain/receipt';
import type { StoredIncident } from '../services/IncidentRepository';

/** A receipt signed with the decision's entries, before the commit (see recordVote). */
export type PresignedReceipt = Settled<Receipt | undefined>;

/** What the click path hands over: the incident it just wrote and, signed with it, the receipt. */
export interface JustCommitted {
  stored: StoredIncident;
  receipt?: PresignedReceipt;
}

/** What delivering a decision needs: the store and ledger, the workflow, the signer (receipts) and the card. */
type DeliverDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'workflow'>;

/** What happened when a stored decision was handed to the workflow. */
export type DeliveryOutcome = ResumeOutcome | 'nothing_to_deliver';

/**
 * Resumes the workflow with a decision that is already signed and stored.
 * Never the other way round: a workflow is never resumed by a decision that is
 * not in the ledger. Safe to call again (the sweep re-drives after a crash).
 */
export async function deliverDecision(
  deps: DeliverDeps,
  incidentId: string,
  justCommitted?: JustCommitted,
): Promise<DeliveryOutcome> {
  // The click path hands over what it just wrote (saves a read); a re-drive reads the store.
  const stored = justCommitted?.stored ?? (await deps.incidents.get(incidentId));
  if (!stored) return 'nothing_to_deliver';
  const { record, taskToken } = stored;
  const { decision, decisionHash } = record;
  if (record.delivery !== DeliveryStatus.Pending || !decision || !decisionHash) return 'nothing_to_deliver';
  if (!taskToken) {
    deps.telemetry.error('decision stored without a task token', { incidentId });
    return 'nothing_to_deliver';
  }
  let receipt: Receipt | undefined;
  try {
    receipt = await receiptFor(deps, incidentId, record, justCommitted?.receipt);
  } catch (e) {
    // Fail closed: no receipt, no resume. The decision stays stored and undelivered; the sweep retries.
    deps.telemetry.error('receipt not signed; the workflow is not resumed', {
      incidentId,
      error: (e as Error).message,
    });
    deps.telemetry.metric('ReceiptSigningFailures');
    await refreshCard(deps, incidentId);
    return 'retry_later';
  }
  const output = decisionOutput(incidentId, { ...record, decision, decisionHash }, receipt, deps.clock.now());
  const resuming = resumeWorkflow(deps, taskToken, output, record.executionArn);
  // The decided card does not depend on delivery: on the click path it goes
  // out while the workflow is resumed. It is rendered on the next turn of the
  // event loop, once the resume request is on its way.
  const shown = justCommitted ? nextTurn().then(() => showCard(deps, record)) : undefined;
  const outcome = await resuming;
  const cardShown = (await shown) ?? false;

  if (outcome === 'retry_later') {
    // The decision is signed and stored: the card shows it (no live buttons) while the sweep retries.
    if (!cardShown) await refreshCard(deps, incidentId);
    return outcome;
  }
  if (outcome === 'token_gone') {
    // The workflow timed out (or finished) before it heard us: its own fallback ran.
    await recordTokenGone(deps, incidentId);
    return outcome;
  }
  await markDelivered(deps, incidentId, stored, cardShown);
  return outcome;
}

/** Records that the workflow's task was gone before the decision reached it (signed expiry). */
async function recordTokenGone(deps: DeliverDeps, incidentId: string): Promise<void> {
  await commitWithRetry(deps, incidentId, (current) => {
    if (current.record.delivery !== DeliveryStatus.Pending) return { kind: 'stop', result: undefined };
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      result: undefined,
      next: { ...current.record, status: IncidentStatus.Expired, delivery: DeliveryStatus.TokenGone },
      drafts: [
        {
          type: LedgerEntryType.Expiry,
          actor: 'chainsec',
          at,
          reason: 'workflow task gone before the decision was delivered',
          decisionNotDelivered: current.record.decision ?? null,
        },
      ],
    };
  });
  deps.telemetry.metric('Expiries');
  await refreshCard(deps, incidentId);
}

/**
 * Resumed: marks it delivered, from what we hold (no re-read). If someone
 * wrote in between (the workflow's next step records its result), the card
 * we showed may be older than theirs: shows the latest once more.
 */
async function markDelivered(
  deps: DeliverDeps,
  incidentId: string,
  stored: StoredIncident,
  cardShown: boolean,
): Promise<void> {
  const { record } = stored;
  const delivered = { ...record, delivery: DeliveryStatus.Delivered };
  const written = await deps.incidents.update(
    incidentId,
    (r) => (r.delivery === DeliveryStatus.Pending ? { ...r, delivery: DeliveryStatus.Delivered } : undefined),
    stored,
  );
  if (!cardShown || (written && JSON.stringify(written) !== JSON.stringify(delivered)))
    await refreshCard(deps, incidentId);
}

/** The receipt signed before the commit when there is one, else signed now. */
async function receiptFor(
  deps: DeliverDeps,
  incidentId: string,
  record: IncidentRecord,
  presigned: PresignedReceipt | undefined,
): Promise<Receipt | undefined> {
  if (!presigned) return signReceipt(deps, incidentId, record);
  if (!presigned.ok) throw presigned.error;
  return presigned.value;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
