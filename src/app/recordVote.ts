import { ErrorCode, ReplayedRequestError, type ErrorCode as Code } from '../errors';
import { isApprovalTier } from '../domain/tiers';
import { evaluateVote, type Tally, type VoteChoice, type VoteSurface } from '../domain/votes';
import { isApprover } from './approvers';
import { approvalState } from './voteState';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import { deliverDecision, type DeliveryOutcome, type PresignedReceipt } from './deliverDecision';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { policyFor } from './routing';
import { votedRecord } from './voteState';
import { signReceipt } from './signReceipt';
import type { Receipt } from '../domain/receipt';
import type { StoredIncident } from '../services/IncidentRepository';
import type { OnceClaim } from '../services/RequestClaims';
import { UserMessage } from '../userMessages';

/** What recording a vote needs (it delivers the decision it completes). */
type VoteDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'workflow' | 'claims'>;

/** A click on Approve, Deny or Rollback. */
export interface VoteInput {
  incidentId: string;
  userId: string;
  choice: VoteChoice;
  /** Where the click came from: the card's message, or the App Home tab (a reason modal counts as where it was opened). */
  surface: VoteSurface;
  /** The person's reason, already bounded (`boundReason`); signed into the vote entry. */
  reason?: string;
  /**
   * The click's one-time key: taken in the vote's own write (or, when
   * the vote is refused, before saying so), so a replayed click changes nothing.
   */
  claim?: OnceClaim;
  /** The incident, already being read (the handler starts the read early); used for the first attempt. */
  incidentRead?: Promise<StoredIncident | undefined>;
}

export type VoteResult =
  | { kind: 'rejected'; code: Code; message: string }
  /** The click was processed before (its claim is taken): nothing done, nothing to say. */
  | { kind: 'replayed' }
  | {
      kind: 'recorded';
      tally: Tally;
      decided?: { decision: VoteChoice; decidedBy: string[]; delivery: DeliveryOutcome };
    };

/**
 * Records one person's vote: authorise by policy, sign the vote (and the
 * decision, when this vote completes the quorum), commit both with the state
 * change in one write, then resume the workflow and update the card (the
 * sweep publishes the entries to the ledger table).
 * Throws only before the commit (nothing recorded); after it, failures are
 * logged and left to the sweep.
 * @throws SigningFailedError (nothing recorded, nothing resumed: fail closed)
 */
export async function recordVote(deps: VoteDeps, input: VoteInput): Promise<VoteResult> {
  let written: StoredIncident | undefined;
  let receipt: PresignedReceipt | undefined;
  let result: VoteResult;
  try {
    result = await commitVote(deps, input, (w, r) => {
      written = w;
      receipt = r;
    });
  } catch (e) {
    if (e instanceof ReplayedRequestError) return { kind: 'replayed' };
    throw e;
  }
  if (result.kind === 'rejected') {
    // A refusal is an answer too: the click is claimed before it is given.
    const { claim } = input;
    if (claim && !(await deps.claims.take(claim))) return { kind: 'replayed' };
    deps.telemetry.metric('VotesRejected');
    return result;
  }
  if (result.kind === 'replayed') return result;
  deps.telemetry.metric('Votes');
  // Committed: from here on nothing throws. What fails is left to the sweep
  // (it re-drives undelivered decisions, stale cards and unpublished entries).
  return afterCommit(deps, input.incidentId, result, written, receipt);
}

/**
 * Resumes the workflow when the vote decided, else refreshes the card. The
 * entries stay inside the incident for the sweep to publish to the ledger
 * table: they are in the ledger already, and a click's Lambda stays short
 * (publishing cost a cold click ~60 ms of its first SDK calls).
 */
async function afterCommit(
  deps: VoteDeps,
  incidentId: string,
  result: Extract<VoteResult, { kind: 'recorded' }>,
  written: StoredIncident | undefined,
  receipt: PresignedReceipt | undefined,
): Promise<VoteResult> {
  if (result.decided) {
    deps.telemetry.metric(`Decisions_${result.decided.decision}`);
    const justCommitted = written && { stored: written, ...(receipt && { receipt }) };
    const delivery = await deliverDecision(deps, incidentId, justCommitted).catch((e: unknown) => {
      deps.telemetry.warn('decision stored; its delivery is left to the sweep', {
        incidentId,
        error: (e as Error).message,
      });
      return 'retry_later' as const;
    });
    return { ...result, decided: { ...result.decided, delivery } };
  }
  await refreshCard(deps, incidentId).catch((e: unknown) => {
    deps.telemetry.warn('vote stored; the card was not refreshed', { incidentId, error: (e as Error).message });
  });
  return result;
}

/**
 * Authorise, sign and commit one vote (and the decision it completes), with
 * the click's claim. A decision's receipt is signed with its entries (one
 * round trip to the key on the path a person waits on): it cites the decision
 * entry's hash, which does not cover the entry's signature.
 */
function commitVote(
  deps: VoteDeps,
  input: VoteInput,
  onCommitted: (written: StoredIncident, receipt?: PresignedReceipt) => void,
): Promise<VoteResult> {
  return commitWithRetry<VoteResult, Receipt | undefined>(
    deps,
    input.incidentId,
    async ({ record }) => {
      if (record.kind !== 'approval' || !isApprovalTier(record.tier)) {
        return {
          kind: 'stop',
          result: { kind: 'rejected', code: ErrorCode.NothingToDecide, message: UserMessage.nothingToDecide() },
        };
      }
      const policy = policyFor(deps, record);
      const now = deps.clock.now();
      const at = now.toISOString();
      const vote = {
        userId: input.userId,
        choice: input.choice,
        at,
        ...(input.reason !== undefined && { reason: input.reason }),
      };
      const outcome = evaluateVote(approvalState(record), vote, {
        policy,
        isApprover: await isApprover(deps, policy, input.userId),
        surface: input.surface,
        now,
      });
      if (outcome.kind === 'rejected') {
        // A click on a card that was just posted can come before the card's `ts` is stored: wait for it.
        const cardNotStored = outcome.code === ErrorCode.NotTheCard && record.ts === undefined;
        return { kind: cardNotStored ? 'wait' : 'stop', result: outcome };
      }

      const { next, drafts } = votedRecord(record, vote, outcome, { policy, surface: input.surface });
      const recorded: VoteResult = {
        kind: 'recorded',
        tally: outcome.tally,
        ...(outcome.decision && { decided: { ...outcome.decision, delivery: 'retry_later' as DeliveryOutcome } }),
      };
      return { kind: 'commit', next, drafts, result: recorded };
    },
    {
      onCommitted,
      signAlongside: (next) => (next.decision ? signReceipt(deps, input.incidentId, next) : Promise.resolve(undefined)),
      publishLater: true,
      ...(input.claim && { claim: input.claim }),
      ...(input.incidentRead && { firstRead: input.incidentRead }),
    },
  );
}
