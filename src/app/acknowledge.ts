import { ErrorCode } from '../errors';
import { IncidentStatus } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import type { AppDeps } from './deps';
import { isPolicyPerson, policyFor } from './routing';
import type { IncidentRecord } from '../domain/incidentRecord';
import { surfaceAllowed, type VoteSurface } from '../domain/votes';
import { UserMessage } from '../userMessages';

/** What acknowledging or marking an incident needs. */
type MarkDeps = Pick<AppDeps, 'config' | 'clock' | 'slack' | 'incidents' | 'outbox' | 'signer' | 'telemetry'>;

/** A click on "I'm on it" or "Mark false positive": who, on which incident, and where the button was. */
export interface MarkInput {
  incidentId: string;
  userId: string;
  /** The card's message, the Home tab, or (for "I'm on it") the escalation DM. */
  surface: VoteSurface;
}

/** Why a mark is refused, or undefined when `input` may mark `record` (its people, on a surface its policy allows). */
async function markRefusal(
  deps: MarkDeps,
  record: IncidentRecord,
  input: MarkInput,
  what: 'acknowledge' | 'mark false positives',
): Promise<MarkResult | undefined> {
  const policy = policyFor(deps, record);
  // The escalation DM carries "I'm on it" too: only the person paged sees it (a DM with the bot).
  const inDm = what === 'acknowledge' && input.surface.kind === 'message' && input.surface.channelId.startsWith('D');
  if (!inDm && !surfaceAllowed(policy, input.surface))
    return {
      kind: 'rejected',
      code: ErrorCode.WrongChannel,
      message: UserMessage.handledOnItsCard(),
    };
  if (!(await isPolicyPerson(deps, record, input.userId)))
    return {
      kind: 'rejected',
      code: ErrorCode.NotAllowedToDecide,
      message: UserMessage.notIncidentPeople(what),
    };
  return undefined;
}

export type MarkResult = { kind: 'done'; message: string } | { kind: 'rejected'; code: string; message: string };

/**
 * "I'm on it": stops escalation and starts the time-to-decide clock. Only the
 * incident's own people may say it (its approvers, or whoever is on call for
 * it, e.g. the route's on-call who was paged); signed like every other step.
 */
export async function acknowledge(deps: MarkDeps, input: MarkInput): Promise<MarkResult> {
  const result = await commitWithRetry<MarkResult>(deps, input.incidentId, async ({ record }) => {
    if (record.status !== IncidentStatus.Pending) {
      return {
        kind: 'stop',
        result: { kind: 'rejected', code: ErrorCode.AlreadyDecided, message: UserMessage.noLongerWaiting() },
      };
    }
    if (record.acknowledgedAt !== undefined) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: UserMessage.alreadyAcknowledged(record.acknowledgedBy) },
      };
    }
    const refused = await markRefusal(deps, record, input, 'acknowledge');
    if (refused) return { kind: 'stop', result: refused };
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, acknowledgedAt: at, acknowledgedBy: input.userId },
      drafts: [{ type: LedgerEntryType.Acknowledged, actor: input.userId, at }],
      result: { kind: 'done', message: UserMessage.acknowledged() },
    };
  });
  if (result.kind === 'done') await refreshCard(deps, input.incidentId);
  return result;
}

/** Marks an incident a false positive (feeds the false-positive rate in `/chainsec stats`). */
export async function markFalsePositive(deps: MarkDeps, input: MarkInput): Promise<MarkResult> {
  const result = await commitWithRetry<MarkResult>(deps, input.incidentId, async ({ record }) => {
    if (record.falsePositive) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: UserMessage.alreadyFalsePositive(record.falsePositive.by) },
      };
    }
    const refused = await markRefusal(deps, record, input, 'mark false positives');
    if (refused) return { kind: 'stop', result: refused };
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, falsePositive: { by: input.userId, at } },
      drafts: [{ type: LedgerEntryType.FalsePositive, actor: input.userId, at }],
      result: { kind: 'done', message: UserMessage.falsePositiveMarked() },
    };
  });
  if (result.kind === 'done') await refreshCard(deps, input.incidentId);
  return result;
}
