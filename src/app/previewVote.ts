import { ErrorCode } from '../errors';
import { isApprovalTier } from '../domain/tiers';
import { evaluateVote, type VoteChoice, type VoteSurface } from '../domain/votes';
import type { IncidentRecord } from '../domain/incidentRecord';
import { isApprover } from './approvers';
import type { AppDeps } from './deps';
import { policyFor } from './routing';
import { approvalState } from './voteState';
import { UserMessage } from '../userMessages';

/** What {@link previewVote} found: the record the vote would go to, or why it would be refused. */
export type VotePreview = { kind: 'allowed'; record: IncidentRecord } | { kind: 'refused'; message: string };

/**
 * Whether a vote would be accepted now, by the same rules as {@link recordVote},
 * without recording anything: the reason modal is opened only for a vote
 * that could count, so nobody types a reason for nothing. Only a hint: the
 * submission is checked again, in full, when it is recorded.
 */
export async function previewVote(
  deps: Pick<AppDeps, 'incidents' | 'config' | 'clock' | 'slack' | 'telemetry'>,
  input: { incidentId: string; userId: string; choice: VoteChoice; surface: VoteSurface },
): Promise<VotePreview> {
  for (let wait = 1; ; wait++) {
    const preview = await previewOnce(deps, input);
    // A click on a card that was just posted can come before the card's `ts` is stored (as in recordVote).
    if (!('cardNotStored' in preview) || wait > CARD_WAITS) return preview.preview;
    await new Promise((r) => setTimeout(r, CARD_WAIT_MS * wait));
  }
}

const CARD_WAITS = 6;
const CARD_WAIT_MS = 100;

async function previewOnce(
  deps: Pick<AppDeps, 'incidents' | 'config' | 'clock' | 'slack' | 'telemetry'>,
  input: { incidentId: string; userId: string; choice: VoteChoice; surface: VoteSurface },
): Promise<{ preview: VotePreview; cardNotStored?: true }> {
  const record = (await deps.incidents.get(input.incidentId))?.record;
  if (!record) return { preview: { kind: 'refused', message: UserMessage.unknownButton() } };
  if (record.kind !== 'approval' || !isApprovalTier(record.tier))
    return { preview: { kind: 'refused', message: UserMessage.nothingToDecide() } };
  const policy = policyFor(deps, record);
  const now = deps.clock.now();
  const outcome = evaluateVote(
    approvalState(record),
    { userId: input.userId, choice: input.choice, at: now.toISOString() },
    {
      policy,
      isApprover: await isApprover(deps, policy, input.userId),
      surface: input.surface,
      now,
    },
  );
  if (outcome.kind !== 'rejected') return { preview: { kind: 'allowed', record } };
  const preview: VotePreview = { kind: 'refused', message: outcome.message };
  return outcome.code === ErrorCode.NotTheCard && record.ts === undefined
    ? { preview, cardNotStored: true }
    : { preview };
}
